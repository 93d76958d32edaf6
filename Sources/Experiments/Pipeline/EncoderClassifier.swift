import Foundation
import Tensors
import Training
import Transformers

/// A pretrained encoder with mean pooling and a linear head, trained end to end by backpropagation
/// (`lora`: adapters only; `full`: every weight).
///
/// Top-K-layer finetuning (`trainAbove` = L − K > 0): only the layers above `trainAbove` are trained (adapters or
/// weights); the layers below are frozen and unadapted, so their output is a fixed function of the text. Given
/// `frozen` (those outputs, computed once and cached), every step and evaluation runs only the top layers;
/// without it the frozen layers run in inference mode each time (the same values, for checks).
public final class EncoderClassifier: TrainableClassifier {
    public let model: SentenceEncoder
    public let headWeight: Parameter  // [2, C]
    public let headBias: Parameter
    /// Layers 1…trainAbove are frozen; 0 = every layer trains (and, in full mode, the embeddings).
    public let trainAbove: Int
    private let texts: [TokenizedText]
    /// Tokens per row: the trainer forms micro-batches of similar lengths.
    public let rowLengths: [Int]?
    private let frozen: FrozenStates?
    /// What the head reads: the pooled features, standardised once `standardiseHeadInput` has run.
    public private(set) var headInputStandardisation: FeatureStandardisation?
    private var cached: (headInput: Tensor, mask: [Float], batch: Int, length: Int)?

    public init(model: SentenceEncoder, texts: [TokenizedText], mode: TrainingMode, loraRank: Int, loraAlpha: Float, seed: UInt64,
                trainAbove: Int = 0, frozen: FrozenStates? = nil) {
        precondition(trainAbove >= 0 && trainAbove < model.encoder.layers.count, "train at least the top layer")
        precondition(frozen == nil || (frozen!.layer == trainAbove && frozen!.rows.count == texts.count
                                       && zip(frozen!.rows, texts).allSatisfy { $0 == $1.ids.count }),
                     "frozen states must be the output of layer trainAbove for exactly these texts")
        self.model = model
        self.texts = texts
        rowLengths = texts.map(\.ids.count)
        self.trainAbove = trainAbove
        self.frozen = frozen
        let c = model.encoder.config.hiddenSize
        var rng = SeededRandom(seed: seed ^ 0x4EAD)
        headWeight = Parameter(name: "head.weight",
                               value: Tensor(shape: [2, c], data: (0..<(2 * c)).map { _ in Float(rng.normal() * 0.02) }))
        headBias = Parameter(name: "head.bias", value: Tensor(zeros: [2]), decays: false)
        switch mode {
        case .lora: model.encoder.attachLoRA(rank: loraRank, alpha: loraAlpha, seed: seed, above: trainAbove)
        case .full where trainAbove == 0: for p in model.encoder.parameters { p.isTrainable = true }
        case .full:
            // The embeddings and MPNet's shared relative-position table feed the frozen layers too: frozen.
            for p in model.encoder.parameters { p.isTrainable = false }
            for p in model.encoder.layers[trainAbove...].flatMap(\.parameters) { p.isTrainable = true }
        case .head: for p in model.encoder.parameters { p.isTrainable = false }
        }
    }

    /// The last layer's hidden states of `rows` ([B·T, C]) and their batch: through every layer, or from the frozen
    /// layers' cached output (or their inference-mode pass) through the trained ones.
    private func hidden(_ rows: [Int], training: Bool) throws -> (Tensor, TokenBatch) {
        let batch = model.tokenizer.batch(rows.map { texts[$0] })
        var unused: [Int: Tensor] = [:]
        guard trainAbove > 0 else { return (try model.encoder.forward(batch, training: training, pooled: &unused), batch) }
        let input: Tensor
        if let frozen {
            let c = frozen.columns, t = batch.sequenceLength
            var padded = Tensor(zeros: [rows.count * t, c])
            padded.data.withUnsafeMutableBufferPointer { out in
                frozen.values.withUnsafeBufferPointer { states in
                    for (b, row) in rows.enumerated() {
                        (out.baseAddress! + b * t * c).update(from: states.baseAddress! + frozen.offsets[row], count: frozen.rows[row] * c)
                    }
                }
            }
            input = padded
        } else {
            input = try model.encoder.forward(batch, training: false, through: trainAbove, pooled: &unused)
        }
        return (try model.encoder.forward(above: trainAbove, input: input, batch: batch, training: training), batch)
    }

