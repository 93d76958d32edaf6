import Foundation

/// Reads published files strictly: UTF-8 checked, line numbers kept for errors.
enum FileText {
    static func read(_ url: URL) throws -> String {
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw DatasetError.empty(file: url) }
        guard let text = String(data: data, encoding: .utf8) else {
            // Find the line of the first invalid byte for the error message.
            var line = 1
            var start = data.startIndex
            for (i, byte) in data.enumerated() where byte == 0x0A {
                if String(data: data[start..<data.index(data.startIndex, offsetBy: i)], encoding: .utf8) == nil { break }
                line += 1
                start = data.index(data.startIndex, offsetBy: i + 1)
            }
            throw DatasetError.notUTF8(file: url, line: line)
        }
        return text
    }
}
