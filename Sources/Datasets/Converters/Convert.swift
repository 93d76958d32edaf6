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

    /// The items of one file paired with the lines of a parallel label file (`labelLine` counts from 1);
    /// differing counts are an error at the first line without a partner.
    static func withLabels<Item>(_ items: [Item], labels labelsURL: URL) throws -> [(item: Item, label: String, labelLine: Int)] {
        let labels = try LinesReader.lines(labelsURL)
        guard items.count == labels.count else {
            throw DatasetError.malformed(file: labelsURL, line: min(items.count, labels.count) + 1,
                                         what: "\(labels.count) labels for \(items.count) items")
        }
        return zip(items, labels).enumerated().map { ($1.0, $1.1, $0 + 1) }
    }

    /// The index of the correct answer, written as an integer within `range`.
    static func answerIndex(_ raw: String, in range: ClosedRange<Int>, _ url: URL, line: Int) throws -> Int {
        guard let index = Int(raw.trimmingCharacters(in: .whitespaces)), range.contains(index) else {
            throw DatasetError.badLabel(file: url, line: line, value: raw, allowed: "\(range.lowerBound)–\(range.upperBound)")
        }
        return index
    }
}
