import XCTest
import Foundation
import Tensors
import Transformers

/// Finite-difference checks of every layer's backward pass: the analytic gradient of
/// L = Σ y ⊙ r (r a fixed random tensor) must match central differences of L.
final class GradientCheckTests: XCTestCase {
    var rng = SeededRandom(seed: 42)

    func random(_ shape: [Int], scale: Double = 1) -> Tensor {
        Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in Float(rng.normal() * scale) })
    }

    func dot(_ a: Tensor, _ b: Tensor) -> Double {
        zip(a.data, b.data).reduce(0) { $0 + Double($1.0) * Double($1.1) }
    }

    /// Compares analytic gradient `analytic` of `values` against central differences of `loss`.
    func assertGradient(_ name: String, values: () -> UnsafeMutablePointer<Float>, count: Int, analytic: Tensor,
                        loss: () -> Double, step: Float = 1e-2, tolerance: Double = 2e-2,
                        file: StaticString = #filePath, line: UInt = #line) {
        var numeric = [Double](repeating: 0, count: count)
        // Check a deterministic subset for large tensors to keep the test fast.
        let indices = count <= 200 ? Array(0..<count) : (0..<200).map { ($0 * 7919) % count }
        for i in indices {
            let p = values()
            let saved = p[i]
            p[i] = saved + step; let plus = loss()
            values()[i] = saved - step; let minus = loss()
            values()[i] = saved
            numeric[i] = (plus - minus) / (2 * Double(step))
        }
        var diff = 0.0, norm = 0.0
        for i in indices {
            diff += pow(numeric[i] - Double(analytic.data[i]), 2)
            norm += pow(numeric[i], 2) + pow(Double(analytic.data[i]), 2)
        }
        let relative = (diff / max(norm, 1e-20)).squareRoot()
        XCTAssertLessThan(relative, tolerance, "\(name): relative gradient error \(relative)", file: file, line: line)
        XCTAssertGreaterThan(norm, 1e-8, "\(name): gradient is identically zero", file: file, line: line)
    }

    func pointer(_ p: Parameter) -> () -> UnsafeMutablePointer<Float> {
        { p.value.data.withUnsafeMutableBufferPointer { $0.baseAddress! } }
    }

    func testLinearAndLoRA() {
        let linear = Linear(weight: Parameter(name: "w", value: random([5, 4])), bias: Parameter(name: "b", value: random([5])))
        var x = random([3, 4])
        let r = random([3, 5])
        func loss() -> Double { dot(linear.forward(x, training: false), r) }
        _ = linear.forward(x, training: true)
        let dx = linear.backward(r)!
        assertGradient("Linear dW", values: pointer(linear.weight), count: 20, analytic: linear.weight.gradient, loss: loss)
        assertGradient("Linear db", values: pointer(linear.bias), count: 5, analytic: linear.bias.gradient, loss: loss)
        assertGradient("Linear dx", values: { x.data.withUnsafeMutableBufferPointer { $0.baseAddress! } }, count: 12,
                       analytic: dx, loss: loss)

        var seedRNG = SeededRandom(seed: 3)
        let adapter = LoRAAdapter(name: "w", inputSize: 4, outputSize: 5, rank: 2, alpha: 4, rng: &seedRNG)
        adapter.b.value = random([5, 2])  // non-zero so dA is non-trivial
        linear.lora = adapter
        for p in linear.parameters { p.zeroGradient() }
        linear.weight.isTrainable = false
        _ = linear.forward(x, training: true)
        let dxLoRA = linear.backward(r)!
        XCTAssertEqual(linear.weight.gradient.data.allSatisfy { $0 == 0 }, true, "frozen weight got a gradient")
        assertGradient("LoRA dA", values: pointer(adapter.a), count: 8, analytic: adapter.a.gradient, loss: loss)
        assertGradient("LoRA dB", values: pointer(adapter.b), count: 10, analytic: adapter.b.gradient, loss: loss)
        assertGradient("LoRA dx", values: { x.data.withUnsafeMutableBufferPointer { $0.baseAddress! } }, count: 12,
                       analytic: dxLoRA, loss: loss)
    }

    func testLayerNorm() {
        let norm = LayerNorm(gamma: Parameter(name: "g", value: random([6], scale: 0.5)),
                             beta: Parameter(name: "b", value: random([6])), epsilon: 1e-5)
        var x = random([4, 6])
        let r = random([4, 6])
        func loss() -> Double { dot(norm.forward(x, training: false), r) }
        _ = norm.forward(x, training: true)
        let dx = norm.backward(r)
        assertGradient("LayerNorm dx", values: { x.data.withUnsafeMutableBufferPointer { $0.baseAddress! } }, count: 24,
                       analytic: dx, loss: loss, step: 1e-3)
        assertGradient("LayerNorm dγ", values: pointer(norm.gamma), count: 6, analytic: norm.gamma.gradient, loss: loss)
        assertGradient("LayerNorm dβ", values: pointer(norm.beta), count: 6, analytic: norm.beta.gradient, loss: loss)
    }

    func testGELU() {
        let gelu = GELU()
        var x = random([3, 11], scale: 2)
        let r = random([3, 11])
        func loss() -> Double { dot(gelu.forward(x, training: false), r) }
        _ = gelu.forward(x, training: true)
        let dx = gelu.backward(r)
        assertGradient("GELU dx", values: { x.data.withUnsafeMutableBufferPointer { $0.baseAddress! } }, count: 33,
                       analytic: dx, loss: loss, step: 1e-3)
    }

    func testMeanPooling() {
        var hidden = random([2 * 4, 3])
        let mask: [Float] = [1, 1, 1, 0, 1, 1, 0, 0]
        let r = random([2, 3])
        func loss() -> Double { dot(MeanPooling.forward(hidden, mask: mask, batch: 2, length: 4), r) }
        let dh = MeanPooling.backward(r, mask: mask, batch: 2, length: 4)
        assertGradient("MeanPooling", values: { hidden.data.withUnsafeMutableBufferPointer { $0.baseAddress! } },
                       count: 24, analytic: dh, loss: loss, step: 1e-2, tolerance: 1e-3)
    }

    func tinyConfig(_ architecture: EncoderConfig.Architecture) -> EncoderConfig {
        EncoderConfig(architecture: architecture, vocabularySize: 13, hiddenSize: 8, layers: 2, heads: 2,
                      intermediateSize: 16, maxPositions: 12, typeVocabularySize: 2, layerNormEpsilon: 1e-5,
                      padTokenID: architecture == .mpnet ? 1 : 0, relativeAttentionBuckets: 32)
    }

    func tinyBatch() -> TokenBatch {
        TokenBatch(batchSize: 2, sequenceLength: 5, ids: [2, 5, 7, 3, 9, 2, 4, 3, 1, 1],
                   typeIds: [0, 0, 0, 1, 1, 0, 0, 0, 0, 0], attentionMask: [1, 1, 1, 1, 1, 1, 1, 1, 0, 0])
    }

    func checkEncoder(_ architecture: EncoderConfig.Architecture) throws {
        let encoder = TransformerEncoder.randomlyInitialized(config: tinyConfig(architecture), seed: 7)
        let batch = tinyBatch()
        let r = random([10, 8])
        var none: [Int: Tensor] = [:]
        func loss() -> Double { dot(try! encoder.forward(batch, training: false, pooled: &none), r) }
        _ = try encoder.forward(batch, training: true, pooled: &none)
        encoder.backward(r)
        let byName = Dictionary(uniqueKeysWithValues: encoder.parameters.map { ($0.name, $0) })
        var checked = ["encoder.layer.0.q.weight", "encoder.layer.0.k.weight", "encoder.layer.0.v.weight",
                       "encoder.layer.0.o.weight", "encoder.layer.0.q.bias", "encoder.layer.1.intermediate.dense.weight",
                       "encoder.layer.1.output.dense.bias", "encoder.layer.0.attention.LayerNorm.weight",
                       "encoder.layer.1.output.LayerNorm.bias", "embeddings.word_embeddings.weight",
                       "embeddings.position_embeddings.weight", "embeddings.LayerNorm.weight"]
        if architecture == .mpnet { checked.append("encoder.relative_attention_bias.weight") }
        if architecture == .bert { checked.append("embeddings.token_type_embeddings.weight") }
        for name in checked {
            let p = try XCTUnwrap(byName[name], name)
            assertGradient("\(architecture) \(name)", values: pointer(p), count: p.value.count, analytic: p.gradient,
                           loss: loss, step: 1e-2, tolerance: 3e-2)
        }
    }

    func testBERTEncoderGradients() throws { try checkEncoder(.bert) }
    func testMPNetEncoderGradients() throws { try checkEncoder(.mpnet) }

    func testEncoderWithLoRAGradients() throws {
        let encoder = TransformerEncoder.randomlyInitialized(config: tinyConfig(.mpnet), seed: 9)
        let adapters = encoder.attachLoRA(rank: 2, alpha: 4, seed: 1)
        for p in adapters where p.name.hasSuffix("lora_B") { p.value = random(p.value.shape, scale: 0.3) }
        let batch = tinyBatch()
        let r = random([10, 8])
        var none: [Int: Tensor] = [:]
        func loss() -> Double { dot(try! encoder.forward(batch, training: false, pooled: &none), r) }
        _ = try encoder.forward(batch, training: true, pooled: &none)
        encoder.backward(r)
        for p in encoder.parameters where !p.isTrainable {
            XCTAssertTrue(p.gradient.data.allSatisfy { $0 == 0 }, "\(p.name) is frozen but got a gradient")
        }
        for p in adapters.prefix(12) {
            assertGradient("LoRA \(p.name)", values: pointer(p), count: p.value.count, analytic: p.gradient, loss: loss,
                           step: 1e-2, tolerance: 3e-2)
        }
    }

    /// Top-K-layer finetuning: the top layers run on the frozen layers' output given as input; their backward matches
    /// finite differences, stops there (no gradient reaches the frozen layers or the embeddings), and the values
    /// equal one pass through the whole encoder.
    func testTopLayersOnCachedInputGradients() throws {
        var config = tinyConfig(.mpnet)
        config.layers = 4
        let encoder = TransformerEncoder.randomlyInitialized(config: config, seed: 11)
        let adapters = encoder.attachLoRA(rank: 2, alpha: 4, seed: 1, above: 2)
        XCTAssertEqual(adapters.count, 2 * 6 * 2, "A and B of six matrices in each of the top two layers")
        XCTAssertTrue(encoder.layers[0...1].allSatisfy { $0.attention.query.lora == nil }, "frozen layers stay unadapted")
        for p in adapters where p.name.hasSuffix("lora_B") { p.value = random(p.value.shape, scale: 0.3) }
        let batch = tinyBatch()
        var none: [Int: Tensor] = [:]
        let below = try encoder.forward(batch, training: false, through: 2, pooled: &none)
        let whole = try encoder.forward(batch, training: false, pooled: &none)
        XCTAssertLessThan(try encoder.forward(above: 2, input: below, batch: batch, training: false).maxAbsDifference(whole), 1e-6)
        let r = random([10, 8])
        func loss() -> Double { dot(try! encoder.forward(above: 2, input: below, batch: batch, training: false), r) }
        let frozenCounts = encoder.layers[0...1].map(\.forwardCount)
        _ = try encoder.forward(above: 2, input: below, batch: batch, training: true)
        encoder.backward(r)
        XCTAssertEqual(encoder.layers[0...1].map(\.forwardCount), frozenCounts, "the frozen layers did not run")
        for p in encoder.parameters where !p.isTrainable {
            XCTAssertTrue(p.gradient.data.allSatisfy { $0 == 0 }, "\(p.name) is frozen but got a gradient")
        }
        for p in adapters {
            assertGradient("top-2 LoRA \(p.name)", values: pointer(p), count: p.value.count, analytic: p.gradient, loss: loss,
                           step: 1e-2, tolerance: 3e-2)
        }
    }
}
