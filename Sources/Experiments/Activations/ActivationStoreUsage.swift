import Foundation

/// What the activation store holds on disk, and pruning it (`w2s cache info`, `w2s cache prune`).
extension ActivationStore {
    public struct NamespaceUsage: Sendable {
        /// nil for a folder without its description (written by another version).
        public let namespace: ActivationNamespace?
        public let folder: String
        public let packs: Int
        public let texts: Int
        public let bytes: Int64
        public let lastUsed: Date?
    }

    public struct Usage: Sendable {
        public let namespaces: [NamespaceUsage]
        /// Chunk files of the earlier layout (`<hash>.w2sm` directly in the folder): never read any more.
        public let legacyFiles: Int
        public let legacyBytes: Int64
        public var totalBytes: Int64 { namespaces.reduce(legacyBytes) { $0 + $1.bytes } }
    }

    struct PackEntry { let url: URL; let bytes: Int64; let modified: Date }

    func packEntries(in folder: URL) -> [PackEntry] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".pack") }.compactMap { name in
            let url = folder.appendingPathComponent(name)
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path) else { return nil }
            return PackEntry(url: url, bytes: (attributes[.size] as? NSNumber)?.int64Value ?? 0,
                             modified: attributes[.modificationDate] as? Date ?? .distantPast)
        }
    }

    /// One folder per namespace (model, layer, pooling, precision).
    public func namespaceFolders() -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return names.sorted().map { root.appendingPathComponent($0) }.filter { url in
            var isDirectory: ObjCBool = false
            return url.lastPathComponent != "claims" && FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
                && isDirectory.boolValue
        }
    }

    func legacyEntries() -> [PackEntry] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return names.filter { $0.hasSuffix(".w2sm") }.compactMap { name in
            let url = root.appendingPathComponent(name)
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path) else { return nil }
            return PackEntry(url: url, bytes: (attributes[.size] as? NSNumber)?.int64Value ?? 0, modified: .distantPast)
        }
    }

    public func usage() -> Usage {
        let namespaces = namespaceFolders().map { folder -> NamespaceUsage in
            let entries = packEntries(in: folder)
            var keys = Set<PackFile.Key>()
            for entry in entries { if let index = try? PackFile.readIndex(entry.url) { keys.formUnion(index.keys) } }
            let description = try? AtomicFile.readJSON(ActivationNamespace.self, from: folder.appendingPathComponent("namespace.json"))
            return NamespaceUsage(namespace: description, folder: folder.lastPathComponent, packs: entries.count, texts: keys.count,
                                  bytes: entries.reduce(0) { $0 + $1.bytes }, lastUsed: entries.map(\.modified).max())
        }
        let legacy = legacyEntries()
        return Usage(namespaces: namespaces, legacyFiles: legacy.count, legacyBytes: legacy.reduce(0) { $0 + $1.bytes })
    }

    public struct PruneResult: Sendable {
        public let removedFiles: Int
        public let removedBytes: Int64
        public let remainingBytes: Int64
    }

    /// Removes the earlier layout's chunk files, packs unused for longer than `olderThan`, then the least recently
    /// used packs until the store holds at most `maxBytes`. A run reading a removed pack recomputes its texts.
    public func prune(maxBytes: Int64?, olderThan: TimeInterval?, dryRun: Bool, now: Date = Date()) throws -> PruneResult {
        var candidates = legacyEntries()
        var packs = namespaceFolders().flatMap { packEntries(in: $0) }.sorted { $0.modified < $1.modified }
        if let olderThan {
            candidates += packs.filter { now.timeIntervalSince($0.modified) > olderThan }
            packs.removeAll { now.timeIntervalSince($0.modified) > olderThan }
        }
        var remaining = packs.reduce(Int64(0)) { $0 + $1.bytes }
        if let maxBytes {
            for entry in packs where remaining > maxBytes {
                candidates.append(entry)
                remaining -= entry.bytes
            }
        }
        var removedBytes: Int64 = 0, removed = 0
        for entry in candidates {
            if !dryRun {
                guard unlink(entry.url.path) == 0 || errno == ENOENT else { throw ExperimentError.system(entry.url, "remove", errno: errno) }
            }
            removed += 1; removedBytes += entry.bytes
        }
        if !dryRun {
            // Claims of processes that are gone.
            for name in (try? FileManager.default.contentsOfDirectory(atPath: claims.path)) ?? [] where name.hasSuffix(".claim") {
                let url = claims.appendingPathComponent(name)
                if Self.isStale(url, lifetime: claimLifetime) { unlink(url.path) }
            }
        }
        return PruneResult(removedFiles: removed, removedBytes: removedBytes, remainingBytes: remaining)
    }
}
