import Determinism
import Datasets
import Foundation
import Tensors
import Transformers

/// Activations of frozen pretrained models on examples, each text computed once per runs directory and kept in
/// the `ActivationStore`: mean-pooled vectors for the head mode and the probes, token-level hidden states below
/// the trained layers for top-K-layer finetuning.
///
/// A text's key is what determines its activations beyond the namespace (model content, layer, pooling,
/// precision): its token ids and type ids after truncation, so every run, seed, split, dataset variant and
/// intervention that embeds the same text reads the same entry. The maximum length enters through truncation
/// (a text shorter than both lengths is one entry for both).
public final class ActivationCache {
    public let store: ActivationStore
    public let models: ModelStore
    private var loaded: [String: SentenceEncoder] = [:]

    public init(directory: URL, models: ModelStore) {
        store = ActivationStore(root: directory)
        self.models = models
    }

    public var directory: URL { store.root }

    /// Texts per pack: a run killed during a long extraction loses at most one chunk.
    public var chunkSize: Int {
        get { store.chunkSize }
        set { store.chunkSize = newValue }
    }
    /// Chunks the last call computed (the rest came from the store); for tests and progress notes.
    public private(set) var lastComputedChunks = 0

    public func encoder(_ reference: ModelReference, maxLength: Int) throws -> SentenceEncoder {
        let key = "\(reference)|\(maxLength)"
        if let e = loaded[key] { return e }
        let e = try models.load(reference, maxSequenceLength: maxLength)
        loaded[key] = e
        return e
    }

    /// Token ids of every example (the model's tokenizer and its effective maximum length) and their keys.
    public func tokenize(model: ModelReference, examples: [Example], maxLength: Int) throws -> (texts: [TokenizedText], keys: [PackFile.Key]) {
        // The one-layer copy loads little and tokenizes exactly as every depth of the model does.
        let tokenizer = try encoder(ModelReference(name: model.name, layers: 1), maxLength: maxLength)
        let texts = examples.map { tokenizer.tokenize($0.text, pair: $0.pairText) }
        return (texts, texts.map(Self.key))
    }

    static func key(_ text: TokenizedText) -> PackFile.Key {
        var h = ContentHash()
        text.ids.withUnsafeBytes { h.combine(bytes: $0) }
        text.typeIds.withUnsafeBytes { h.combine(bytes: $0) }
        let (a, b) = h.lanes
        return PackFile.Key(high: a, low: b)
    }

    func namespace(_ model: ModelReference, layer: Int, pooling: ActivationNamespace.Pooling,
                   precision: PackFile.Precision) throws -> ActivationNamespace {
        // Keyed by the untruncated model and the absolute layer: layer j of NAME@k is layer j of NAME, so a
        // truncated rung reuses the full model's activations (and the other way round).
        ActivationNamespace(model: model.name, modelIdentity: try models.identity(ModelReference(name: model.name)),
                            layer: layer, pooling: pooling, precision: precision)
    }

    /// Mean-pooled activations [examples.count, hidden] for each requested layer (-1 = the last; 0 = embeddings).
    public func activations(model: ModelReference, examples: [Example], layers requested: [Int], maxLength: Int,
                            progress: ProgressDisplay) throws -> [Int: Tensor] {
        let last = try models.layerCount(model)
        func absolute(_ layer: Int) -> Int { layer < 0 ? last : layer }
        guard requested.allSatisfy({ absolute($0) >= 0 && absolute($0) <= last }) else {
            throw ExperimentError.invalid("layers \(requested) do not all exist in \(model) (0…\(last), or -1 for the last)")
        }
        let layers = Set(requested.map(absolute)).sorted()
        let (texts, keys) = try tokenize(model: model, examples: examples, maxLength: maxLength)
        let namespaces = try Dictionary(uniqueKeysWithValues: layers.map { ($0, try namespace(model, layer: $0, pooling: .mean, precision: .fp32)) })
        let before = store.computedChunks
        var started = false
        let computedTexts = store.computedTexts
        try store.ensure(Array(namespaces.values), keys: keys, lengths: texts.map(\.ids.count), progress: { done, total in
            if started { progress.update(done, total, detail: "texts") }
        }) { positions in
            if !started { progress.begin("activations \(model)"); started = true }
            // Only the layers needed are run: a truncated copy up to the deepest one.
            let encoder = try encoder(ModelReference(name: model.name, layers: max(1, layers.max()!)), maxLength: maxLength)
            let computed = try encoder.embed(positions.map { texts[$0] }, layers: Set(layers), batchSize: 32)
            var blocks: [ActivationNamespace: ActivationStore.Blocks] = [:]
            for layer in layers {
                let tensor = computed[layer]!
                guard tensor.data.allSatisfy(\.isFinite) else {
                    throw ExperimentError.invalid("\(model) produced non-finite activations; the weights may be corrupt (reinstall with `w2s models install`)")
                }
                blocks[namespaces[layer]!] = .init(rows: tensor)
            }
            return blocks
        }
        lastComputedChunks = store.computedChunks - before
        if started {
            let fresh = store.computedTexts - computedTexts
            progress.finish("\(fresh) texts → layers \(layers.map { $0 == last ? "last" : String($0) }.joined(separator: ","))"
                            + (fresh < Set(keys).count ? " (\(Set(keys).count - fresh) of \(Set(keys).count) from the store)" : ""))
        }
        defer { store.releasePacks() }
        var result: [Int: Tensor] = [:]
        for layer in requested {
            let (values, _, columns) = try store.read(namespaces[absolute(layer)]!, keys: keys)
            result[layer] = Tensor(shape: [examples.count, columns], data: values)
        }
        return result
    }

