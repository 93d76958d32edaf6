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

/// RFC 4180 CSV (quoted fields with embedded commas, quotes and newlines) or plain TSV.
enum DelimitedReader {
    /// Rows as field arrays, each with the line number where the row starts.
    static func rows(_ url: URL, separator: Character, quoted: Bool = true) throws -> [(line: Int, fields: [String])] {
        let text = try FileText.read(url)
        var rows: [(Int, [String])] = []
        var field = ""
        var fields: [String] = []
        var inQuotes = false
        var line = 1
        var rowStart = 1
        var iterator = text.makeIterator()
        var pending: Character? = nil
        func endRow() {
            fields.append(field)
            if !(fields.count == 1 && fields[0].isEmpty) { rows.append((rowStart, fields)) }
            fields = []; field = ""
            rowStart = line
        }
        while let c = pending ?? iterator.next() {
            pending = nil
            if inQuotes {
                if c == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { field.append("\"") } else { inQuotes = false; pending = next }
                    } else { inQuotes = false }
                } else {
                    if c == "\n" || c == "\r\n" { line += 1 }
                    field.append(c)
                }
            } else if c == "\"" && quoted && field.isEmpty {
                inQuotes = true
            } else if c == separator {
                fields.append(field); field = ""
            } else if c == "\n" || c == "\r\n" {
                line += 1
                endRow()
            } else if c == "\r" {
                continue
            } else {
                field.append(c)
            }
        }
        if inQuotes { throw DatasetError.malformed(file: url, line: rowStart, what: "unterminated quoted field") }
        if !field.isEmpty || !fields.isEmpty { endRow() }
        return rows
    }

    /// Rows keyed by the header's column names.
    static func records(_ url: URL, separator: Character, quoted: Bool = true) throws -> (header: [String], rows: [(line: Int, values: [String: String])]) {
        var all = try rows(url, separator: separator, quoted: quoted)
        guard !all.isEmpty else { throw DatasetError.empty(file: url) }
        let header = all.removeFirst().fields.map { $0.trimmingCharacters(in: .whitespaces) }
        var records: [(Int, [String: String])] = []
        for (line, fields) in all {
            guard fields.count == header.count else {
                throw DatasetError.malformed(file: url, line: line, what: "\(fields.count) fields, the header has \(header.count)")
            }
            records.append((line, Dictionary(uniqueKeysWithValues: zip(header, fields))))
        }
        return (header, records)
    }
}

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

/// Plain text, one item per line (TweetEval, PIQA/Social IQa label lists).
enum LinesReader {
    static func lines(_ url: URL) throws -> [String] {
        var lines = try FileText.read(url).components(separatedBy: "\n")
        if lines.last?.isEmpty == true { lines.removeLast() }
        return lines.map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 }
    }
}
