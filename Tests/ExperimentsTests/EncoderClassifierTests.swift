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

    /// Top-K-layer finetuning on a real model (MiniLM, K = 2 of 6): from the cached token states of layer 4 the
    /// classifier gives the logits and gradients of running the frozen layers each time; training never runs the
    /// frozen layers (counted), only the top layers' adapters train, and a second request for the states computes
    /// nothing. fp16 states stay within half-precision rounding.
    func testTopLayersFromCachedStatesMatchRunningTheFrozenLayers() throws {
        let examples = Array(try DatasetRegistry.standard.pools("sst2", dataDirectory: try DataDirectory.resolve(nil)).train!.prefix(40))
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("w2s-topk-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        let model = try ModelReference(parsing: "all-MiniLM-L6-v2")
        let cache = ActivationCache(directory: root, models: ModelStore())
        let quiet = ProgressDisplay(quiet: true)
        let states = try cache.tokenStates(model: model, examples: examples, layer: 4, maxLength: 48, precision: .fp32, progress: quiet)
        XCTAssertGreaterThan(cache.lastComputedChunks, 0)
        _ = try cache.tokenStates(model: model, examples: examples, layer: 4, maxLength: 48, precision: .fp32, progress: quiet)
        XCTAssertEqual(cache.lastComputedChunks, 0, "every text's states come from the store the second time")

        func classifier(frozen: FrozenStates?) throws -> EncoderClassifier {
            let encoder = try ModelStore().load(model, maxSequenceLength: 48)
            return EncoderClassifier(model: encoder, texts: examples.map { encoder.tokenize($0.text, pair: $0.pairText) },
                                     mode: .lora, loraRank: 4, loraAlpha: 8, seed: 3, trainAbove: 4, frozen: frozen)
        }
        let cached = try classifier(frozen: states), running = try classifier(frozen: nil)
        XCTAssertEqual(Set(cached.parameters.map(\.name)).count, 2 + 2 * 6 * 2, "head + A, B of six matrices in layers 5 and 6")
        XCTAssertTrue(cached.parameters.allSatisfy { !$0.name.contains("layer.0.") && !$0.name.contains("layer.3.") })
        for p in cached.parameters + running.parameters where p.name.hasSuffix("lora_B") {
            var rng = SeededRandom(seed: 5)
            p.value = Tensor(shape: p.value.shape, data: p.value.data.map { _ in Float(rng.normal() * 0.05) })
        }
        let rows = [3, 17, 0, 29, 8, 35, 12, 21]
        let a = try cached.logits(for: rows, training: true), b = try running.logits(for: rows, training: true)
        XCTAssertLessThan(a.maxAbsDifference(b), 1e-4)
        let upstream = Tensor(shape: [8, 2], data: (0..<16).map { Float($0 % 5) - 2 })
        cached.backward(upstream); running.backward(upstream)
        for (p, q) in zip(cached.parameters, running.parameters) {
            XCTAssertEqual(p.name, q.name)
            XCTAssertLessThan(p.gradient.maxAbsDifference(q.gradient), 1e-3 * max(1, q.gradient.data.map(abs).max()!), p.name)
        }

        // Two epochs of training: the frozen layers of the cached classifier never run.
        var config = TrainingConfig(epochs: 2, batchSize: 16, microBatchSize: 8, learningRate: 1e-3, warmupSteps: 1, evalEvery: 1, seed: 1)
        config.optimizer.weightDecay = 0
        let result = try Trainer(config: config).train(model: cached, trainRows: Array(0..<32), targets: examples.prefix(32).map { Float($0.label) },
                                                      validationRows: Array(32..<40), validationLabels: examples[32..<40].map(\.label))
        XCTAssertEqual(cached.model.encoder.layers[0..<4].map(\.forwardCount), [0, 0, 0, 0])
        XCTAssertGreaterThan(cached.model.encoder.layers[5].forwardCount, 8)
        XCTAssertLessThan(result.curve.last!.trainLoss!, result.curve[1].trainLoss! + 1e-6)

        // Half-precision storage: the same logits up to fp16 rounding of the inputs.
        let half = try cache.tokenStates(model: model, examples: examples, layer: 4, maxLength: 48, precision: .fp16, progress: quiet)
        let fromHalf = try classifier(frozen: half), fromFull = try classifier(frozen: states)
        let h = try fromHalf.logits(for: rows, training: false), f = try fromFull.logits(for: rows, training: false)
        XCTAssertLessThan(h.maxAbsDifference(f), 1e-2)
        XCTAssertGreaterThan(h.maxAbsDifference(f), 0, "fp16 really rounds")
    }

    /// A standardised head input (`HeadInput.standardised`): before any step the finetuned classifier is head mode —
    /// zero logits, and the head's gradient is `HeadClassifier`'s on the pretrained pooled features standardised over
    /// the same rows, while the adapters get none — and its backward pass through the standardisation matches
    /// finite differences once head and adapters are non-zero.
    func testStandardisedHeadInputStartsAsHeadModeAndBackpropagates() throws {
        let examples = Array(try DatasetRegistry.standard.pools("sst2", dataDirectory: try DataDirectory.resolve(nil)).train!.prefix(40))
        let encoder = try ModelStore().load(try ModelReference(parsing: "all-MiniLM-L6-v2@2"), maxSequenceLength: 32)
        let classifier = EncoderClassifier(model: encoder, texts: examples.map { encoder.tokenize($0.text, pair: $0.pairText) },
                                           mode: .lora, loraRank: 4, loraAlpha: 8, seed: 1)
        let fitRows = Array(0..<32)
        let raw = try classifier.pooledFeatures(rows: Array(0..<40))
        try classifier.standardiseHeadInput(fitRows: fitRows)
        let head = HeadClassifier(features: raw, fitRows: fitRows)
        // The same statistics up to the batching of the two passes (other batches pad differently).
        let expected = FeatureStandardisation(features: raw, fitRows: fitRows), fitted = try XCTUnwrap(classifier.headInputStandardisation)
        XCTAssertLessThan(zip(fitted.mean + fitted.deviation, expected.mean + expected.deviation).map { abs($0 - $1) }.max()!, 1e-6)

        let rows = [5, 0, 33, 17, 9, 26, 38, 12]
        let upstream = Tensor(shape: [8, 2], data: (0..<16).map { Float($0 % 5) - 2 })
        let finetuned = try classifier.logits(for: rows, training: true), linear = try head.logits(for: rows, training: true)
        XCTAssertEqual(finetuned.data, [Float](repeating: 0, count: 16), "a zero head")
        XCTAssertEqual(linear.data, finetuned.data)
        classifier.backward(upstream); head.backward(upstream)
        XCTAssertLessThan(classifier.headWeight.gradient.maxAbsDifference(head.weight.gradient),
                          1e-4 * max(1, head.weight.gradient.data.map(abs).max()!), "head mode's first gradient")
        XCTAssertEqual(classifier.headBias.gradient.data, head.bias.gradient.data)
        XCTAssertGreaterThan(head.weight.gradient.data.map(abs).max()!, 0.1)
        for p in classifier.parameters where p.name.contains("lora") {
            XCTAssertEqual(p.gradient.data.map(abs).max(), 0, "\(p.name): nothing reaches the adapters through a zero head")
        }

        // Finite differences of L = Σ upstream ⊙ logits with a non-zero head and adapters.
        var rng = SeededRandom(seed: 7)
        for p in classifier.parameters {
            p.gradient = Tensor(zeros: p.gradient.shape)
            if p.name == "head.weight" || p.name.hasSuffix("lora_B") {
                p.value = Tensor(shape: p.value.shape, data: p.value.data.map { _ in Float(rng.normal() * 0.05) })
            }
        }
        func loss() throws -> Double {
            let l = try classifier.logits(for: rows, training: false)
            return zip(l.data, upstream.data).map { Double($0) * Double($1) }.reduce(0, +)
        }
        _ = try classifier.logits(for: rows, training: true)
        classifier.backward(upstream)
        let checked = classifier.parameters.filter { $0.name == "head.weight" || $0.name.contains("layer.1.attention.self.query.weight.lora") }
        XCTAssertEqual(checked.count, 3)
        for p in checked {
            let entries = p.value.data.indices.filter { $0 % 97 == 3 }.prefix(6)
            for i in entries {
                let original = p.value.data[i], h: Float = 1e-2
                p.value.data[i] = original + h; let plus = try loss()
                p.value.data[i] = original - h; let minus = try loss()
                p.value.data[i] = original
                let numeric = (plus - minus) / Double(2 * h), analytic = Double(p.gradient.data[i])
                XCTAssertEqual(analytic, numeric, accuracy: 2e-2 * max(1, abs(numeric)), "\(p.name)[\(i)]")
            }
        }
    }
}
