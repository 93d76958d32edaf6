import Determinism
import Foundation
import Tensors

/// What a stored value is: the model (by content), the layer, the pooling and the precision. The store keeps
/// one folder per namespace; inside it, each text is named by its key (`TextKey`).
public struct ActivationNamespace: Hashable, Sendable, Codable {
    public enum Pooling: String, Codable, Sendable {
        /// One vector per text: the mean over its tokens.
        case mean
        /// One row per token: the hidden states the layers above read (top-K-layer finetuning).
        case tokens
    }
    /// The untruncated model's name (for people) and content identity (for the key).
    public let model: String
    public let modelIdentity: String
    /// 0 = the embeddings' output, k = the output of layer k.
    public let layer: Int
    public let pooling: Pooling
    public let precision: PackFile.Precision

    public init(model: String, modelIdentity: String, layer: Int, pooling: Pooling, precision: PackFile.Precision) {
        self.model = model; self.modelIdentity = modelIdentity; self.layer = layer; self.pooling = pooling
        self.precision = precision
    }

    /// Folder name: readable, then a hash of everything that defines the values.
    public var folderName: String {
        let hash = ContentHash.of("activation-namespace-v1", modelIdentity, String(layer), pooling.rawValue, precision.rawValue)
        return "\(model)-L\(layer)-\(pooling.rawValue)-\(precision.rawValue)-\(hash.prefix(12))"
    }
}

/// A store of per-text activations shared by every run, seed, split and intervention in a runs directory, and
/// by several `w2s` processes at once (one machine or many on a shared file system).
///
/// - **Files.** Each computed chunk of texts becomes one immutable `PackFile` in its namespace's folder, named by
///   the hash of its keys and written by rename: readers see whole packs or none, and two processes that compute
///   the same chunk write the same name with the same content. A damaged pack fails its checksum and is treated
///   as missing (recomputed, then replaced).
/// - **No duplicated work beyond a chunk.** Missing texts are cut into chunks in a canonical order (by length,
///   then key), so processes asking for the same texts form the same chunks; a process claims a chunk with an
///   exclusive-create file before computing it and skips chunks another live process has claimed, coming back to
///   them at the end (reading that process's pack, or computing the chunk itself once the claim is stale). Claims
///   are created with O_EXCL, which is atomic on local file systems and NFS v3+.
/// - **Bounded disk.** `info()` reports each namespace's texts and bytes; `prune(...)` removes the least
///   recently used packs (a read refreshes a pack's modification time) down to a size or age. A pack deleted
///   under a running process is recomputed by it, not an error.
public final class ActivationStore {
    public let root: URL
    /// Texts per pack.
    public var chunkSize = 256
    /// A claim older than this, by a process on another machine, is taken over (a live one is refreshed per chunk).
    public var claimLifetime: TimeInterval = 30 * 60
    /// Chunks computed by this process since it was created: tests and progress notes.
    public private(set) var computedChunks = 0
    /// Texts computed by this process since it was created.
    public private(set) var computedTexts = 0

    /// What `compute` returns for one namespace: one block (rows × columns values) per text of the chunk.
    public struct Blocks {
        public let columns: Int
        public let values: [[Float]]
        public init(columns: Int, values: [[Float]]) { self.columns = columns; self.values = values }
        /// One block per row of a [texts, columns] tensor (mean-pooled activations: one row per text).
        public init(rows tensor: Tensor) {
            let c = tensor.columns
            self.init(columns: c, values: (0..<tensor.rows).map { Array(tensor.data[($0 * c)..<(($0 + 1) * c)]) })
        }
    }

    struct Location { let pack: String; let index: Int }
    private var indexes: [ActivationNamespace: [PackFile.Key: Location]] = [:]
    private var knownPacks: [ActivationNamespace: Set<String>] = [:]
    private var openPacks: [String: PackFile] = [:]

    public init(root: URL) { self.root = root }

    func folder(_ namespace: ActivationNamespace) -> URL { root.appendingPathComponent(namespace.folderName) }
    var claims: URL { root.appendingPathComponent("claims") }

    // MARK: Index

