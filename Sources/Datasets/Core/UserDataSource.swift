import Determinism
import Foundation

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
