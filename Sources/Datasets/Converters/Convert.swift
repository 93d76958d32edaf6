import Determinism
import Foundation

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
