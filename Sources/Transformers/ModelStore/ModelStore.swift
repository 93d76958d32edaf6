import Foundation

public enum ModelStoreError: Error, CustomStringConvertible {
    case notInstalled(name: String, directory: URL)
    case unknownModel(String)
    case badReference(String)
    case tooManyLayers(reference: String, available: Int)
    case installFailed(String)

    public var description: String {
        switch self {
        case let .notInstalled(name, directory):
            return "model \(name) is not installed in \(directory.path) (or is incomplete): run `swift run -c release w2s models install`."
        case let .unknownModel(name):
            return "unknown model '\(name)'; known: \(ModelCatalog.entries.map(\.name).joined(separator: ", ")) (append @k to keep the first k layers)."
        case let .badReference(text):
            return "cannot read model name '\(text)': write NAME or NAME@k with k ≥ 1 layers, e.g. all-mpnet-base-v2@6."
        case let .tooManyLayers(reference, available):
            return "\(reference) asks for more layers than the model has (\(available)); use @1…@\(available)."
        case let .installFailed(why): return "model installation failed: \(why)"
        }
    }
}

/// A model name as users write it: "all-mpnet-base-v2", or "all-mpnet-base-v2@6" for its first 6 layers.
public struct ModelReference: Sendable, Hashable, Codable, CustomStringConvertible {
    public let name: String
    public let layers: Int?

    public init(name: String, layers: Int? = nil) { self.name = name; self.layers = layers }

    public init(parsing text: String) throws {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard let first = parts.first, !first.isEmpty, parts.count <= 2 else { throw ModelStoreError.badReference(text) }
        name = String(first)
        if parts.count == 2 {
            guard let k = Int(parts[1]), k >= 1 else { throw ModelStoreError.badReference(text) }
            layers = k
        } else {
            layers = nil
        }
    }

    public var description: String { layers.map { "\(name)@\($0)" } ?? name }
}

/// Where installed models live: $W2S_MODELS, else ~/.cache/w2s/models, one folder per model.
public struct ModelStore: Sendable {
    public let root: URL

    public init(root: URL = ModelStore.defaultRoot()) { self.root = root }

    public static func defaultRoot() -> URL {
        if let env = ProcessInfo.processInfo.environment["W2S_MODELS"], !env.isEmpty { return URL(fileURLWithPath: env) }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/w2s/models")
    }

    public func directory(_ name: String) -> URL { root.appendingPathComponent(name) }

    /// The directory of an installed model, checked for the files the loaders need.
    public func locate(_ reference: ModelReference) throws -> URL {
        let directory = directory(reference.name)
        for file in ["config.json", "model.safetensors", "tokenizer.json"] {
            guard FileManager.default.fileExists(atPath: directory.appendingPathComponent(file).path) else {
                if ModelCatalog.entry(reference.name) == nil && !FileManager.default.fileExists(atPath: directory.path) {
                    throw ModelStoreError.unknownModel(reference.name)
                }
                throw ModelStoreError.notInstalled(name: reference.name, directory: root)
            }
        }
        return directory
    }

    public func isInstalled(_ name: String) -> Bool {
        FileManager.default.fileExists(atPath: directory(name).appendingPathComponent(ModelInstaller.marker).path)
    }

    /// Transformer layers of a reference (k for NAME@k, else the checkpoint's count), from config.json only.
    public func layerCount(_ reference: ModelReference) throws -> Int {
        let full = try EncoderConfig.load(try locate(reference).appendingPathComponent("config.json")).layers
        guard let k = reference.layers else { return full }
        guard k <= full else { throw ModelStoreError.tooManyLayers(reference: reference.description, available: full) }
        return k
    }

    /// Loads a model by reference (truncated to its first k layers for NAME@k).
    public func load(_ reference: ModelReference, maxSequenceLength: Int? = nil) throws -> SentenceEncoder {
        try SentenceEncoder.load(name: reference.description, directory: try locate(reference),
                                 keepLayers: reference.layers, maxSequenceLength: maxSequenceLength)
    }
}
