import Foundation

/// Reads a researcher's own file (see `UserDatasetFormat`) into examples, or fails naming the file, line and fix.
public func loadUserDataset(file url: URL, format: UserDatasetFormat = UserDatasetFormat()) throws -> [Example] {
    try UserDatasetLoader.load(file: url, format: format)
}

enum UserDatasetLoader {
    static func load(file url: URL, format: UserDatasetFormat) throws -> [Example] {
        let name = url.deletingPathExtension().lastPathComponent
        var records: [(line: Int, values: [String: String])] = []
        var header: [String] = []
        switch url.pathExtension.lowercased() {
        case "jsonl", "json":
            for (line, o) in try JSONLinesReader.objects(url) {
                var values: [String: String] = [:]
                for (k, v) in o { values[k] = (v as? String) ?? (v as? Bool).map { $0 ? "true" : "false" } ?? "\(v)" }
                records.append((line, values))
                header = Array(Set(header).union(o.keys)).sorted()
            }
        case "csv": (header, records) = try DelimitedReader.records(url, separator: ",")
        case "tsv": (header, records) = try DelimitedReader.records(url, separator: "\t", quoted: false)
        default: throw DatasetError.unsupportedFormat(file: url)
        }
        guard !records.isEmpty else { throw DatasetError.empty(file: url) }
        for column in [format.textColumn, format.labelColumn] + (format.pairColumn.map { [$0] } ?? []) {
            if let (line, r) = records.first(where: { $0.values[column] == nil }) {
                if records.allSatisfy({ $0.values[column] == nil }) {
                    throw DatasetError.missingColumn(file: url, column: column, available: header)
                }
                throw DatasetError.malformed(file: url, line: line, what: "no '\(column)' field (has \(r.keys.sorted().joined(separator: ", ")))")
            }
        }
        let rawLabels = Set(records.map { $0.values[format.labelColumn]!.trimmingCharacters(in: .whitespaces).lowercased() })
        let mapping: [String: Int]
        if rawLabels.isSubset(of: ["0", "1"]) { mapping = ["0": 0, "1": 1] }
        else if rawLabels.isSubset(of: ["false", "true"]) { mapping = ["false": 0, "true": 1] }
        else if rawLabels.count == 2 { let s = rawLabels.sorted(); mapping = [s[0]: 0, s[1]: 1] }
        else {
            let bad = records.first { !["0", "1"].contains($0.values[format.labelColumn]!.trimmingCharacters(in: .whitespaces)) }!
            throw DatasetError.badLabel(file: url, line: bad.line, value: bad.values[format.labelColumn]!,
                                        allowed: "0/1, true/false or exactly two class names (found \(rawLabels.count))")
        }
        if rawLabels.count < 2 { throw DatasetError.oneClass(file: url, label: rawLabels.first ?? "?") }
        return records.map { line, r in
            let text = r[format.textColumn]!
            let group = format.groupColumn.flatMap { r[$0] } ?? "\(line)|\(text)"
            return Example(dataset: name, groupID: group, text: text, pairText: format.pairColumn.flatMap { r[$0] },
                           label: mapping[r[format.labelColumn]!.trimmingCharacters(in: .whitespaces).lowercased()]!)
        }
    }
}