    public var parameters: [Parameter] { [headWeight, headBias] + model.encoder.parameters.filter(\.isTrainable) }

    /// Sequences per forward pass when predicting: callers ask for hundreds of rows at once, and one batch
    /// padded to the longest of them would waste most of its tokens (and hold gigabytes of activations).
    public var predictionBatchSize = 32

    public func logits(for indices: [Int], training: Bool) throws -> Tensor {
        if !training && indices.count > predictionBatchSize {
            // Shortest first, in small batches, so each batch pads to similar lengths; rows go back in order.
            let order = indices.indices.sorted { texts[indices[$0]].ids.count < texts[indices[$1]].ids.count }
            var out = Tensor(zeros: [indices.count, 2])
            for start in stride(from: 0, to: order.count, by: predictionBatchSize) {
                let positions = Array(order[start..<min(start + predictionBatchSize, order.count)])
                let part = try logits(for: positions.map { indices[$0] }, training: false)
                for (k, position) in positions.enumerated() {
                    out.data[2 * position] = part.data[2 * k]; out.data[2 * position + 1] = part.data[2 * k + 1]
                }
            }
            return out
        }
        let (hidden, batch) = try hidden(indices, training: training)
        var input = MeanPooling.forward(hidden, mask: batch.attentionMask, batch: batch.batchSize, length: batch.sequenceLength)
        headInputStandardisation?.apply(&input)
        var out = BLAS.matmul(input, headWeight.value, transposeB: true)
        for r in 0..<out.rows { out.data[2 * r] += headBias.value.data[0]; out.data[2 * r + 1] += headBias.value.data[1] }
        cached = training ? (input, batch.attentionMask, batch.batchSize, batch.sequenceLength) : nil
        return out
    }

    /// From now on the head reads the pooled features standardised with their mean and deviation over `fitRows`
    /// under the model as it is (pretrained, before any step: LoRA's B is zero), and starts from zero, as head mode's
    /// head does on cached activations. Costs one inference pass over `fitRows` through the trained layers.
    public func standardiseHeadInput(fitRows: [Int]) throws {
        precondition(headInputStandardisation == nil, "the head's input is standardised once, before training")
        let features = try pooledFeatures(rows: fitRows)
        headInputStandardisation = FeatureStandardisation(features: features, fitRows: Array(0..<features.rows))
        headWeight.value = Tensor(zeros: [2, model.encoder.config.hiddenSize])
    }

    /// Mean-pooled last-layer activations of the (finetuned) encoder for `rows`, [rows.count, hidden].
    /// Batches are formed shortest first, so each pads little; rows come back in the caller's order.
    public func pooledFeatures(rows: [Int], batchSize: Int = 32) throws -> Tensor {
        let c = model.encoder.config.hiddenSize
        var out = Tensor(zeros: [rows.count, c])
        let order = rows.indices.sorted { texts[rows[$0]].ids.count < texts[rows[$1]].ids.count }
        for start in stride(from: 0, to: order.count, by: batchSize) {
            let positions = Array(order[start..<min(start + batchSize, order.count)])
            let (hidden, batch) = try hidden(positions.map { rows[$0] }, training: false)
            let pooled = MeanPooling.forward(hidden, mask: batch.attentionMask, batch: batch.batchSize, length: batch.sequenceLength)
            for (k, position) in positions.enumerated() {
                for j in 0..<c { out.data[position * c + j] = pooled.data[k * c + j] }
            }
        }
        return out
    }

    public func backward(_ dLogits: Tensor) {
        guard let cached else { preconditionFailure("classifier: backward without a training forward") }
        let dW = BLAS.matmul(dLogits, cached.headInput, transposeA: true)
        for i in 0..<dW.count { headWeight.gradient.data[i] += dW.data[i] }
        for r in 0..<dLogits.rows { headBias.gradient.data[0] += dLogits.data[2 * r]; headBias.gradient.data[1] += dLogits.data[2 * r + 1] }
        var dPooled = BLAS.matmul(dLogits, headWeight.value)
        headInputStandardisation?.backward(&dPooled)
        let dHidden = MeanPooling.backward(dPooled, mask: cached.mask, batch: cached.batch, length: cached.length)
        model.encoder.backward(dHidden)
        self.cached = nil
    }
}
