import Foundation

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