    /// Token-level hidden states after layer `layer` of `model` (what layer `layer` + 1 reads) for every example.
    /// For the texts this call computes, the same pass also stores the mean-pooled output of `alsoPooled` (layers
    /// 0…`layer`, or -1 / the last layer of `model`: one more pass through the layers above), which head-mode runs and the
    /// interventions read: a finetuned sweep then leaves the head-mode sweep on the same texts little to compute.
    /// Texts whose states are already stored are never recomputed for these.
    public func tokenStates(model: ModelReference, examples: [Example], layer: Int, maxLength: Int,
                            precision: PackFile.Precision, alsoPooled: [Int] = [], progress: ProgressDisplay) throws -> FrozenStates {
        let last = try models.layerCount(ModelReference(name: model.name))
        guard layer >= 1, layer < last else {
            throw ExperimentError.invalid("frozen layers 1…\(last - 1) of \(model.name) can be cached, not \(layer)")
        }
        let top = try models.layerCount(model)   // `model`'s own last layer (NAME@k: k)
        let pooledLayers = Set(alsoPooled.map { $0 < 0 ? top : $0 }.filter { $0 >= 0 && ($0 <= layer || $0 == top) })
        let (texts, keys) = try tokenize(model: model, examples: examples, maxLength: maxLength)
        let n = try namespace(model, layer: layer, pooling: .tokens, precision: precision)
        let pooledNamespaces = try Dictionary(uniqueKeysWithValues: pooledLayers.map {
            ($0, try namespace(model, layer: $0, pooling: .mean, precision: .fp32))
        })
        let before = store.computedChunks, computedTexts = store.computedTexts
        var started = false
        try store.ensure([n], alsoWrite: Array(pooledNamespaces.values), keys: keys, lengths: texts.map(\.ids.count), progress: { done, total in
            if started { progress.update(done, total, detail: "texts") }
        }) { positions in
            if !started { progress.begin("frozen layers 1–\(layer) of \(model.name)"); started = true }
            // The truncated copy when only the frozen layers run; the whole model when the last layer is pooled too.
            let encoder = try encoder(ModelReference(name: model.name, layers: pooledLayers.contains(top) ? max(top, layer) : layer), maxLength: maxLength)
            let (blocks, pooled) = try encoder.tokenStates(positions.map { texts[$0] }, layer: layer, pooledLayers: pooledLayers, batchSize: 32)
            guard blocks.allSatisfy({ $0.allSatisfy(\.isFinite) }), pooled.values.allSatisfy({ $0.data.allSatisfy(\.isFinite) }) else {
                throw ExperimentError.invalid("\(model) produced non-finite activations; the weights may be corrupt (reinstall with `w2s models install`)")
            }
            var result: [ActivationNamespace: ActivationStore.Blocks] = [n: .init(columns: encoder.encoder.config.hiddenSize, values: blocks)]
            for (l, tensor) in pooled { result[pooledNamespaces[l]!] = .init(rows: tensor) }
            return result
        }
        lastComputedChunks = store.computedChunks - before
        if started {
            let pooledNote = pooledLayers.isEmpty ? "" : ", pooled layers \(pooledLayers.sorted().map { $0 == top ? "last" : String($0) }.joined(separator: ","))"
            progress.finish("\(store.computedTexts - computedTexts) texts → token states of layer \(layer) (\(precision.rawValue))\(pooledNote)")
        }
        defer { store.releasePacks() }
        let (values, rows, columns) = try store.read(n, keys: keys)
        return FrozenStates(layer: layer, columns: columns, values: values, rows: rows)
    }
}

/// Token-level hidden states of frozen lower layers, one block of rows per example (its real tokens).
public struct FrozenStates: Sendable {
    public let layer: Int
    public let columns: Int
    public let values: [Float]
    public let rows: [Int]
    public let offsets: [Int]

    public init(layer: Int, columns: Int, values: [Float], rows: [Int]) {
        self.layer = layer; self.columns = columns; self.values = values; self.rows = rows
        var offsets: [Int] = [], running = 0
        for r in rows { offsets.append(running); running += r * columns }
        self.offsets = offsets
    }
}
