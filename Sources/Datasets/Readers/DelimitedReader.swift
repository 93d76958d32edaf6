import Foundation

/// RFC 4180 CSV (quoted fields with embedded commas, quotes and newlines) or plain TSV.
enum DelimitedReader {
    /// Where the reader is within a field.
    private enum State {
        case unquoted
        /// Inside a quoted field that opened on `opened`.
        case quoted(opened: Int)
        /// A quote inside a quoted field: a second quote makes it a literal one, anything else closes the field.
        case quoteInQuoted(opened: Int)
        /// After a closed quoted field, where only spaces, the separator or a line end may follow.
        case closed(opened: Int)
    }

    /// Rows as field arrays, each with the line number where the row starts. A quoted field must close where its
    /// field ends: text after the closing quote means a quote that never closed (or an undoubled quote inside
    /// a quoted field), which would otherwise silently run the rows after it together into one.
    static func rows(_ url: URL, separator: Character, quoted: Bool = true) throws -> [(line: Int, fields: [String])] {
        let text = try FileText.read(url)
        var rows: [(Int, [String])] = []
        var field = ""
        var fields: [String] = []
        var state = State.unquoted
        var line = 1
        var rowStart = 1
        func endRow() {
            fields.append(field)
            if !(fields.count == 1 && fields[0].isEmpty) { rows.append((rowStart, fields)) }
            fields = []; field = ""
            rowStart = line
        }
        for c in text {
            let isLineEnd = c == "\n" || c == "\r\n"
            switch state {
            case .quoted(let opened):
                if c == "\"" { state = .quoteInQuoted(opened: opened); continue }
                if isLineEnd { line += 1 }
                field.append(c)
                continue
            case .quoteInQuoted(let opened):
                if c == "\"" { field.append("\""); state = .quoted(opened: opened); continue }
                state = .closed(opened: opened)
            case .closed, .unquoted:
                break
            }
            if case .closed(let opened) = state, c != separator, !isLineEnd {
                guard c == " " || c == "\r" || c == "\t" else { throw DatasetError.unterminatedQuote(file: url, line: opened) }
                continue
            }
            if c == separator {
                fields.append(field); field = ""; state = .unquoted
            } else if isLineEnd {
                line += 1
                endRow(); state = .unquoted
            } else if c == "\r" {
                continue
            } else if c == "\"" && quoted && field.isEmpty {
                state = .quoted(opened: line)
            } else {
                field.append(c)
            }
        }
        if case .quoted(let opened) = state { throw DatasetError.unterminatedQuote(file: url, line: opened) }
        if !field.isEmpty || !fields.isEmpty { endRow() }
        return rows
    }

    /// Rows keyed by the header's column names.
    static func records(_ url: URL, separator: Character, quoted: Bool = true) throws -> (header: [String], rows: [(line: Int, values: [String: String])]) {
        var all = try rows(url, separator: separator, quoted: quoted)
        guard !all.isEmpty else { throw DatasetError.empty(file: url) }
        let first = all.removeFirst()
        let header = first.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        var seen = Set<String>()
        for column in header where !seen.insert(column).inserted {
            throw DatasetError.duplicateColumn(file: url, line: first.line, column: column)
        }
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

extension DelimitedReader {
    /// Rows of a file with a header, each able to name its file and line in errors.
    static func table(_ url: URL, separator: Character, quoted: Bool = true) throws -> [TableRow] {
        let (header, rows) = try records(url, separator: separator, quoted: quoted)
        return rows.map { TableRow(file: url, line: $0.line, header: header, values: $0.values) }
    }
}
