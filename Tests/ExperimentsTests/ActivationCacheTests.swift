import XCTest
import Foundation
import Datasets
import Experiments
import Tensors
import Transformers

/// The per-text activation store: a text is embedded once per runs directory whatever run, seed or split asks for
/// it; a killed extraction recomputes only unfinished packs; a damaged pack is recomputed, not trusted; processes
/// sharing the store never compute a chunk twice; `prune` bounds the disk and a pruned pack is recomputed.
final class ActivationCacheTests: XCTestCase {
    var root: URL!
    var examples: [Example] = []
    let quiet = ProgressDisplay(quiet: true)

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("w2s-activations-\(UUID())")
        examples = Array(try DatasetRegistry.standard.pools("sst2", dataDirectory: try DataDirectory.resolve(nil)).train!.prefix(40))
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    func cache(chunk: Int = 16) -> ActivationCache {
        let c = ActivationCache(directory: root, models: ModelStore())
        c.chunkSize = chunk
        return c
    }

    func packs() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: root, includingPropertiesForKeys: nil).filter { $0.lastPathComponent != "claims" }
            .flatMap { try FileManager.default.contentsOfDirectory(at: $0, includingPropertiesForKeys: [.contentModificationDateKey]) }
            .filter { $0.pathExtension == "pack" }
    }

    func testKilledExtractionResumesFromFinishedPacks() throws {
        let model = try ModelReference(parsing: "all-MiniLM-L6-v2@2")
        let first = cache()
        let full = try first.activations(model: model, examples: examples, layers: [-1, 1], maxLength: 32, progress: quiet)
        XCTAssertEqual(first.lastComputedChunks, 3)                 // 16 + 16 + 8 texts
        XCTAssertEqual(full[-1]!.shape, [40, 384])
        XCTAssertEqual(try packs().count, 6, "one pack per chunk and layer")

        // Everything on disk: nothing recomputed, same values.
        let again = cache()
        XCTAssertEqual(try again.activations(model: model, examples: examples, layers: [-1, 1], maxLength: 32, progress: quiet), full)
        XCTAssertEqual(again.lastComputedChunks, 0)

        // "Killed" before one pack was written, and another damaged by one flipped byte: only those chunks rerun.
        let last = try packs().filter { $0.deletingLastPathComponent().lastPathComponent.contains("-L2-") }
        try FileManager.default.removeItem(at: last[0])
        var bytes = try Data(contentsOf: last[1])
        bytes[bytes.count / 2] ^= 0x40
        try bytes.write(to: last[1])
        let resumed = cache()
        let result = try resumed.activations(model: model, examples: examples, layers: [-1, 1], maxLength: 32, progress: quiet)
        XCTAssertEqual(resumed.lastComputedChunks, 2)
        XCTAssertEqual(result, full, "recomputed packs equal the originals bit for bit")

        // Layer 1 of the 2-layer model is layer 1 of the full model: the same packs serve it.
        let fullModel = cache()
        let viaFull = try fullModel.activations(model: try ModelReference(parsing: "all-MiniLM-L6-v2"), examples: examples,
                                                layers: [1], maxLength: 32, progress: quiet)
        XCTAssertEqual(fullModel.lastComputedChunks, 0)
        XCTAssertEqual(viaFull[1], full[1])
    }

    /// Another seed draws other splits of the same pool: the texts seen before come from the store, in any order and
    /// mixed with new ones, and only the new ones are computed.
    /// A frozen-layer pass (top-K finetuning) stores the pooled layers a head-mode run reads, from the same pass: the
    /// head-mode request then computes nothing and gets what its own pass gives. Texts whose token states were
    /// already stored are not recomputed for the pooled layers.
    func testFrozenStatesPassStoresHeadModeActivations() throws {
        let model = try ModelReference(parsing: "all-MiniLM-L6-v2@4")
        let shared = cache()
        _ = try shared.tokenStates(model: model, examples: examples, layer: 3, maxLength: 32, precision: .fp32,
                                   alsoPooled: [-1, 1, 3], progress: quiet)
        XCTAssertEqual(shared.lastComputedChunks, 3)
        let reused = try shared.activations(model: model, examples: examples, layers: [-1, 1, 3], maxLength: 32, progress: quiet)
        XCTAssertEqual(shared.lastComputedChunks, 0, "layers 1, 3 and the last (4) came with the token states")
        let separate = ActivationCache(directory: root.appendingPathComponent("separate"), models: ModelStore())
        let own = try separate.activations(model: model, examples: examples, layers: [-1, 1, 3], maxLength: 32, progress: quiet)
        XCTAssertGreaterThan(separate.lastComputedChunks, 0)
        for layer in [-1, 1, 3] {
            XCTAssertEqual(reused[layer]!.shape, [40, 384])
            XCTAssertLessThan(reused[layer]!.maxAbsDifference(own[layer]!), 1e-4, "layer \(layer)")
        }
        XCTAssertGreaterThan(reused[-1]!.maxAbsDifference(reused[3]!), 1e-2, "the last layer is layer 4, not the frozen layer 3")
        // Layer 2 was not asked for: not stored.
        _ = try shared.activations(model: model, examples: examples, layers: [2], maxLength: 32, progress: quiet)
        XCTAssertGreaterThan(shared.lastComputedChunks, 0)

        // Token states already stored: asking again with pooled layers computes nothing and stores none.
        let later = ActivationCache(directory: root.appendingPathComponent("later"), models: ModelStore())
        _ = try later.tokenStates(model: model, examples: examples, layer: 3, maxLength: 32, precision: .fp32, progress: quiet)
        _ = try later.tokenStates(model: model, examples: examples, layer: 3, maxLength: 32, precision: .fp32,
                                  alsoPooled: [-1], progress: quiet)
        XCTAssertEqual(later.lastComputedChunks, 0)
        _ = try later.activations(model: model, examples: examples, layers: [-1], maxLength: 32, progress: quiet)
        XCTAssertGreaterThan(later.lastComputedChunks, 0)
    }

    func testTextsAreSharedAcrossRequests() throws {
        let model = try ModelReference(parsing: "all-MiniLM-L6-v2@1")
        let c = cache(chunk: 8)
        let firstHalf = try c.activations(model: model, examples: Array(examples[0..<24]), layers: [-1], maxLength: 32, progress: quiet)[-1]!
        XCTAssertEqual(c.store.computedTexts, 24)
        // Reversed, overlapping 12 of the 24 seen, plus 16 new texts.
        let mixed = Array(examples[12..<40].reversed())
        let second = try c.activations(model: model, examples: mixed, layers: [-1], maxLength: 32, progress: quiet)[-1]!
        XCTAssertEqual(c.store.computedTexts, 24 + 16, "only the 16 new texts were embedded")
        for (k, e) in mixed.enumerated() {
            guard let i = examples[0..<24].firstIndex(where: { $0.id == e.id }) else { continue }
            XCTAssertEqual(Array(second.data[(k * 384)..<((k + 1) * 384)]), Array(firstHalf.data[(i * 384)..<((i + 1) * 384)]))
        }
        // A longer maximum length reads the same entries for every text the shorter one did not truncate.
        let longer = cache(chunk: 8)
        let short = try longer.tokenize(model: model, examples: Array(examples[0..<24]), maxLength: 32).keys
        let long = try longer.tokenize(model: model, examples: Array(examples[0..<24]), maxLength: 256).keys
        _ = try longer.activations(model: model, examples: Array(examples[0..<24]), layers: [-1], maxLength: 256, progress: quiet)
        XCTAssertEqual(longer.store.computedTexts, zip(short, long).filter { $0 != $1 }.count)
        XCTAssertLessThan(longer.store.computedTexts, 24)
        // Each text's values do not depend on the batch it was computed in (beyond float rounding).
        let fresh = ActivationCache(directory: root.appendingPathComponent("other"), models: ModelStore())
        let alone = try fresh.activations(model: model, examples: mixed, layers: [-1], maxLength: 32, progress: quiet)[-1]!
        XCTAssertLessThan(alone.maxAbsDifference(second), 1e-5)
    }

    /// Two extractions of the same texts at once (as two sweep workers): every chunk is computed exactly once, and
    /// both get every value.
    func testConcurrentExtractionsComputeEachChunkOnce() throws {
        let model = try ModelReference(parsing: "all-MiniLM-L6-v2@1")
        nonisolated(unsafe) let caches = [cache(chunk: 4), cache(chunk: 4)]
        let results = ResultBox()
        let examples = self.examples
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            let r = Result { try caches[i].activations(model: model, examples: examples, layers: [-1], maxLength: 32,
                                                       progress: ProgressDisplay(quiet: true))[-1]! }
            results.set(i, r)
        }
        let a = try results.get(0).get(), b = try results.get(1).get()
        XCTAssertEqual(a, b)
        XCTAssertEqual(caches[0].store.computedChunks + caches[1].store.computedChunks, 10, "40 texts in chunks of 4, each once")
        XCTAssertGreaterThan(min(caches[0].store.computedChunks, caches[1].store.computedChunks), 0, "both did work")
    }

    /// A claim left by a process that died is taken over; a live one elsewhere is waited for until it is stale.
    func testStaleClaimsAreTakenOver() throws {
        let model = try ModelReference(parsing: "all-MiniLM-L6-v2@1")
        let some = Array(examples.prefix(4))
        let c = cache(chunk: 4)
        let key = try c.tokenize(model: model, examples: some, maxLength: 32).keys.sorted()
        // The chunk's claim file, as a dead process on this host would leave it (pid far above pid_max).
        let claims = root.appendingPathComponent("claims")
        try FileManager.default.createDirectory(at: claims, withIntermediateDirectories: true)
        let ordered = try c.tokenize(model: model, examples: some, maxLength: 32)
        let chunk = zip(ordered.texts, ordered.keys).sorted { ($0.0.ids.count, $0.1) < ($1.0.ids.count, $1.1) }.map(\.1)
        XCTAssertEqual(Set(chunk), Set(key))
        let claim = claims.appendingPathComponent(ActivationStore.packName(chunk) + ".claim")
        try "\(ProcessInfo.processInfo.hostName)\n99999999\n".write(to: claim, atomically: true, encoding: .utf8)
        _ = try c.activations(model: model, examples: some, layers: [-1], maxLength: 32, progress: quiet)
        XCTAssertEqual(c.lastComputedChunks, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: claim.path), "released after the pack was written")

        // A fresh claim from another machine: waited for, then taken over once older than the claim lifetime.
        let other = ActivationCache(directory: root.appendingPathComponent("second"), models: ModelStore())
        other.chunkSize = 4
        other.store.claimLifetime = 1
        let otherClaims = other.directory.appendingPathComponent("claims")
        try FileManager.default.createDirectory(at: otherClaims, withIntermediateDirectories: true)
        try "another-host\n1234\n".write(to: otherClaims.appendingPathComponent(ActivationStore.packName(chunk) + ".claim"),
                                        atomically: true, encoding: .utf8)
        let started = Date()
        _ = try other.activations(model: model, examples: some, layers: [-1], maxLength: 32, progress: quiet)
        XCTAssertEqual(other.lastComputedChunks, 1)
        XCTAssertGreaterThan(Date().timeIntervalSince(started), 0.9, "it waited for the live claim first")
    }

    func testPruneBoundsTheStoreAndPrunedPacksAreRecomputed() throws {
        let model = try ModelReference(parsing: "all-MiniLM-L6-v2@1")
        let c = cache(chunk: 8)
        let before = try c.activations(model: model, examples: examples, layers: [-1], maxLength: 32, progress: quiet)[-1]!
        let usage = c.store.usage()
        XCTAssertEqual(usage.namespaces.count, 1)
        XCTAssertEqual(usage.namespaces[0].texts, 40)
        XCTAssertEqual(usage.namespaces[0].packs, 5)
        XCTAssertEqual(usage.namespaces[0].namespace?.model, "all-MiniLM-L6-v2")
        let packBytes = usage.namespaces[0].bytes / 5
        // A file of the earlier layout is counted and always removed.
        try Data(count: 100).write(to: root.appendingPathComponent("0123.w2sm"))
        XCTAssertEqual(c.store.usage().legacyFiles, 1)
        let dry = try c.store.prune(maxBytes: 2 * packBytes, olderThan: nil, dryRun: true)
        XCTAssertEqual(dry.removedFiles, 4)
        XCTAssertEqual(try packs().count, 5, "a dry run removes nothing")
        let result = try c.store.prune(maxBytes: 2 * packBytes, olderThan: nil, dryRun: false)
        XCTAssertEqual(result.removedFiles, 4, "three packs and the legacy file")
        XCTAssertEqual(try packs().count, 2)
        // The same process (whose index still lists the removed packs) recomputes them.
        let after = try c.activations(model: model, examples: examples, layers: [-1], maxLength: 32, progress: quiet)[-1]!
        XCTAssertEqual(after, before)
        XCTAssertEqual(c.lastComputedChunks, 3)
    }
}

/// Results written from concurrent workers.
final class ResultBox: @unchecked Sendable {
    private var values: [Int: Result<Tensor, Error>] = [:]
    private let lock = NSLock()
    func set(_ i: Int, _ r: Result<Tensor, Error>) { lock.lock(); values[i] = r; lock.unlock() }
    func get(_ i: Int) -> Result<Tensor, Error> { lock.lock(); defer { lock.unlock() }; return values[i]! }
}
