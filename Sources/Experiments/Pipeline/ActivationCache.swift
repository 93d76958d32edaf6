import Datasets
import Foundation
import Tensors
import Transformers

/// Mean-pooled activations of a frozen model on a list of examples, computed once and kept on disk,
/// keyed by the model, the layer, the maximum length and the exact texts.
public final class ActivationCache {
    public let directory: URL
    public let models: ModelStore
    private var loaded: [String: SentenceEncoder] = [:]

    public init(directory: URL, models: ModelStore) {
        self.directory = directory
        self.models = models
    }

    public func encoder(_ reference: ModelReference, maxLength: Int) throws -> SentenceEncoder {
        let key = "\(reference)|\(maxLength)"
        if let e = loaded[key] { return e }
        let e = try models.load(reference, maxSequenceLength: maxLength)
        loaded[key] = e
        return e
    }

    /// Keyed by the untruncated model and the absolute layer: layer j of NAME@k equals layer j of NAME, so
    /// a truncated rung reuses the full model's activations (and the other way round).
    func key(model: ModelReference, maxLength: Int, layer: Int, examples: [Example]) -> String {
        var h = ContentHash()
        h.combine("activations-v2"); h.combine(model.name); h.combine(maxLength); h.combine(layer)
        for e in examples { h.combine(e.text); h.combine(e.pairText ?? "\u{0}") }
        return h.hex
    }

    /// Activations [examples.count, hidden] for each requested layer (-1 = the last layer; 0 = embeddings).
    public func activations(model: ModelReference, examples: [Example], layers requested: [Int], maxLength: Int,
                            progress: ProgressDisplay) throws -> [Int: Tensor] {
        var result: [Int: Tensor] = [:]
        var missing: [Int] = []
        let last = try models.layerCount(model)
        func absolute(_ layer: Int) -> Int { layer < 0 ? last : layer }
        guard requested.allSatisfy({ absolute($0) >= 0 && absolute($0) <= last }) else {
            throw ExperimentError.invalid("layers \(requested) do not all exist in \(model) (0…\(last), or -1 for the last)")
        }
        for layer in Set(requested).sorted() {
            let url = directory.appendingPathComponent(key(model: model, maxLength: maxLength, layer: absolute(layer), examples: examples) + ".w2sm")
            if FileManager.default.fileExists(atPath: url.path), let cached = try? MatrixFile.read(url), cached.rows == examples.count {
                result[layer] = cached
            } else {
                missing.append(layer)
            }
        }
        guard !missing.isEmpty else { return result }
        // Only the layers needed are run: a truncated copy up to the deepest missing layer.
        let deepest = missing.map(absolute).max()!
        let encoder = try encoder(ModelReference(name: model.name, layers: deepest == 0 ? 1 : deepest), maxLength: maxLength)
        let resolved = Dictionary(uniqueKeysWithValues: missing.map { ($0, absolute($0)) })
        progress.begin("activations \(model)")
        let tokenized = examples.map { encoder.tokenize($0.text, pair: $0.pairText) }
        let computed = try encoder.embed(tokenized, layers: Set(resolved.values), batchSize: 32) { done, total in
            progress.update(done, total, detail: "texts")
        }
        progress.finish("\(examples.count) texts → layers \(missing.map { $0 < 0 ? "last" : String($0) }.joined(separator: ","))")
        for layer in missing {
            let tensor = computed[resolved[layer]!]!
            guard tensor.data.allSatisfy(\.isFinite) else {
                throw ExperimentError.invalid("\(model) produced non-finite activations; the weights may be corrupt (reinstall with `w2s models install`)")
            }
            let url = directory.appendingPathComponent(key(model: model, maxLength: maxLength, layer: resolved[layer]!, examples: examples) + ".w2sm")
            try MatrixFile.write(tensor, to: url)
            result[layer] = tensor
        }
        return result
    }
}
