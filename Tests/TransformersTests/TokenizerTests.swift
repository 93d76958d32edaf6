import XCTest
import Foundation
import Transformers

final class TokenizerTests: XCTestCase {
    /// Every fixture case (from Hugging Face `tokenizers`) must give identical ids and type ids.
    func checkFixtures(_ model: String) throws {
        let tokenizer = try WordPieceTokenizer.load(modelDirectory: try installedModel(model))
        let cases = try XCTUnwrap((try fixture("tokenizer_\(model).json") as? [String: Any])?["cases"] as? [[String: Any]])
        XCTAssertGreaterThanOrEqual(cases.count, 200)
        var mismatches: [String] = []
        for c in cases {
            let text = c["text"] as! String
            let pair = c["pair"] as? String
            let maxLength = c["max_length"] as? Int
            let expectedIDs = (c["ids"] as! [Int]).map(Int32.init)
            let expectedTypes = (c["type_ids"] as! [Int]).map(Int32.init)
            let got = tokenizer.encode(text, pair: pair, maxLength: maxLength)
            if got.ids != expectedIDs || got.typeIds != expectedTypes {
                mismatches.append("\(text.debugDescription) | \(pair?.debugDescription ?? "-") | max \(maxLength ?? -1)\n  expected \(expectedIDs)\n  got      \(got.ids)")
            }
        }
        XCTAssertTrue(mismatches.isEmpty, "\(model): \(mismatches.count)/\(cases.count) cases differ:\n"
                      + mismatches.prefix(5).joined(separator: "\n"))
    }

    func testMiniLMTokenizerMatchesReference() throws { try checkFixtures("all-MiniLM-L6-v2") }
    func testMPNetTokenizerMatchesReference() throws { try checkFixtures("all-mpnet-base-v2") }

    func testBatchPadsWithModelPadIDAndMasks() throws {
        let tokenizer = try WordPieceTokenizer.load(modelDirectory: try installedModel("all-mpnet-base-v2"))
        let batch = tokenizer.batch([tokenizer.encode("a longer sentence here"), tokenizer.encode("hi")])
        XCTAssertEqual(tokenizer.padID, 1)
        XCTAssertEqual(batch.batchSize, 2)
        let t = batch.sequenceLength
        XCTAssertEqual(batch.ids[0], 0, "<s> is id 0 and must count as a real token")
        XCTAssertEqual(batch.attentionMask[0], 1)
        XCTAssertEqual(Array(batch.attentionMask[t..<(2 * t)]).reduce(0, +), 3)  // <s> hi </s>
        XCTAssertEqual(batch.ids[2 * t - 1], 1)
        let fixed = tokenizer.batch([tokenizer.encode("hi")], padTo: 10)
        XCTAssertEqual(fixed.sequenceLength, 10)
    }

    func testTruncationKeepsSpecialTokens() throws {
        let tokenizer = try WordPieceTokenizer.load(modelDirectory: try installedModel("all-MiniLM-L6-v2"))
        let encoded = tokenizer.encode(String(repeating: "word ", count: 50), maxLength: 8)
        XCTAssertEqual(encoded.ids.count, 8)
        XCTAssertEqual(encoded.ids.first, 101)
        XCTAssertEqual(encoded.ids.last, 102)
    }

    func testMalformedTokenizerFileNamesTheFile() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bad-tokenizer-\(UUID()).json")
        try Data("{ not json".utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        XCTAssertThrowsError(try WordPieceTokenizer(tokenizerJSON: url)) { error in
            XCTAssertTrue("\(error)".contains(url.path), "\(error)")
        }
        XCTAssertThrowsError(try WordPieceTokenizer(tokenizerJSON: url.appendingPathExtension("missing")))
    }
}
