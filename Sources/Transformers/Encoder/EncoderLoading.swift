import Foundation
import Tensors

extension TransformerEncoder {
    /// Loads a pretrained BERT or MPNet checkpoint (config.json + model.safetensors, or model.onnx, in `directory`),
    /// optionally keeping only the first `keepLayers` layers (a weaker rung of the same model).
    public static func load(directory: URL, keepLayers: Int? = nil) throws -> TransformerEncoder {
        var config = try EncoderConfig.load(directory.appendingPathComponent("config.json"))
        if let keep = keepLayers {
            guard keep >= 1, keep <= config.layers else {
                throw EncoderError.badLayerCount(requested: keep, available: config.layers)
            }
            config.layers = keep
        }
        let file = try WeightsFile.open(in: directory)
        // Some exports prefix every name with the architecture ("bert.", "mpnet.").
        let prefix = file.contains("embeddings.word_embeddings.weight") ? "" : config.architecture.rawValue + "."
        let c = config.hiddenSize, f = config.intermediateSize

        func parameter(_ name: String, _ shape: [Int], decays: Bool = true) throws -> Parameter {
            Parameter(name: name, value: try file.tensor(prefix + name, expectedShape: shape), decays: decays)
        }
        func linear(_ name: String, out: Int, in inp: Int) throws -> Linear {
            Linear(weight: try parameter(name + ".weight", [out, inp]),
                   bias: try parameter(name + ".bias", [out], decays: false))
        }
        func norm(_ name: String) throws -> LayerNorm {
            LayerNorm(gamma: try parameter(name + ".weight", [c], decays: false),
                      beta: try parameter(name + ".bias", [c], decays: false), epsilon: config.layerNormEpsilon)
        }

        let embeddings = Embeddings(
            words: try parameter("embeddings.word_embeddings.weight", [config.vocabularySize, c]),
            positions: try parameter("embeddings.position_embeddings.weight", [config.maxPositions, c]),
            tokenTypes: config.architecture == .bert && config.typeVocabularySize > 0
                ? try parameter("embeddings.token_type_embeddings.weight", [config.typeVocabularySize, c]) : nil,
            norm: try norm("embeddings.LayerNorm"))

        var layers: [TransformerLayer] = []
        for i in 0..<config.layers {
            let p = "encoder.layer.\(i)."
            // The two checkpoints name the same attention weights differently.
            let names: (q: String, k: String, v: String, o: String, norm: String)
            switch config.architecture {
            case .bert: names = ("attention.self.query", "attention.self.key", "attention.self.value",
                                 "attention.output.dense", "attention.output.LayerNorm")
            case .mpnet: names = ("attention.attn.q", "attention.attn.k", "attention.attn.v", "attention.attn.o",
                                  "attention.LayerNorm")
            }
            let attention = SelfAttention(
                query: try linear(p + names.q, out: c, in: c), key: try linear(p + names.k, out: c, in: c),
                value: try linear(p + names.v, out: c, in: c), output: try linear(p + names.o, out: c, in: c),
                heads: config.heads)
            let attentionNorm = try norm(p + names.norm)
            layers.append(TransformerLayer(
                attention: attention, attentionNorm: attentionNorm,
                intermediate: try linear(p + "intermediate.dense", out: f, in: c),
                output: try linear(p + "output.dense", out: c, in: f),
                outputNorm: try norm(p + "output.LayerNorm")))
        }
        let relative = config.architecture == .mpnet
            ? try parameter("encoder.relative_attention_bias.weight", [config.relativeAttentionBuckets, config.heads],
                            decays: false)
            : nil
        return TransformerEncoder(config: config, embeddings: embeddings, layers: layers,
                                  relativeAttentionBias: relative)
    }

    /// Freezes every pretrained weight and adds rank-`rank` adapters to the attention projections
    /// (q, k, v, o) and both MLP matrices of every layer above `start` (all by default; top-K-layer finetuning
    /// adapts only the top layers). Returns the new trainable parameters.
    @discardableResult
    public func attachLoRA(rank: Int, alpha: Float, seed: UInt64, above start: Int = 0) -> [Parameter] {
        for p in parameters { p.isTrainable = false }
        var rng = SeededRandom(seed: seed)
        var added: [Parameter] = []
        for layer in layers[start...] {
            for linear in [layer.attention.query, layer.attention.key, layer.attention.value, layer.attention.output,
                           layer.intermediate, layer.output] {
                let adapter = LoRAAdapter(name: linear.weight.name, inputSize: linear.inputSize,
                                          outputSize: linear.outputSize, rank: rank, alpha: alpha, rng: &rng)
                linear.lora = adapter
                added += adapter.parameters
            }
        }
        return added
    }
}
