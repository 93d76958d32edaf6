import Foundation

/// Plain text, one item per line (TweetEval, PIQA/Social IQa label lists).
enum LinesReader {
    static func lines(_ url: URL) throws -> [String] {
        var lines = try FileText.read(url).components(separatedBy: "\n")
        if lines.last?.isEmpty == true { lines.removeLast() }
        return lines.map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 }
    }
}
