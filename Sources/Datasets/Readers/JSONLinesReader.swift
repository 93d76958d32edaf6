import Foundation

/// One JSON object per line; blank lines skipped.
enum JSONLinesReader {
    static func objects(_ url: URL) throws -> [(line: Int, object: [String: Any])] {
        let text = try FileText.read(url)
        var result: [(Int, [String: Any])] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty { continue }
            guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else {
                throw DatasetError.malformed(file: url, line: index + 1, what: "not a JSON object")
            }
            result.append((index + 1, object))
        }
        return result
    }

    static func document(_ url: URL) throws -> Any {
        let text = try FileText.read(url)
        do { return try JSONSerialization.jsonObject(with: Data(text.utf8)) } catch {
            throw DatasetError.malformed(file: url, line: 1, what: "not valid JSON")
        }
    }
}
