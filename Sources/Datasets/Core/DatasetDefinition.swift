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
    /// The registered dataset this one lays out differently (same raw files, the same questions in the same splits,
    /// the same distractors); nil for an original.
    public let variantOf: String?
    /// For a question-over-a-passage dataset: its conversion in a given layout (the definition itself is the
    /// context-first one), from which the registry derives the `<name>_qfirst` variant.
    let convertInLayout: (@Sendable (_ folder: URL, _ name: String, _ layout: QALayout) throws -> ConvertedDataset)?

    /// Raw files used, relative to the dataset folder.
    public var files: [String] { source.files.map(\.name) }

    init(name: String, folder: String? = nil, summary: String, conversion: String, source: DatasetSource, hasTrainSplit: Bool,
         convert: @escaping @Sendable (URL, String) throws -> ConvertedDataset) {
        self.name = name; self.folder = folder ?? name; self.summary = summary; self.conversion = conversion
        self.source = source; self.hasTrainSplit = hasTrainSplit; self.convert = convert
        self.variantOf = nil; self.convertInLayout = nil
    }

    /// A question over a passage, converted in either layout: this definition is the context-first (original) one,
    /// and `questionFirstVariant` the registry's `<name>_qfirst`.
    init(name: String, summary: String, conversion: String, source: DatasetSource, hasTrainSplit: Bool,
         layouts convert: @escaping @Sendable (URL, String, QALayout) throws -> ConvertedDataset) {
        self.name = name; self.folder = name; self.summary = summary; self.conversion = conversion
        self.source = source; self.hasTrainSplit = hasTrainSplit
        self.convert = { try convert($0, $1, .contextFirst) }
        self.variantOf = nil; self.convertInLayout = convert
    }

    private init(variantOf base: DatasetDefinition, layout: QALayout,
                 convert: @escaping @Sendable (URL, String, QALayout) throws -> ConvertedDataset) {
        name = layout.name(of: base.name); folder = base.folder; source = base.source; hasTrainSplit = base.hasTrainSplit
        summary = base.summary + ", " + layout.summary
        conversion = layout.conversion(of: base.name)
        self.convert = { try convert($0, $1, layout) }
        variantOf = base.name; convertInLayout = nil
    }

    /// `<name>_qfirst`: question and candidate answer first, the passage second, so truncation to the maximum
    /// length trims the passage's end and never the question (which the original layout loses on long passages).
    var questionFirstVariant: DatasetDefinition? {
        convertInLayout.map { DatasetDefinition(variantOf: self, layout: .questionFirst, convert: $0) }
    }
}
