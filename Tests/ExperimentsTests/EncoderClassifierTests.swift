import XCTest
import Foundation
import Datasets
import Experiments
import Tensors
import Training
import Transformers

/// Finetuning modes on a real (truncated) pretrained encoder: `full` moves every weight, `lora` moves only the
/// adapters and the head and leaves the pretrained weights exactly as loaded; both lower the training loss.
final class EncoderClassifierTests: XCTestCase {
    func train(_ mode: TrainingMode) throws -> (before: [String: Tensor], after: [String: Tensor], trainable: Set<String>, curve: [CurvePoint]) {
        let examples = Array(try DatasetRegistry.standard.pools("sst2", dataDirectory: try DataDirectory.resolve(nil)).train!.prefix(48))
        let encoder = try ModelStore().load(try ModelReference(parsing: "all-MiniLM-L6-v2@1"), maxSequenceLength: 24)
        let before = Dictionary(uniqueKeysWithValues: encoder.encoder.parameters.map { ($0.name, $0.value) })
        let classifier = EncoderClassifier(model: encoder, texts: examples.map { encoder.tokenize($0.text, pair: $0.pairText) },
                                           mode: mode, loraRank: 4, loraAlpha: 8, seed: 1)
        let trainable = Set(classifier.parameters.map(\.name))
        var config = TrainingConfig(epochs: 4, batchSize: 16, microBatchSize: 8, learningRate: mode == .full ? 1e-4 : 1e-3,
                                    warmupSteps: 1, evalEvery: 1, seed: 1)
        config.optimizer.weightDecay = 0
        let result = try Trainer(config: config).train(model: classifier, trainRows: Array(0..<32), targets: examples.prefix(32).map { Float($0.label) },
                                                      validationRows: Array(0..<32), validationLabels: examples.prefix(32).map(\.label))
        let after = Dictionary(uniqueKeysWithValues: encoder.encoder.parameters.map { ($0.name, $0.value) })
        return (before, after, trainable, result.curve)
    }

    func testFullFinetuningMovesEveryPretrainedWeight() throws {
        let (before, after, trainable, curve) = try train(.full)
        let query = "encoder.layer.0.attention.self.query.weight", embedding = "embeddings.word_embeddings.weight"
        XCTAssertTrue(trainable.isSuperset(of: [query, embedding, "head.weight"]))
        XCTAssertGreaterThan(after[query]!.maxAbsDifference(before[query]!), 0)
        XCTAssertGreaterThan(after["encoder.layer.0.output.LayerNorm.weight"]!.maxAbsDifference(before["encoder.layer.0.output.LayerNorm.weight"]!), 0)
        XCTAssertGreaterThan(after[embedding]!.maxAbsDifference(before[embedding]!), 0)
        XCTAssertLessThan(curve.last!.trainLoss!, curve[1].trainLoss!, "the training loss falls")
    }

    func testLoRAMovesOnlyAdaptersAndHead() throws {
        let (before, after, trainable, curve) = try train(.lora)
        for (name, value) in before where !name.contains("lora") {
            XCTAssertEqual(after[name], value, "\(name) is pretrained and frozen in lora mode")
            XCTAssertFalse(trainable.contains(name), name)
        }
        let adapters = after.keys.filter { $0.contains("lora") }
        XCTAssertEqual(adapters.count, 2 * 6, "A and B for q, k, v, o and both MLP matrices of the one layer")
        XCTAssertTrue(adapters.allSatisfy(trainable.contains))
        XCTAssertTrue(adapters.contains { after[$0]!.data.contains { $0 != 0 } })
        XCTAssertLessThan(curve.last!.trainLoss!, curve[1].trainLoss!, "the training loss falls")
    }

    /// Predictions are made shortest-first in small batches; the rows come back in the caller's order with the
    /// values one padded batch gives.
    func testBucketedPredictionKeepsOrderAndValues() throws {
        let examples = Array(try DatasetRegistry.standard.pools("sst2", dataDirectory: try DataDirectory.resolve(nil)).train!.prefix(70))
        let encoder = try ModelStore().load(try ModelReference(parsing: "all-MiniLM-L6-v2@2"), maxSequenceLength: 64)
        let classifier = EncoderClassifier(model: encoder, texts: examples.map { encoder.tokenize($0.text, pair: $0.pairText) },
                                           mode: .lora, loraRank: 4, loraAlpha: 8, seed: 1)
        let rows = Array((0..<70).reversed())
        classifier.predictionBatchSize = 1000
        let oneBatch = try classifier.logits(for: rows, training: false)
        classifier.predictionBatchSize = 8
        let bucketed = try classifier.logits(for: rows, training: false)
        XCTAssertEqual(bucketed.shape, [70, 2])
        XCTAssertLessThan(bucketed.maxAbsDifference(oneBatch), 1e-4)
        XCTAssertGreaterThan(Set(bucketed.data.map { ($0 * 1e4).rounded() }).count, 100, "rows differ, so a shuffled order would show")
    }
}
