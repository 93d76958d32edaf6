import Foundation

/// One JSON object per line (LF or CRLF line ends); blank lines skipped.
enum JSONLinesReader {
    static func objects(_ url: URL) throws -> [(line: Int, object: [String: Any])] {
        let text = try FileText.read(url)
        var result: [(Int, [String: Any])] = []
        // In a Swift string CRLF is one Character, so both line ends are split on.
        let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        for (index, raw) in lines.enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty { continue }
            guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else {
                throw DatasetError.malformed(file: url, line: index + 1, what: problem(line))
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

    /// Why a line is not a JSON object, as specifically as can be told.
    static func problem(_ line: String) -> String {
        if line.range(of: #"[:\[,]\s*-?(NaN|Infinity)\s*[,}\]]"#, options: .regularExpression) != nil {
            return "not a JSON object: it holds a bare NaN or Infinity, which JSON does not allow (Python's json.dumps writes them for missing or infinite numbers)"
        }
        if line.hasPrefix("[") {
            return "a JSON array, not one JSON object per line (JSON Lines); write one object per line, e.g. `jq -c '.[]'`"
        }
        return "not a JSON object"
    }
}
