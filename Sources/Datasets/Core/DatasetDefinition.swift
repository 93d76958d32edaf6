import Determinism
import Foundation

/// What a converter produces: the labelled training pool (nil when the training split was not
/// published/obtainable) and the pool the test set comes from.
public struct ConvertedDataset: Sendable {
    public var train: [Example]?
    public var evaluation: [Example]
}

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

/// Shared conversion helpers.
enum Convert {
    /// A multiple-choice question → one positive (the correct candidate) and one negative (a distractor
    /// picked deterministically from the question id). Both use the same text and the candidate as the
    /// pair segment, so formatting carries no label information.
    static func multipleChoice(dataset: String, groupID: String, text: String, candidates: [String],
                               correct: Int) -> [Example] {
        let cleaned = candidates.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        guard correct >= 0, correct < cleaned.count, !cleaned[correct].isEmpty else { return [] }
        let distractors = cleaned.indices.filter { $0 != correct && !cleaned[$0].isEmpty && cleaned[$0] != cleaned[correct] }
        guard !distractors.isEmpty else { return [] }
        var rng = SplitMix64(seed: ContentHash.value(dataset, groupID))
        let negative = distractors[Int(rng.next() % UInt64(distractors.count))]
        return [Example(dataset: dataset, groupID: groupID, text: text, pairText: cleaned[correct], label: 1),
                Example(dataset: dataset, groupID: groupID, text: text, pairText: cleaned[negative], label: 0)]
    }

    static func file(_ folder: URL, _ name: String) -> URL { folder.appendingPathComponent(name) }

    static func string(_ object: [String: Any], _ key: String, _ url: URL, _ line: Int) throws -> String {
        guard let value = object[key] as? String else {
            throw DatasetError.malformed(file: url, line: line, what: "missing text field '\(key)'")
        }
        return value
    }

    static func column(_ record: [String: String], _ key: String, _ url: URL, header: [String]) throws -> String {
        guard let value = record[key] else { throw DatasetError.missingColumn(file: url, column: key, available: header) }
        return value
    }
}
