import Foundation

/// One registry entry: where the raw files come from (repository, pinned commit, size and sha256 of each), and
/// one small function converting them.
public struct DatasetDefinition: Sendable {
    public let name: String
    public let summary: String
    /// How raw records become binary examples (shown by `w2s datasets list/show` and in docs).
    public let conversion: String
    /// The raw files the converter reads, where each is published, its size, sha256 and the licence: the
    /// catalog `w2s datasets download` fetches and verifies.
    public let source: DatasetSource
    public let hasTrainSplit: Bool
    /// The dataset's folder in a data directory (several ETHICS tasks share one).
    public let folder: String
    let convert: @Sendable (_ folder: URL, _ name: String) throws -> ConvertedDataset

    /// Raw files used, relative to the dataset folder.
    public var files: [String] { source.files.map(\.name) }

    init(name: String, folder: String? = nil, summary: String, conversion: String, source: DatasetSource, hasTrainSplit: Bool,
         convert: @escaping @Sendable (URL, String) throws -> ConvertedDataset) {
        self.name = name; self.folder = folder ?? name; self.summary = summary; self.conversion = conversion
        self.source = source; self.hasTrainSplit = hasTrainSplit; self.convert = convert
    }
}
