import Foundation
import Tensors

/// A BERT or MPNet encoder with explicit forward and backward passes.
///
/// Forward returns the hidden states of the last kept layer ([B·T, C]); `pooledForward` returns
/// mean-pooled sentence embeddings of any set of layers in one pass (layer 0 = embeddings output).
public final class TransformerEncoder {
    public let config: EncoderConfig
    public let embeddings: Embeddings
    public let layers: [TransformerLayer]
    /// MPNet only: one learned bias per relative-position bucket and head, [buckets, H].
    public let relativeAttentionBias: Parameter?

    private var cachedBatch: (batch: Int, length: Int, mask: [Float], buckets: [Int32], start: Int)?

    public init(config: EncoderConfig, embeddings: Embeddings, layers: [TransformerLayer],
                relativeAttentionBias: Parameter?) {
        self.config = config; self.embeddings = embeddings; self.layers = layers
        self.relativeAttentionBias = relativeAttentionBias
    }

    public var parameters: [Parameter] {
        embeddings.parameters + layers.flatMap(\.parameters) + (relativeAttentionBias.map { [$0] } ?? [])
    }

    /// Position ids as each architecture defines them: BERT counts from 0; MPNet (like RoBERTa) counts
    /// real tokens from pad+1 and gives padding the pad index.
    public func positionIDs(for batch: TokenBatch) -> [Int32] {
        let t = batch.sequenceLength
        var positions = [Int32](repeating: 0, count: batch.batchSize * t)
        for b in 0..<batch.batchSize {
            var running: Int32 = 0
            for i in 0..<t {
                switch config.architecture {
                case .bert:
                    positions[b * t + i] = Int32(i)
                case .mpnet:
                    let real = batch.attentionMask[b * t + i] > 0
                    if real { running += 1 }
                    positions[b * t + i] = real ? Int32(config.padTokenID) + running : Int32(config.padTokenID)
                }
            }
        }
        return positions
    }

    private func positionBias(length t: Int, buckets: [Int32]) -> Tensor? {
        guard let table = relativeAttentionBias else { return nil }
        let h = config.heads
        var bias = Tensor(zeros: [h, t, t])
        bias.data.withUnsafeMutableBufferPointer { pb in
            table.value.data.withUnsafeBufferPointer { pt in
                for head in 0..<h {
                    for ij in 0..<(t * t) { pb[head * t * t + ij] = pt[Int(buckets[ij]) * h + head] }
                }
            }
        }
        return bias
    }

    /// Runs the encoder (up to layer `end`, all by default). `collect` lists layer indices (0…layers.count) whose
    /// mean-pooled states to return.
    public func forward(_ batch: TokenBatch, training: Bool, collect: Set<Int> = [], through end: Int? = nil,
                        pooled: inout [Int: Tensor]) throws -> Tensor {
        try checkLength(batch)
        let hidden = embeddings.forward(ids: batch.ids, positionIDs: positionIDs(for: batch),
                                        typeIDs: batch.typeIds, training: training)
        if collect.contains(0) {
            pooled[0] = MeanPooling.forward(hidden, mask: batch.attentionMask, batch: batch.batchSize, length: batch.sequenceLength)
        }
        return runLayers(from: 0, through: end ?? layers.count, hidden, batch: batch, training: training, collect: collect,
                         pooled: &pooled)
    }

    /// Runs only the layers above `start` on `input`, the hidden states after layer `start` ([B·T, C], padded like
    /// `batch`): top-K-layer finetuning, where the frozen layers' output is computed once and cached. `backward`
    /// then stops at layer `start`.
    public func forward(above start: Int, input: Tensor, batch: TokenBatch, training: Bool) throws -> Tensor {
        precondition(start >= 0 && start <= layers.count && input.count == batch.batchSize * batch.sequenceLength * config.hiddenSize)
        try checkLength(batch)
        var unused: [Int: Tensor] = [:]
        return runLayers(from: start, through: layers.count, input, batch: batch, training: training, collect: [], pooled: &unused)
    }

    private func checkLength(_ batch: TokenBatch) throws {
        let t = batch.sequenceLength
        guard t + (config.architecture == .mpnet ? config.padTokenID + 1 : 0) <= config.maxPositions else {
            throw EncoderError.sequenceTooLong(length: t, maximum: config.maxPositions)
        }
    }

    private func runLayers(from start: Int, through end: Int, _ input: Tensor, batch: TokenBatch, training: Bool, collect: Set<Int>,
                           pooled: inout [Int: Tensor]) -> Tensor {
        let t = batch.sequenceLength, b = batch.batchSize
        let mask = batch.attentionMask
        let buckets = relativeAttentionBias == nil ? [] : RelativePositionBuckets.buckets(
            length: t, buckets: config.relativeAttentionBuckets)
        let bias = positionBias(length: t, buckets: buckets)
        var hidden = input
        for index in start..<end {
            hidden = layers[index].forward(hidden, batch: b, length: t, mask: mask, positionBias: bias, training: training)
            if collect.contains(index + 1) {
                pooled[index + 1] = MeanPooling.forward(hidden, mask: mask, batch: b, length: t)
            }
        }
        cachedBatch = training ? (b, t, mask, buckets, start) : nil
        return hidden
    }

    /// Mean-pooled sentence embeddings of the last layer (what sentence-transformers returns before
    /// any normalisation module).
    public func embed(_ batch: TokenBatch) throws -> Tensor {
        var unused: [Int: Tensor] = [:]
        let hidden = try forward(batch, training: false, pooled: &unused)
        return MeanPooling.forward(hidden, mask: batch.attentionMask, batch: batch.batchSize,
                                   length: batch.sequenceLength)
    }

    /// Backward from d(loss)/d(last hidden states); accumulates into every trainable parameter of the layers the
    /// forward pass ran (down to the embeddings, or to the layer `forward(above:)` started from).
    public func backward(_ dHidden: Tensor) {
        guard let cached = cachedBatch else { preconditionFailure("encoder: backward without a training forward") }
        let t = cached.length, h = config.heads
        var biasGradient = Tensor(zeros: relativeAttentionBias == nil ? [0] : [h, t, t])
        var d = dHidden
        biasGradient.withSharedMatrix { g in
            for layer in layers[cached.start...].reversed() {
                d = layer.backward(d, positionBiasGradient: relativeAttentionBias == nil ? nil : g)
            }
        }
        if let table = relativeAttentionBias, table.isTrainable {
            table.gradient.data.withUnsafeMutableBufferPointer { pg in
                for head in 0..<h {
                    for ij in 0..<(t * t) { pg[Int(cached.buckets[ij]) * h + head] += biasGradient.data[head * t * t + ij] }
                }
            }
        }
        if cached.start == 0 { embeddings.backward(d) }
        cachedBatch = nil
    }
}
