import XCTest
import Foundation
import Tensors
import Transformers

/// Sentence embeddings must equal upstream sentence-transformers' (fixtures made by
/// scripts/reference/embedding_fixtures.py) to 1e-4, for both pretrained models.
final class EmbeddingParityTests: XCTestCase {
    func checkParity(_ model: String) throws {
        let reference = try XCTUnwrap(try fixture("embeddings_\(model).json") as? [String: Any])
        let sentences = reference["sentences"] as! [String]
        XCTAssertGreaterThanOrEqual(sentences.count, 20)
        let encoder = try SentenceEncoder.load(name: model, directory: try installedModel(model))
        XCTAssertEqual(encoder.maxSequenceLength, reference["max_seq_length"] as? Int)
        let tokenized = sentences.map { encoder.tokenize($0) }
        XCTAssertEqual(tokenized.map { $0.ids.map(Int.init) }, reference["ids"] as! [[Int]], "token ids differ")
        let last = encoder.encoder.layers.count
        let pooled = try encoder.embed(tokenized, layers: [last], batchSize: 7)[last]!
        let normalized = SentenceEncoder.normalized(pooled)
        let expectedPooled = (reference["mean_pooled"] as! [[Double]]).flatMap { $0.map(Float.init) }
        let expectedFinal = (reference["sentence_embedding"] as! [[Double]]).flatMap { $0.map(Float.init) }
        var worstPooled: Float = 0, worstFinal: Float = 0
        for i in 0..<expectedPooled.count {
            worstPooled = max(worstPooled, abs(pooled.data[i] - expectedPooled[i]))
            worstFinal = max(worstFinal, abs(normalized.data[i] - expectedFinal[i]))
        }
        XCTAssertLessThanOrEqual(worstPooled, 1e-4, "\(model): mean-pooled embeddings differ by \(worstPooled)")
        XCTAssertLessThanOrEqual(worstFinal, 1e-4, "\(model): normalized embeddings differ by \(worstFinal)")
        print("\(model): max abs error pooled \(worstPooled), normalized \(worstFinal)")
    }

    func testMiniLMEmbeddingsMatchSentenceTransformers() throws { try checkParity("all-MiniLM-L6-v2") }
    func testMPNetEmbeddingsMatchSentenceTransformers() throws { try checkParity("all-mpnet-base-v2") }

    func testTruncatedModelKeepsFirstLayers() throws {
        let directory = try installedModel("all-MiniLM-L6-v2")
        let full = try SentenceEncoder.load(name: "full", directory: directory)
        let truncated = try SentenceEncoder.load(name: "2 layers", directory: directory, keepLayers: 2)
        XCTAssertEqual(truncated.encoder.layers.count, 2)
        let text = [full.tokenize("Truncation keeps the first layers unchanged.")]
        let fromFull = try full.embed(text, layers: [2])[2]!
        let fromTruncated = try truncated.embed(text, layers: [2])[2]!
        XCTAssertLessThan(fromFull.maxAbsDifference(fromTruncated), 1e-6)
        XCTAssertThrowsError(try SentenceEncoder.load(name: "x", directory: directory, keepLayers: 7))
    }

    func testCorruptWeightsGiveAClearError() throws {
        let source = try installedModel("all-MiniLM-L6-v2")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("corrupt-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.copyItem(at: source.appendingPathComponent("config.json"),
                                         to: directory.appendingPathComponent("config.json"))
        let weights = try Data(contentsOf: source.appendingPathComponent("model.safetensors"))
        try weights.prefix(1_000_000).write(to: directory.appendingPathComponent("model.safetensors"))
        XCTAssertThrowsError(try TransformerEncoder.load(directory: directory)) { error in
            XCTAssertTrue("\(error)".contains("model.safetensors"), "\(error)")
            XCTAssertTrue("\(error)".contains("w2s models install"), "\(error)")
        }
    }
}
