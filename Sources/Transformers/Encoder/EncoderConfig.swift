import Foundation

/// The architecture facts read from a checkpoint's `config.json`.
public struct EncoderConfig: Codable, Sendable, Hashable {
    public enum Architecture: String, Codable, Sendable { case bert, mpnet }

    public var architecture: Architecture
    public var vocabularySize: Int
    public var hiddenSize: Int
    public var layers: Int
    public var heads: Int
    public var intermediateSize: Int
    public var maxPositions: Int
    public var typeVocabularySize: Int
    public var layerNormEpsilon: Float
    public var padTokenID: Int
    public var relativeAttentionBuckets: Int

    public init(architecture: Architecture, vocabularySize: Int, hiddenSize: Int, layers: Int, heads: Int,
                intermediateSize: Int, maxPositions: Int, typeVocabularySize: Int, layerNormEpsilon: Float,
                padTokenID: Int, relativeAttentionBuckets: Int) {
        self.architecture = architecture; self.vocabularySize = vocabularySize; self.hiddenSize = hiddenSize
        self.layers = layers; self.heads = heads; self.intermediateSize = intermediateSize
        self.maxPositions = maxPositions; self.typeVocabularySize = typeVocabularySize
        self.layerNormEpsilon = layerNormEpsilon; self.padTokenID = padTokenID
        self.relativeAttentionBuckets = relativeAttentionBuckets
    }

    /// Reads a Hugging Face `config.json` of a BERT or MPNet model.
    public static func load(_ url: URL) throws -> EncoderConfig {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
        } catch {
            throw EncoderError.badConfig(url, "not readable JSON (\(error.localizedDescription))")
        }
        guard let json = object as? [String: Any] else { throw EncoderError.badConfig(url, "not a JSON object") }
        func int(_ key: String) throws -> Int {
            guard let v = json[key] as? NSNumber else { throw EncoderError.badConfig(url, "missing integer '\(key)'") }
            return v.intValue
        }
        let type = json["model_type"] as? String ?? ""
        let architecture: Architecture
        switch type {
        case "bert": architecture = .bert
        case "mpnet": architecture = .mpnet
        default: throw EncoderError.badConfig(url, "model_type '\(type)' is not supported (bert, mpnet)")
        }
        let config = EncoderConfig(
            architecture: architecture,
            vocabularySize: try int("vocab_size"), hiddenSize: try int("hidden_size"),
            layers: try int("num_hidden_layers"), heads: try int("num_attention_heads"),
            intermediateSize: try int("intermediate_size"), maxPositions: try int("max_position_embeddings"),
            typeVocabularySize: (json["type_vocab_size"] as? NSNumber)?.intValue ?? 0,
            layerNormEpsilon: (json["layer_norm_eps"] as? NSNumber)?.floatValue ?? 1e-12,
            padTokenID: (json["pad_token_id"] as? NSNumber)?.intValue ?? 0,
            relativeAttentionBuckets: (json["relative_attention_num_buckets"] as? NSNumber)?.intValue ?? 32)
        guard config.hiddenSize % config.heads == 0 else {
            throw EncoderError.badConfig(url, "hidden_size \(config.hiddenSize) is not divisible by \(config.heads) heads")
        }
        if (json["hidden_act"] as? String ?? "gelu") != "gelu" {
            throw EncoderError.badConfig(url, "only the exact 'gelu' activation is supported")
        }
        return config
    }
}

public enum EncoderError: Error, CustomStringConvertible {
    case badConfig(URL, String)
    case badLayerCount(requested: Int, available: Int)
    case sequenceTooLong(length: Int, maximum: Int)

    public var description: String {
        switch self {
        case let .badConfig(url, why):
            return "\(url.path): \(why). Reinstall the model with `w2s models install`."
        case let .badLayerCount(requested, available):
            return "cannot keep \(requested) layers of a \(available)-layer model: choose 1…\(available)."
        case let .sequenceTooLong(length, maximum):
            return "sequence of \(length) tokens exceeds the model's \(maximum) positions: truncate (--max-length)."
        }
    }
}
