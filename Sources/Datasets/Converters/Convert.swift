import Determinism
import Foundation

/// Shared conversion helpers.
enum Convert {
    /// A multiple-choice question → one positive (the correct candidate) and one negative (a distractor
    /// picked deterministically from the question id). Both use the same text and the candidate as the
    /// pair segment, so formatting carries no label information.
    static func multipleChoice(dataset: String, groupID: String, text: String, candidates: [String],
                               correct: Int) -> [Example] {
        guard let (positive, negative) = correctAndDistractor(dataset: dataset, groupID: groupID, candidates: candidates,
                                                              correct: correct) else { return [] }
        return [Example(dataset: dataset, groupID: groupID, text: text, pairText: positive, label: 1),
                Example(dataset: dataset, groupID: groupID, text: text, pairText: negative, label: 0)]
    }

    /// The same over a passage, in either layout; a variant draws the distractor its original draws.
    static func multipleChoice(dataset: String, groupID: String, context: String, question: String, candidates: [String],
                               correct: Int, layout: QALayout) -> [Example] {
        guard let (positive, negative) = correctAndDistractor(dataset: layout.original(of: dataset), groupID: groupID,
                                                              candidates: candidates, correct: correct) else { return [] }
        return [layout.example(dataset: dataset, groupID: groupID, context: context, question: question, answer: positive, label: 1),
                layout.example(dataset: dataset, groupID: groupID, context: context, question: question, answer: negative, label: 0)]
    }

    /// The trimmed correct candidate and one distractor picked deterministically from the question id.
    private static func correctAndDistractor(dataset: String, groupID: String, candidates: [String],
                                             correct: Int) -> (String, String)? {
        let cleaned = candidates.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        guard correct >= 0, correct < cleaned.count, !cleaned[correct].isEmpty else { return nil }
        let distractors = cleaned.indices.filter { $0 != correct && !cleaned[$0].isEmpty && cleaned[$0] != cleaned[correct] }
        guard !distractors.isEmpty else { return nil }
        var rng = SplitMix64(seed: ContentHash.value(dataset, groupID))
        return (cleaned[correct], cleaned[distractors[Int(rng.next() % UInt64(distractors.count))]])
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

/// Where a question over a passage goes in the model input. Inputs are truncated to the maximum length longest
/// segment first, from its end: with the passage first the question goes first (QuAIL's median input is 464 tokens,
/// MultiRC's 336, against 128), so the original layout often asks the model to judge an answer to a question it
/// cannot see.
enum QALayout: Sendable {
    /// text = passage + "\nQuestion: " + question, pair = answer: every original dataset's layout.
    case contextFirst
    /// text = "Question: " + question + "\nAnswer: " + answer, pair = passage (none when empty): truncation trims the
    /// passage's end and never the question or the answer. Registered as `<name>_qfirst`.
    case questionFirst

    static let questionFirstSuffix = "_qfirst"

    func name(of original: String) -> String { self == .questionFirst ? original + Self.questionFirstSuffix : original }

    /// The original dataset's name of a dataset in this layout.
    func original(of name: String) -> String {
        self == .questionFirst && name.hasSuffix(Self.questionFirstSuffix) ? String(name.dropLast(Self.questionFirstSuffix.count)) : name
    }

    var summary: String { self == .questionFirst ? "question and answer first, passage second" : "passage first" }

    func conversion(of original: String) -> String {
        "\(original)'s examples (the same questions, answers, distractors, groups and splits), laid out as "
            + (self == .questionFirst ? "\"Question: …\\nAnswer: …\" → text, passage → pair, so truncation trims the passage's end, never the question."
                                      : "passage + question → text, answer → pair.")
    }

    func example(dataset: String, groupID: String, context: String, question: String, answer: String, label: Int) -> Example {
        switch self {
        case .contextFirst:
            return Example(dataset: dataset, groupID: groupID, text: (context.isEmpty ? "" : context + "\n") + "Question: " + question,
                           pairText: answer, label: label)
        case .questionFirst:
            return Example(dataset: dataset, groupID: groupID, text: "Question: " + question + "\nAnswer: " + answer,
                           pairText: context.isEmpty ? nil : context, label: label)
        }
    }
}
