import Foundation
import Tensors

/// A pretrained checkpoint ready to embed text: tokenizer + encoder + the sentence-transformers
/// settings (maximum sequence length, mean pooling, optional L2 normalisation).
public final class SentenceEncoder {
    public let name: String
    public let tokenizer: WordPieceTokenizer
    public let encoder: TransformerEncoder
    public let maxSequenceLength: Int

    public init(name: String, tokenizer: WordPieceTokenizer, encoder: TransformerEncoder, maxSequenceLength: Int) {
        self.name = name; self.tokenizer = tokenizer; self.encoder = encoder
        self.maxSequenceLength = maxSequenceLength
    }

    /// Loads `directory` (config.json, model.safetensors, tokenizer.json; sentence_bert_config.json
    /// for the maximum length), keeping the first `keepLayers` layers when given.
    public static func load(name: String, directory: URL, keepLayers: Int? = nil,
                            maxSequenceLength: Int? = nil) throws -> SentenceEncoder {
        let encoder = try TransformerEncoder.load(directory: directory, keepLayers: keepLayers)
        let tokenizer = try WordPieceTokenizer.load(modelDirectory: directory)
        var length = maxSequenceLength ?? 256
        if maxSequenceLength == nil,
           let data = try? Data(contentsOf: directory.appendingPathComponent("sentence_bert_config.json")),
           let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
           let configured = (json["max_seq_length"] as? NSNumber)?.intValue {
            length = configured
        }
        let positionLimit = encoder.config.maxPositions - (encoder.config.architecture == .mpnet ? encoder.config.padTokenID + 1 : 0)
        return SentenceEncoder(name: name, tokenizer: tokenizer, encoder: encoder,
                               maxSequenceLength: min(length, positionLimit))
    }

    public func tokenize(_ text: String, pair: String? = nil) -> TokenizedText {
        tokenizer.encode(text, pair: pair, maxLength: maxSequenceLength)
    }

    /// Mean-pooled embeddings of `layers` (0 = embedding output, config.layers = last) for every text,
    /// in input order. Texts are batched by similar length so little compute goes to padding.
    public func embed(_ texts: [TokenizedText], layers: Set<Int>, batchSize: Int = 32,
                      progress: ((Int, Int) -> Void)? = nil) throws -> [Int: Tensor] {
        let order = texts.indices.sorted { texts[$0].ids.count < texts[$1].ids.count }
        let c = encoder.config.hiddenSize
        var result = Dictionary(uniqueKeysWithValues: layers.map { ($0, Tensor(zeros: [texts.count, c])) })
        let lastLayer = encoder.layers.count
        var done = 0
        for start in stride(from: 0, to: order.count, by: batchSize) {
            let indices = Array(order[start..<min(start + batchSize, order.count)])
            let batch = tokenizer.batch(indices.map { texts[$0] })
            var pooled: [Int: Tensor] = [:]
            let hidden = try encoder.forward(batch, training: false, collect: layers.subtracting([lastLayer]),
                                             pooled: &pooled)
            if layers.contains(lastLayer) {
                pooled[lastLayer] = MeanPooling.forward(hidden, mask: batch.attentionMask, batch: batch.batchSize,
                                                        length: batch.sequenceLength)
            }
            for layer in layers {
                let rows = pooled[layer]!
                result[layer]!.data.withUnsafeMutableBufferPointer { out in
                    rows.data.withUnsafeBufferPointer { src in
                        for (k, index) in indices.enumerated() {
                            (out.baseAddress! + index * c).update(from: src.baseAddress! + k * c, count: c)
                        }
                    }
                }
            }
            done += indices.count
            progress?(done, texts.count)
        }
        return result
    }

    /// The hidden states after layer `layer` of every text (default: the last kept layer), one block of (its tokens ×
    /// hidden) values per text, in input order: what the layer above reads. From the same pass, the mean-pooled
    /// output of each layer in `pooledLayers` (0…`layer`, or the last kept layer: the layers above `layer` then run
    /// once more). Batched by similar length; padding rows are dropped.
    public func tokenStates(_ texts: [TokenizedText], layer: Int? = nil, pooledLayers: Set<Int> = [],
                            batchSize: Int = 32) throws -> (states: [[Float]], pooled: [Int: Tensor]) {
        let last = encoder.layers.count, through = layer ?? last
        precondition(through >= 1 && through <= last && pooledLayers.allSatisfy { $0 >= 0 && ($0 <= through || $0 == last) },
                     "token states after a kept layer; pooled layers up to it, or the last")
        let order = texts.indices.sorted { texts[$0].ids.count < texts[$1].ids.count }
        let c = encoder.config.hiddenSize
        var states = [[Float]](repeating: [], count: texts.count)
        var result = Dictionary(uniqueKeysWithValues: pooledLayers.map { ($0, Tensor(zeros: [texts.count, c])) })
        for start in stride(from: 0, to: order.count, by: batchSize) {
            let indices = Array(order[start..<min(start + batchSize, order.count)])
            let batch = tokenizer.batch(indices.map { texts[$0] })
            var pooled: [Int: Tensor] = [:]
            let hidden = try encoder.forward(batch, training: false, collect: pooledLayers.filter { $0 < through }, through: through,
                                             pooled: &pooled)
            func pool(_ h: Tensor) -> Tensor {
                MeanPooling.forward(h, mask: batch.attentionMask, batch: batch.batchSize, length: batch.sequenceLength)
            }
            if pooledLayers.contains(through) { pooled[through] = pool(hidden) }
            if through < last, pooledLayers.contains(last) {
                pooled[last] = pool(try encoder.forward(above: through, input: hidden, batch: batch, training: false))
            }
            let t = batch.sequenceLength
            for (k, index) in indices.enumerated() {
                // Padding is on the right: a text's real tokens are the first rows of its sequence.
                let length = texts[index].ids.count
                states[index] = Array(hidden.data[(k * t * c)..<((k * t + length) * c)])
            }
            for (layer, rows) in pooled {
                result[layer]!.data.withUnsafeMutableBufferPointer { out in
                    rows.data.withUnsafeBufferPointer { src in
                        for (k, index) in indices.enumerated() { (out.baseAddress! + index * c).update(from: src.baseAddress! + k * c, count: c) }
                    }
                }
            }
        }
        return (states, result)
    }

    /// L2-normalises each row (the sentence-transformers `Normalize` module).
    public static func normalized(_ embeddings: Tensor) -> Tensor {
        var out = embeddings
        let c = embeddings.columns
        out.data.withUnsafeMutableBufferPointer { p in
            for r in 0..<embeddings.rows {
                let row = p.baseAddress! + r * c
                let norm = VectorMath.dot(row, row, count: c).squareRoot()
                let inv = 1 / max(norm, 1e-12)
                for j in 0..<c { row[j] *= inv }
            }
        }
        return out
    }
}
