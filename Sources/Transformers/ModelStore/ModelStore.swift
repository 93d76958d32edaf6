import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public enum ModelStoreError: Error, CustomStringConvertible {
    case notInstalled(name: String, directory: URL)
    case unknownModel(String)
    case badReference(String)
    case tooManyLayers(reference: String, available: Int)
    case installFailed(String)
    /// Some of the files the loaders read are missing from the model's directory.
    case incomplete(name: String, missing: [String], directory: URL)
    /// Files of a catalog model no longer have their pinned sha256: they changed after installation.
    case modified(name: String, files: [String], directory: URL)
    /// A model file could not be hashed (unreadable, or it kept changing while it was read).
    case verificationFailed(String)

    public var description: String {
        switch self {
        case let .notInstalled(name, directory):
            return "model \(name) is not installed in \(directory.path): run `w2s models install \(name)`."
        case let .incomplete(name, missing, directory):
            let list = missing.joined(separator: ", ")
            if ModelCatalog.entry(name) == nil {
                return "model directory \(directory.path) lacks \(list) (a model needs \(ModelStore.loaderFiles.joined(separator: ", ")); model.onnx may replace model.safetensors)."
            }
            return "model \(name) in \(directory.path) is incomplete: \(list) \(missing.count == 1 ? "is" : "are") missing; run `w2s models install \(name)` to repair it."
        case let .modified(name, files, directory):
            let list = files.joined(separator: ", ")
            return "model \(name): \(list) in \(directory.path) \(files.count == 1 ? "was" : "were") modified since it was installed (sha256 no longer matches the pinned hash); run `w2s models install \(name)` to repair it."
        case let .verificationFailed(why): return "cannot verify model files: \(why)"
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
///
/// Every catalog model is checked against its pinned sha256 before use (`locate`, `load`, `layerCount`,
/// `identity`). The check is cheap after the first time: the verified hashes are kept, with each file's
/// size, mtime, ctime and inode, in a stamp file (`.w2s-verified.json`) in the model's directory, and a
/// file is hashed again only when its `stat` no longer matches.
public struct ModelStore: Sendable {
    public let root: URL
    let hasher: FileHasher
    let memo = VerificationMemo()

    /// The files the loaders always read.
    public static let loaderFiles = ["config.json", "model.safetensors", "tokenizer.json"]
    /// Read when present (sentence-transformers' maximum sequence length).
    public static let optionalLoaderFiles = ["sentence_bert_config.json"]

    /// `hasher` computes a file's sha256 (default: `sha256sum`); tests pass one that counts its calls.
    public init(root: URL = ModelStore.defaultRoot(), hasher: @escaping FileHasher = FileDigest.sha256sum) {
        self.root = root
        self.hasher = hasher
    }

    public static func defaultRoot() -> URL {
        if let env = ProcessInfo.processInfo.environment["W2S_MODELS"], !env.isEmpty { return URL(fileURLWithPath: env) }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/w2s/models")
    }

    public func directory(_ name: String) -> URL { root.appendingPathComponent(name) }

    /// The directory of an installed model, after checking that the files the loaders read are there and,
    /// for a catalog model, still have their pinned sha256 (see `identity`).
    public func locate(_ reference: ModelReference) throws -> URL {
        try verifiedFiles(reference.name).directory
    }

    /// A stable hex string (sha256) naming the exact content of the files the loaders read (config.json,
    /// model.safetensors, tokenizer.json, sentence_bert_config.json) and, for NAME@k, the layer count:
    /// equal identities mean equal models, whatever the directory is called. A catalog model must match
    /// its pinned hashes (else `ModelStoreError.modified`); another directory in the store gets the
    /// identity of whatever its files hold. Cheap on repeated calls: files whose size, mtime, ctime and
    /// inode match the stamp of their last verification are not read again.
    public func identity(_ reference: ModelReference) throws -> String {
        let hashes = try verifiedFiles(reference.name).sha256
        var text = "w2s-model-identity-v1\n"
        for file in hashes.keys.sorted() { text += "\(file) \(hashes[file]!)\n" }
        if let layers = reference.layers { text += "layers \(layers)\n" }
        return FileDigest.sha256(text)
    }

    /// Whether a model's files are all present and verified (the stamp check of `identity`).
    public func isInstalled(_ name: String) -> Bool { problem(name) == nil }

    /// What keeps a model from being used (not installed, missing or modified files), or nil if it is
    /// installed and verified. The error's description says how to fix it.
    public func problem(_ name: String) -> ModelStoreError? {
        do {
            _ = try verifiedFiles(name)
            return nil
        } catch let error as ModelStoreError {
            return error
        } catch {
            return .verificationFailed("\(error)")
        }
    }

    /// Transformer layers of a reference (k for NAME@k, else the checkpoint's count), from config.json only.
    public func layerCount(_ reference: ModelReference) throws -> Int {
        let full = try EncoderConfig.load(try locate(reference).appendingPathComponent("config.json")).layers
        guard let k = reference.layers else { return full }
        guard k <= full else { throw ModelStoreError.tooManyLayers(reference: reference.description, available: full) }
        return k
    }

    /// Loads a model by reference (truncated to its first k layers for NAME@k), after the check of `locate`.
    public func load(_ reference: ModelReference, maxSequenceLength: Int? = nil) throws -> SentenceEncoder {
        try SentenceEncoder.load(name: reference.description, directory: try locate(reference),
                                 keepLayers: reference.layers, maxSequenceLength: maxSequenceLength)
    }

    // MARK: - Verification

    /// The sha256 of every file the loaders read in the model's directory, checked against the catalog's
    /// pins. `rehash` ignores the stamp and reads every file (what `w2s models install` does).
    func verifiedFiles(_ name: String, rehash: Bool = false) throws -> (directory: URL, sha256: [String: String]) {
        let directory = directory(name)
        let entry = ModelCatalog.entry(name)
        var isDirectory: ObjCBool = false
        guard !name.isEmpty, FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory),
              isDirectory.boolValue else {
            if entry == nil { throw ModelStoreError.unknownModel(name) }
            throw ModelStoreError.notInstalled(name: name, directory: root)
        }
        let names: [String]
        if let entry {
            names = entry.fileSHA256.keys.sorted()
        } else {
            // Outside the catalog an ONNX export stands in for model.safetensors when only it is there.
            let onnxOnly = FileSignature(directory.appendingPathComponent("model.safetensors")) == nil
                && FileSignature(directory.appendingPathComponent("model.onnx")) != nil
            names = (Self.loaderFiles.map { onnxOnly && $0 == "model.safetensors" ? "model.onnx" : $0 } + Self.optionalLoaderFiles.filter {
                FileSignature(directory.appendingPathComponent($0)) != nil
            }).sorted()
        }
        let missing = names.filter { FileSignature(directory.appendingPathComponent($0)) == nil }
        if !missing.isEmpty {
            if entry != nil && missing.count == names.count { throw ModelStoreError.notInstalled(name: name, directory: root) }
            throw ModelStoreError.incomplete(name: name, missing: missing, directory: directory)
        }

        let stamp = VerificationStamp.read(in: directory)
        var known: [String: VerifiedFile] = [:]
        if !rehash {
            for file in names {
                if let remembered = memo.get(directory.appendingPathComponent(file)) { known[file] = remembered }
                else if let stamped = stamp?.files[file] { known[file] = stamped }
            }
        }
        let (files, settled) = try hashFiles(names, in: directory, known: known)
        for (file, verified) in settled { memo.set(directory.appendingPathComponent(file), verified) }
        if settled != stamp?.files {
            VerificationStamp(version: VerificationStamp.currentVersion, files: settled).write(in: directory)
        }
        if let entry {
            let modified = names.filter { files[$0]?.sha256 != entry.fileSHA256[$0] }
            if !modified.isEmpty { throw ModelStoreError.modified(name: name, files: modified, directory: directory) }
        }
        return (directory, files.mapValues(\.sha256))
    }

    /// Hashes `names` in `directory`, reusing a `known` hash when the file's signature still matches it.
    /// Each file's signature is taken before and after hashing; a file that changed meanwhile is hashed
    /// again. Returns all hashes, and those safe to remember: a file changed less than `racyWindow` before
    /// it was hashed could change again within the same timestamp tick without its signature moving, so it
    /// is hashed again next time rather than trusted.
    func hashFiles(_ names: [String], in directory: URL, known: [String: VerifiedFile] = [:]) throws
        -> (all: [String: VerifiedFile], settled: [String: VerifiedFile]) {
        var all: [String: VerifiedFile] = [:], settled: [String: VerifiedFile] = [:]
        for file in names {
            let url = directory.appendingPathComponent(file)
            guard var before = FileSignature(url) else {
                throw ModelStoreError.incomplete(name: directory.lastPathComponent, missing: [file], directory: directory)
            }
            if let reused = known[file], reused.signature == before {
                all[file] = reused; settled[file] = reused
                continue
            }
            var attempts = 0
            while true {
                let started = Self.wallClockNanoseconds()
                let digest = try hasher(url)
                guard let after = FileSignature(url) else {
                    throw ModelStoreError.incomplete(name: directory.lastPathComponent, missing: [file], directory: directory)
                }
                if after == before {
                    let verified = VerifiedFile(signature: before, sha256: digest)
                    all[file] = verified
                    if started - max(before.mtimeNanoseconds, before.ctimeNanoseconds) > Self.racyWindow {
                        settled[file] = verified
                    }
                    break
                }
                attempts += 1
                guard attempts < 3 else {
                    throw ModelStoreError.verificationFailed("\(url.path) kept changing while it was being hashed; run again once nothing writes to it")
                }
                before = after
            }
        }
        return (all, settled)
    }

    static let racyWindow: Int64 = 100_000_000

    static func wallClockNanoseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }
}
