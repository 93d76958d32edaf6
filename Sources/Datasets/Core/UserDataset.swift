import Determinism
import Foundation

/// A researcher's own data: JSONL, CSV or TSV with a text column (optionally a second text column)
/// and a binary label column (0/1, true/false, or exactly two named classes, sorted: first → 0).
public struct UserDatasetFormat: Sendable {
    public var textColumn = "text"
    public var pairColumn: String? = nil
    public var labelColumn = "label"
    public var groupColumn: String? = nil
    public init(textColumn: String = "text", pairColumn: String? = nil, labelColumn: String = "label", groupColumn: String? = nil) {
        self.textColumn = textColumn; self.pairColumn = pairColumn; self.labelColumn = labelColumn; self.groupColumn = groupColumn
    }
}

public func loadUserDataset(file url: URL, format: UserDatasetFormat = UserDatasetFormat()) throws -> [Example] {
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

/// A researcher's own file as an experiment's data: where it is, which columns to read, and a hash of its
/// bytes, so that an edited file makes a new experiment (new run name, new cache keys) and never reuses
/// results computed on the old contents. Every split is carved from the file, grouped by `groupColumn`
/// (else by line) and balanced like the published benchmarks without a training split.
public struct UserDataSource: Codable, Hashable, Sendable {
    public var path: String
    public var textColumn: String
    public var pairColumn: String?
    public var labelColumn: String
    public var groupColumn: String?
    public var contentHash: String

    /// File extensions read as a user's file rather than a registry name.
    public static let extensions: Set<String> = ["jsonl", "json", "csv", "tsv"]

    /// Whether `argument` (a `--dataset` entry) names a file rather than a registered benchmark.
    public static func namesFile(_ argument: String) -> Bool {
        extensions.contains(URL(fileURLWithPath: argument).pathExtension.lowercased())
    }

    /// Reads and checks the file now (bad rows, one class, missing columns fail here, before any training).
    public init(file: URL, format: UserDatasetFormat = UserDatasetFormat()) throws {
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw DatasetError.missingUserFile(file: file)
        }
        _ = try loadUserDataset(file: file, format: format)
        path = file.standardizedFileURL.path
        textColumn = format.textColumn; pairColumn = format.pairColumn
        labelColumn = format.labelColumn; groupColumn = format.groupColumn
        contentHash = try Self.hash(of: file)
    }

    public var format: UserDatasetFormat {
        UserDatasetFormat(textColumn: textColumn, pairColumn: pairColumn, labelColumn: labelColumn, groupColumn: groupColumn)
    }

    /// The dataset's name in runs and ids: the file name without its extension.
    public var name: String { URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent }

    /// Seeded, balanced, disjoint splits of the file; fails if the file changed since this source was made.
    public func splits(sizes: SplitSizes, seed: UInt64) throws -> DatasetSplits {
        let file = URL(fileURLWithPath: path)
        guard FileManager.default.fileExists(atPath: path) else { throw DatasetError.missingUserFile(file: file) }
        guard try Self.hash(of: file) == contentHash else { throw DatasetError.userFileChanged(file: file) }
        let examples = try loadUserDataset(file: file, format: format)
        return DatasetRegistry.split(dataset: name, pools: ConvertedDataset(train: nil, evaluation: examples), sizes: sizes, seed: seed)
    }

    static func hash(of file: URL) throws -> String {
        let data = try Data(contentsOf: file)
        var h = ContentHash()
        h.combine(bytes: data)
        return h.hex
    }
}