    /// Reads the key index of packs this process has not seen yet.
    func refresh(_ namespace: ActivationNamespace) {
        let folder = folder(namespace)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return }
        var index = indexes[namespace] ?? [:]
        var known = knownPacks[namespace] ?? []
        for name in names.sorted() where name.hasSuffix(".pack") && !known.contains(name) {
            guard let header = try? PackFile.readIndex(folder.appendingPathComponent(name)) else { continue }
            known.insert(name)
            for (i, key) in header.keys.enumerated() where index[key] == nil { index[key] = Location(pack: name, index: i) }
        }
        indexes[namespace] = index
        knownPacks[namespace] = known
    }

    /// Forgets a pack that turned out to be damaged or deleted.
    func forget(_ pack: String, in namespace: ActivationNamespace) {
        openPacks[namespace.folderName + "/" + pack] = nil
        knownPacks[namespace]?.remove(pack)
        indexes[namespace] = indexes[namespace]?.filter { $0.value.pack != pack }
    }

    public func contains(_ key: PackFile.Key, in namespace: ActivationNamespace) -> Bool {
        indexes[namespace]?[key] != nil
    }

    func pack(_ name: String, in namespace: ActivationNamespace) -> PackFile? {
        let id = namespace.folderName + "/" + name
        if let open = openPacks[id] { return open }
        let url = folder(namespace).appendingPathComponent(name)
        let pack: PackFile
        do {
            pack = try PackFile(contentsOf: url)
        } catch {
            // Pruned meanwhile, or damaged: a damaged pack is deleted (every reader would reject it). Either way
            // its texts are recomputed by the next `ensure`.
            if case ExperimentError.corrupt = error { unlink(url.path) }
            forget(name, in: namespace)
            return nil
        }
        _ = utimes(url.path, nil)   // now: the least-recently-used order of `prune`
        openPacks[id] = pack
        return pack
    }

    // MARK: Compute what is missing

    /// Makes sure every key has a value in every namespace, computing the missing ones with `compute`, which gets
    /// the positions (in `keys`) of one chunk and returns, per namespace, one block per position. `compute` also
    /// returns blocks for `alsoWrite`, which are stored for the chunks computed anyway and never cause a computation
    /// (what the same forward pass gives for free, e.g. pooled layers beside token states).
    /// `lengths[i]` (tokens of text i) orders the chunks so that each pads little.
    public func ensure(_ namespaces: [ActivationNamespace], alsoWrite: [ActivationNamespace] = [], keys: [PackFile.Key], lengths: [Int],
                       progress: ((Int, Int) -> Void)? = nil,
                       compute: ([Int]) throws -> [ActivationNamespace: Blocks]) throws {
        var unreadableRounds = 0
        while unreadableRounds < 3 {
            for n in namespaces { refresh(n) }
            var missing = Set<PackFile.Key>()
            var positions: [PackFile.Key: Int] = [:]
            for (i, key) in keys.enumerated() {
                positions[key] = positions[key] ?? i
                if namespaces.contains(where: { !contains(key, in: $0) }) { missing.insert(key) }
            }
            if !missing.isEmpty {
                let order = missing.sorted { (lengths[positions[$0]!], $0) < (lengths[positions[$1]!], $1) }
                let chunks = stride(from: 0, to: order.count, by: chunkSize).map { Array(order[$0..<min($0 + chunkSize, order.count)]) }
                try computeChunks(chunks, namespaces: namespaces, alsoWrite: alsoWrite.filter { !namespaces.contains($0) },
                                  positions: positions, progress: progress, compute: compute)
                continue
            }
            // Every key indexed: done once every pack is readable and intact; a damaged or vanished one is forgotten
            // and its texts computed again.
            var unreadable = false
            for n in namespaces {
                for p in Set(keys.compactMap { indexes[n]?[$0]?.pack }) where pack(p, in: n) == nil { unreadable = true }
            }
            if !unreadable { return }
            unreadableRounds += 1
        }
        throw ExperimentError.io(root, "activation packs keep disappearing or failing their checksums while being read; is something deleting \(root.path)? (`w2s cache prune` while runs are going, or a full disk)")
    }

    private func computeChunks(_ chunks: [[PackFile.Key]], namespaces: [ActivationNamespace], alsoWrite: [ActivationNamespace],
                               positions: [PackFile.Key: Int],
                               progress: ((Int, Int) -> Void)?, compute: ([Int]) throws -> [ActivationNamespace: Blocks]) throws {
        let total = chunks.reduce(0) { $0 + $1.count }
        var done = 0
        func isDone(_ chunk: [PackFile.Key]) -> Bool {
            namespaces.allSatisfy { n in chunk.allSatisfy { contains($0, in: n) } }
        }
        func run(_ chunk: [PackFile.Key], claim: URL) throws {
            defer { unlink(claim.path) }
            for n in namespaces { refresh(n) }
            if isDone(chunk) { return }     // another process finished it between our check and our claim
            let blocks = try compute(chunk.map { positions[$0]! })
            for n in namespaces + alsoWrite {
                guard let computed = blocks[n], computed.values.count == chunk.count else {
                    preconditionFailure("activation compute returned no values for \(n.folderName)")
                }
                let name = Self.packName(chunk) + ".pack"
                let data = PackFile.encode(keys: chunk, blocks: computed.values, columns: computed.columns, precision: n.precision)
                try AtomicFile.write(data, to: folder(n).appendingPathComponent(name))
                try writeDescription(n)
                knownPacks[n]?.remove(name)
                refresh(n)
            }
            computedChunks += 1; computedTexts += chunk.count
        }
        /// Whether `chunk` is done (by this process, now, or by another one); false while another live process holds it.
        func settle(_ chunk: [PackFile.Key]) throws -> Bool {
            for n in namespaces { refresh(n) }
            if !isDone(chunk) {
                guard let claim = try claimChunk(chunk) else { return false }
                try run(chunk, claim: claim)
            }
            done += chunk.count
            progress?(done, total)
            return true
        }
        // Chunks other processes claimed: wait for their packs, or take over a claim whose owner is gone.
        var deferred = try chunks.filter { try !settle($0) }
        while !deferred.isEmpty {
            usleep(200_000)
            deferred = try deferred.filter { try !settle($0) }
        }
    }

    /// A chunk's name: the pack file in each namespace and its claim.
    public static func packName(_ keys: [PackFile.Key]) -> String {
        var h = ContentHash()
        for k in keys { h.combine(String(k.high, radix: 16)); h.combine(String(k.low, radix: 16)) }
        return h.hex
    }

    // MARK: Claims

    /// Claims a chunk, or returns nil while another live process holds it. A claim whose owner is gone (a dead
    /// pid on this host, or older than `claimLifetime` from another host) is removed and claimed anew.
    func claimChunk(_ chunk: [PackFile.Key]) throws -> URL? {
        try AtomicFile.createDirectory(claims)
        let url = claims.appendingPathComponent(Self.packName(chunk) + ".claim")
        let owner = "\(ProcessInfo.processInfo.hostName)\n\(getpid())\n"
        for _ in 0..<2 {
            let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if fd >= 0 {
                _ = owner.withCString { write(fd, $0, strlen($0)) }
                close(fd)
                return url
            }
            guard errno == EEXIST else { throw ExperimentError.system(url, "create a claim", errno: errno) }
            guard Self.isStale(url, lifetime: claimLifetime) else { return nil }
            // Take over: move the stale claim aside under a unique name (one taker wins), then create ours.
            let aside = claims.appendingPathComponent(".stale.\(getpid()).\(UInt32.random(in: 0...UInt32.max))")
            if rename(url.path, aside.path) == 0 { unlink(aside.path) }
        }
        return nil
    }

    static func isStale(_ claim: URL, lifetime: TimeInterval) -> Bool {
        guard let text = try? String(contentsOf: claim, encoding: .utf8) else { return false }   // being written
        let parts = text.split(separator: "\n").map(String.init)
        guard parts.count == 2, let pid = Int32(parts[1]) else {
            // Half-written or foreign: stale once old.
            let modified = (try? FileManager.default.attributesOfItem(atPath: claim.path))?[.modificationDate] as? Date
            return Date().timeIntervalSince(modified ?? Date()) > 60
        }
        if parts[0] == ProcessInfo.processInfo.hostName {
            return kill(pid, 0) != 0 && errno == ESRCH
        }
        let modified = (try? FileManager.default.attributesOfItem(atPath: claim.path))?[.modificationDate] as? Date
        return Date().timeIntervalSince(modified ?? Date()) > lifetime
    }

    // MARK: Reading

    /// The blocks of `keys` in `namespace`, concatenated in order, as Float32. Call after `ensure`.
    public func read(_ namespace: ActivationNamespace, keys: [PackFile.Key]) throws -> (values: [Float], rows: [Int], columns: Int) {
        var rows: [Int] = [], columns = 0
        var located: [(PackFile, Int)] = []
        for key in keys {
            guard let location = indexes[namespace]?[key], let p = pack(location.pack, in: namespace) else {
                throw ExperimentError.io(folder(namespace), "an activation pack vanished while it was read; run again")
            }
            located.append((p, location.index)); rows.append(p.rowCounts[location.index]); columns = p.columns
        }
        let total = rows.reduce(0, +) * columns
        let values = [Float](unsafeUninitializedCapacity: total) { buffer, count in
            var offset = 0
            for (p, i) in located {
                p.copyBlock(i, into: buffer.baseAddress! + offset)
                offset += p.rowCounts[i] * p.columns
            }
            count = total
        }
        return (values, rows, columns)
    }

    /// Lets go of the packs read so far (a long run would otherwise keep every one in memory); the next read
    /// opens and verifies them again.
    public func releasePacks() { openPacks.removeAll() }

    // MARK: Disk use

    func writeDescription(_ n: ActivationNamespace) throws {
        let url = folder(n).appendingPathComponent("namespace.json")
        if !FileManager.default.fileExists(atPath: url.path) { try AtomicFile.writeJSON(n, to: url) }
    }
}
