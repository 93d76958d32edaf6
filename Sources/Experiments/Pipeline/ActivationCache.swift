import Determinism
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

    /// Examples per cache file. Activations are written chunk by chunk as they are computed, so a run killed
    /// during a long extraction loses at most one chunk (the MPNet pass is most of a head-mode run's time).
    public var chunkSize = 256
    /// Chunks the last `activations` call computed (the rest came from disk); for tests and progress notes.
    public private(set) var lastComputedChunks = 0

    /// Keyed by the untruncated model and the absolute layer: layer j of NAME@k equals layer j of NAME, so
    /// a truncated rung reuses the full model's activations (and the other way round).
    /// The weights' content (`ModelStore.identity` of the untruncated model) stands for the model, so a repaired
    /// or replaced checkpoint never reuses activations of the old one.
    func key(modelIdentity: String, maxLength: Int, layer: Int, examples: ArraySlice<Example>) -> String {
        var h = ContentHash()
        h.combine("activations-v4"); h.combine(modelIdentity); h.combine(maxLength); h.combine(layer)
        for e in examples { h.combine(e.text); h.combine(e.pairText ?? "\u{0}") }
        return h.hex
    }

    func chunkURL(modelIdentity: String, maxLength: Int, layer: Int, examples: ArraySlice<Example>) -> URL {
        directory.appendingPathComponent(key(modelIdentity: modelIdentity, maxLength: maxLength, layer: layer, examples: examples) + ".w2sm")
    }

    /// Activations [examples.count, hidden] for each requested layer (-1 = the last layer; 0 = embeddings).
    public func activations(model: ModelReference, examples: [Example], layers requested: [Int], maxLength: Int,
                            progress: ProgressDisplay) throws -> [Int: Tensor] {
        let last = try models.layerCount(model)
        func absolute(_ layer: Int) -> Int { layer < 0 ? last : layer }
        guard requested.allSatisfy({ absolute($0) >= 0 && absolute($0) <= last }) else {
            throw ExperimentError.invalid("layers \(requested) do not all exist in \(model) (0…\(last), or -1 for the last)")
        }
        let layers = Set(requested.map(absolute)).sorted()
        let identity = try models.identity(ModelReference(name: model.name))
        let chunks = stride(from: 0, to: examples.count, by: chunkSize).map { $0..<min($0 + chunkSize, examples.count) }
        // Per chunk, the layers found on disk (a truncated or corrupt file counts as missing).
        var found: [[Int: Tensor]] = chunks.map { range in
            var onDisk: [Int: Tensor] = [:]
            for layer in layers {
                let url = chunkURL(modelIdentity: identity, maxLength: maxLength, layer: layer, examples: examples[range])
                if FileManager.default.fileExists(atPath: url.path), let m = try? MatrixFile.read(url), m.rows == range.count {
                    onDisk[layer] = m
                }
            }
            return onDisk
        }
        let pending = chunks.indices.filter { found[$0].count < layers.count }
        lastComputedChunks = pending.count
        if !pending.isEmpty {
            // Only the layers needed are run: a truncated copy up to the deepest missing layer.
            let deepest = pending.flatMap { c in layers.filter { found[c][$0] == nil } }.max()!
            let encoder = try encoder(ModelReference(name: model.name, layers: max(1, deepest)), maxLength: maxLength)
            let total = pending.reduce(0) { $0 + chunks[$1].count }
            var done = 0
            progress.begin("activations \(model)")
            for c in pending {
                let range = chunks[c]
                let missing = Set(layers.filter { found[c][$0] == nil })
                let tokenized = examples[range].map { encoder.tokenize($0.text, pair: $0.pairText) }
                let computed = try encoder.embed(tokenized, layers: missing, batchSize: 32) { chunkDone, _ in
                    progress.update(done + chunkDone, total, detail: "texts")
                }
                for layer in missing.sorted() {
                    let tensor = computed[layer]!
                    guard tensor.data.allSatisfy(\.isFinite) else {
                        throw ExperimentError.invalid("\(model) produced non-finite activations; the weights may be corrupt (reinstall with `w2s models install`)")
                    }
                    try MatrixFile.write(tensor, to: chunkURL(modelIdentity: identity, maxLength: maxLength, layer: layer, examples: examples[range]))
                    found[c][layer] = tensor
                }
                done += range.count
            }
            let resumed = chunks.count - pending.count
            progress.finish("\(total) texts → layers \(layers.map { $0 == last ? "last" : String($0) }.joined(separator: ","))"
                            + (resumed > 0 ? " (\(resumed) of \(chunks.count) chunks from disk)" : ""))
        }
        // Assemble each requested layer from its chunks, in the examples' order.
        var result: [Int: Tensor] = [:]
        for layer in requested {
            let parts = found.map { $0[absolute(layer)]! }
            let columns = parts.first?.columns ?? 0
            result[layer] = Tensor(shape: [examples.count, columns], data: parts.flatMap(\.data))
        }
        return result
    }
}
