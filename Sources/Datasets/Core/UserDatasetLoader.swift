import Foundation

/// Reads a researcher's own file (see `UserDatasetFormat`) into examples, or fails naming the file, line and fix.
public func loadUserDataset(file url: URL, format: UserDatasetFormat = UserDatasetFormat()) throws -> [Example] {
    try UserDatasetLoader.load(file: url, format: format)
}

/// A user's JSONL/CSV/TSV file → binary examples. Every row must have the text (and pair) column and a real
/// label: an absent, null, empty, NaN or infinite value, or a third class, is an error naming its line.
enum UserDatasetLoader {
    typealias Record = (line: Int, values: [String: String])

    static func load(file url: URL, format: UserDatasetFormat) throws -> [Example] {
        guard FileManager.default.fileExists(atPath: url.path) else { throw DatasetError.missingUserFile(file: url) }
        let (header, records) = try read(url, format: format)
        guard !records.isEmpty else { throw DatasetError.empty(file: url) }
        for column in [format.textColumn, format.labelColumn] + (format.pairColumn.map { [$0] } ?? []) {
            if let (line, r) = records.first(where: { $0.values[column] == nil }) {
                if records.allSatisfy({ $0.values[column] == nil }) {
                    throw DatasetError.missingColumn(file: url, column: column, available: header)
                }
                throw DatasetError.malformed(file: url, line: line, what: "no '\(column)' field (has \(r.keys.sorted().joined(separator: ", ")))")
            }
        }
        let labels = try records.map { line, r in (line: line, value: try label(r[format.labelColumn] ?? "", url, line, format.labelColumn)) }
        let classes = try binaryClasses(labels, url)
        let name = url.deletingPathExtension().lastPathComponent
        return zip(records, labels).map { record, label in
            let (line, r) = record
            let text = r[format.textColumn] ?? ""
            let group = format.groupColumn.flatMap { r[$0] } ?? "\(line)|\(text)"
            return Example(dataset: name, groupID: group, text: text, pairText: format.pairColumn.flatMap { r[$0] },
                           label: classes.firstIndex(of: label.value) ?? 0)
        }
    }

    /// The file's columns and rows, by file type. JSONL rows hold the format's columns only, as text.
    static func read(_ url: URL, format: UserDatasetFormat) throws -> (header: [String], rows: [Record]) {
        switch url.pathExtension.lowercased() {
        case "jsonl", "json":
            let required = [format.textColumn, format.labelColumn] + (format.pairColumn.map { [$0] } ?? [])
            var keys = Set<String>()
            let records: [Record] = try JSONLinesReader.objects(url).map { line, o in
                keys.formUnion(o.keys)
                var values: [String: String] = [:]
                for column in required + (format.groupColumn.map { [$0] } ?? []) {
                    guard let value = o[column] else { continue }
                    if let text = try jsonText(value, url, line, column) {
                        values[column] = text
                    } else if required.contains(column) {
                        throw DatasetError.missingValue(file: url, line: line, column: column, found: "null")
                    }  // A null group falls back to the row's own group, as an absent one does.
                }
                return (line, values)
            }
            return (keys.sorted(), records)
        case "csv": return try DelimitedReader.records(url, separator: ",")
        case "tsv": return try DelimitedReader.records(url, separator: "\t", quoted: false)
        default: throw DatasetError.unsupportedFormat(file: url)
        }
    }

    /// A JSON value as text: strings as they are, true/false, numbers as written (1.0 → "1"); nil for null.
    static func jsonText(_ value: Any, _ url: URL, _ line: Int, _ column: String) throws -> String? {
        switch value {
        case let string as String:
            return string
        case is NSNull:
            return nil
        case let number as NSNumber:
            // JSON true/false arrive as NSNumber too (and 0/1 would cast to Bool): tell them apart by class.
            if type(of: number) == type(of: NSNumber(value: true)) { return number.boolValue ? "true" : "false" }
            let d = number.doubleValue
            if ["d", "f"].contains(String(cString: number.objCType)), d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
            return number.stringValue
        case is [Any]:
            throw DatasetError.malformed(file: url, line: line, what: "'\(column)' is a JSON array; it must be a string")
        case is [String: Any]:
            throw DatasetError.malformed(file: url, line: line, what: "'\(column)' is a JSON object; it must be a string")
        default:
            return "\(value)"
        }
    }

    /// A label as its class key (trimmed, lower case); empty, NaN and infinite values are missing labels.
    static func label(_ raw: String, _ url: URL, _ line: Int, _ column: String) throws -> String {
        let value = raw.trimmingCharacters(in: .whitespaces)
        if value.isEmpty { throw DatasetError.missingValue(file: url, line: line, column: column, found: "empty") }
        if let number = Double(value), !number.isFinite {
            throw DatasetError.missingValue(file: url, line: line, column: column,
                                            found: number.isNaN ? "NaN (a missing value)" : "infinite ('\(value)')")
        }
        return value.lowercased()
    }

    /// The two classes in sorted order (first → 0: 0/1 and false/true map as written); a third class is an
    /// error at the first line that has it.
    static func binaryClasses(_ labels: [(line: Int, value: String)], _ url: URL) throws -> [String] {
        var classes: [String] = []
        for (line, value) in labels where !classes.contains(value) {
            guard classes.count < 2 else {
                throw DatasetError.badLabel(file: url, line: line, value: value,
                                            allowed: "'\(classes[0])' or '\(classes[1])', the classes of the rows before it")
            }
            classes.append(value)
        }
        guard classes.count == 2 else { throw DatasetError.oneClass(file: url, label: classes.first ?? "?") }
        return classes.sorted()
    }
}
