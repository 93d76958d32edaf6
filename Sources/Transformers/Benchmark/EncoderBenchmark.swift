import Foundation
import Tensors

/// Tokens per second of an encoder's forward pass and of forward+backward, at a fixed batch shape
/// with random token ids and a full attention mask (the PyTorch reference uses the same setup).
public struct EncoderBenchmark {
    public struct Result: Sendable, Codable {
        public var model: String
        public var batch: Int
        public var length: Int
        public var forwardTokensPerSecond: Double
        public var trainingTokensPerSecond: Double?
        public var peakResidentMiB: Double?
    }

    /// `trainLayers` K: forward+backward of the top K layers only, from the frozen layers' output computed once
    /// (top-K-layer finetuning); `loraRank`: adapters on the trained layers, the pretrained weights frozen.
    public static func run(encoder: TransformerEncoder, name: String, batch: Int, length: Int,
                           repeats: Int, includeBackward: Bool, trainLayers: Int? = nil, loraRank: Int? = nil) throws -> Result {
        var rng = SeededRandom(seed: 0)
        let vocab = encoder.config.vocabularySize
        let ids = (0..<(batch * length)).map { _ in Int32(5 + Int(rng.next() % UInt64(vocab - 5))) }
        let tokens = TokenBatch(batchSize: batch, sequenceLength: length, ids: ids,
                                typeIds: [Int32](repeating: 0, count: ids.count),
                                attentionMask: [Float](repeating: 1, count: ids.count))
        var unused: [Int: Tensor] = [:]
        func median(_ body: () throws -> Void) rethrows -> Double {
            var times: [Double] = []
            try body()  // warm-up
            for _ in 0..<repeats { times.append(try Stopwatch.time(body)) }
            return times.sorted()[times.count / 2]
        }
        let forward = try median { _ = try encoder.embed(tokens) }
        var training: Double?
        if includeBackward {
            let above = max(0, encoder.layers.count - (trainLayers ?? encoder.layers.count))
            if let loraRank { encoder.attachLoRA(rank: loraRank, alpha: Float(2 * loraRank), seed: 0, above: above) }
            let frozen = above > 0 ? try encoder.forward(tokens, training: false, through: above, pooled: &unused) : nil
            training = try median {
                let hidden = try frozen.map { try encoder.forward(above: above, input: $0, batch: tokens, training: true) }
                    ?? encoder.forward(tokens, training: true, pooled: &unused)
                let dHidden = Tensor(repeating: 1 / Float(hidden.count), shape: hidden.shape)
                encoder.backward(dHidden)
            }
        }
        let tokensPerBatch = Double(batch * length)
        return Result(model: name, batch: batch, length: length, forwardTokensPerSecond: tokensPerBatch / forward,
                      trainingTokensPerSecond: training.map { tokensPerBatch / $0 },
                      peakResidentMiB: ProcessMemory.peakResidentBytes().map { Double($0) / 1_048_576 })
    }
}
