import XCTest
import Foundation
import Datasets
import Transformers

/// The `<name>_qfirst` variants: the same examples as their originals, laid out so that truncation to the maximum
/// length keeps the question and the answer (the original layout loses the question on long passages).
final class QuestionFirstTests: XCTestCase {
    static let variants = ["multirc", "sciq", "cosmos_qa", "dream", "quail"]

    func testVariantsHoldTheOriginalsQuestionsAnswersAndSplits() throws {
        let registry = DatasetRegistry.standard, directory = try DataDirectory.resolve(nil)
        XCTAssertEqual(registry.definitions.compactMap(\.variantOf), Self.variants)
        for original in Self.variants {
            let variant = original + "_qfirst"
            XCTAssertEqual(try registry.definition(variant).folder, try registry.definition(original).folder)
            let a = try registry.pools(original, dataDirectory: directory), b = try registry.pools(variant, dataDirectory: directory)
            for (x, y) in [(a.train ?? [], b.train ?? []), (a.evaluation, b.evaluation)] {
                XCTAssertEqual(x.count, y.count, variant)
                for (o, v) in zip(x, y) {
                    XCTAssertEqual(o.groupID, v.groupID, variant); XCTAssertEqual(o.label, v.label, variant)
                    // original: passage "\nQuestion: " question | answer; variant: "Question: " question "\nAnswer: " answer | passage
                    let answer = try XCTUnwrap(o.pairText, variant)
                    XCTAssertTrue(v.text.hasPrefix("Question: ") && v.text.hasSuffix("\nAnswer: " + answer), "\(variant): \(v.text.prefix(80))")
                    let question = v.text.dropFirst("Question: ".count).dropLast(("\nAnswer: " + answer).count)
                    XCTAssertEqual((v.pairText.map { $0 + "\n" } ?? "") + "Question: " + question, o.text, variant)
                }
            }
            let so = DatasetRegistry.split(dataset: original, pools: a, sizes: .cpuDefault, seed: 3)
            let sv = DatasetRegistry.split(dataset: variant, pools: b, sizes: .cpuDefault, seed: 3)
            for ((split, x), (_, y)) in zip(so.all, sv.all) {
                XCTAssertEqual(x.map(\.groupID), y.map(\.groupID), "\(variant)/\(split): not the original's questions")
                XCTAssertEqual(x.map(\.pairText), y.map { $0.text.components(separatedBy: "\nAnswer: ").last }, "\(variant)/\(split)")
            }
        }
    }

    /// At MPNet's 128 tokens, QuAIL's original layout cuts the question off most inputs; the variant never does.
    func testTruncationKeepsTheQuestionOnlyInTheVariant() throws {
        let registry = DatasetRegistry.standard, directory = try DataDirectory.resolve(nil)
        let tokenizer = try ModelStore().load(try ModelReference(parsing: "all-mpnet-base-v2")).tokenizer
        func keepsText(_ e: Example) -> Bool {
            let whole = tokenizer.encode(e.text).ids.dropLast()   // <s> text (without its closing </s>)
            return tokenizer.encode(e.text, pair: e.pairText, maxLength: 128).ids.starts(with: whole)
        }
        let original = try registry.load("quail", dataDirectory: directory, seed: 0).test
        let variant = try registry.load("quail_qfirst", dataDirectory: directory, seed: 0).test
        let lost = original.filter { !keepsText($0) }.count
        XCTAssertGreaterThan(Double(lost) / Double(original.count), 0.5, "quail: the original layout should lose most questions")
        XCTAssertEqual(variant.filter { !keepsText($0) }.count, 0, "quail_qfirst: a question or answer was truncated")
        XCTAssertTrue(variant.allSatisfy { tokenizer.encode($0.text, pair: $0.pairText, maxLength: 128).ids.count == 128 },
                      "quail_qfirst: the passage should fill the rest of the input")
    }
}
