import Foundation

/// One registry entry: where the raw files are, and one small function converting them.
public struct DatasetDefinition: Sendable {
    public let name: String
    public let summary: String
    /// How raw records become binary examples (shown by `w2s datasets list/show` and in docs).
    public let conversion: String
    /// Raw files used, relative to the dataset folder.
    public let files: [String]
    public let hasTrainSplit: Bool
    let folder: String
    let convert: @Sendable (_ folder: URL, _ name: String) throws -> ConvertedDataset

    init(name: String, folder: String? = nil, summary: String, conversion: String, files: [String], hasTrainSplit: Bool,
         convert: @escaping @Sendable (URL, String) throws -> ConvertedDataset) {
        self.name = name; self.folder = folder ?? name; self.summary = summary; self.conversion = conversion
        self.files = files; self.hasTrainSplit = hasTrainSplit; self.convert = convert
    }
}
