import Tensors

extension TransformerEncoder {
    /// An encoder with small seeded random weights: for gradient checks and benchmarks of shapes
    /// without a checkpoint. Never a stand-in for pretrained weights in experiments.
    public static func randomlyInitialized(config: EncoderConfig, seed: UInt64) -> TransformerEncoder {
        var rng = SeededRandom(seed: seed)
        let c = config.hiddenSize, f = config.intermediateSize
        func tensor(_ shape: [Int], scale: Double = 0.2, offset: Float = 0) -> Tensor {
            Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in Float(rng.normal() * scale) + offset })
        }
        func linear(_ name: String, out: Int, in inp: Int) -> Linear {
            Linear(weight: Parameter(name: name + ".weight", value: tensor([out, inp], scale: 1 / Double(inp).squareRoot())),
                   bias: Parameter(name: name + ".bias", value: tensor([out], scale: 0.1), decays: false))
        }
        func norm(_ name: String) -> LayerNorm {
            LayerNorm(gamma: Parameter(name: name + ".weight", value: tensor([c], scale: 0.1, offset: 1), decays: false),
                      beta: Parameter(name: name + ".bias", value: tensor([c], scale: 0.1), decays: false),
                      epsilon: config.layerNormEpsilon)
        }
        let embeddings = Embeddings(
            words: Parameter(name: "embeddings.word_embeddings.weight", value: tensor([config.vocabularySize, c])),
            positions: Parameter(name: "embeddings.position_embeddings.weight", value: tensor([config.maxPositions, c])),
            tokenTypes: config.architecture == .bert
                ? Parameter(name: "embeddings.token_type_embeddings.weight", value: tensor([max(1, config.typeVocabularySize), c]))
                : nil,
            norm: norm("embeddings.LayerNorm"))
        let layers = (0..<config.layers).map { i -> TransformerLayer in
            let p = "encoder.layer.\(i)."
            return TransformerLayer(
                attention: SelfAttention(query: linear(p + "q", out: c, in: c), key: linear(p + "k", out: c, in: c),
                                         value: linear(p + "v", out: c, in: c), output: linear(p + "o", out: c, in: c),
                                         heads: config.heads),
                attentionNorm: norm(p + "attention.LayerNorm"),
                intermediate: linear(p + "intermediate.dense", out: f, in: c),
                output: linear(p + "output.dense", out: c, in: f),
                outputNorm: norm(p + "output.LayerNorm"))
        }
        let relative = config.architecture == .mpnet
            ? Parameter(name: "encoder.relative_attention_bias.weight",
                        value: tensor([config.relativeAttentionBuckets, config.heads], scale: 0.5), decays: false)
            : nil
        return TransformerEncoder(config: config, embeddings: embeddings, layers: layers, relativeAttentionBias: relative)
    }
}
