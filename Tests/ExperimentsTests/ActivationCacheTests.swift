import XCTest
import Foundation
import Datasets
import Experiments
import Transformers

/// The activation cache writes chunk by chunk: a run killed during extraction recomputes only the chunks it
/// had not finished, and a damaged chunk file is recomputed, not trusted.
final class ActivationCacheTests: XCTestCase {
    func testKilledExtractionResumesFromFinishedChunks() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("w2s-activations-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        let examples = Array(try DatasetRegistry.standard.pools("sst2", dataDirectory: try DataDirectory.resolve(nil)).train!.prefix(40))
        let model = try ModelReference(parsing: "all-MiniLM-L6-v2@2")
        func cache() -> ActivationCache {
            let c = ActivationCache(directory: root, models: ModelStore())
            c.chunkSize = 16
            return c
        }
        let quiet = ProgressDisplay(quiet: true)
        let first = cache()
        let full = try first.activations(model: model, examples: examples, layers: [-1, 1], maxLength: 32, progress: quiet)
        XCTAssertEqual(first.lastComputedChunks, 3)                 // 16 + 16 + 8 examples
        XCTAssertEqual(full[-1]!.shape, [40, 384])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0.hasSuffix(".w2sm") }.count, 6)

        // Everything on disk: nothing recomputed, same values.
        let again = cache()
        XCTAssertEqual(try again.activations(model: model, examples: examples, layers: [-1, 1], maxLength: 32, progress: quiet), full)
        XCTAssertEqual(again.lastComputedChunks, 0)

        // "Killed" before the last chunk was written, and one finished file damaged: only those two chunks rerun.
        let files = try FileManager.default.contentsOfDirectory(at: root, includingPropertiesForKeys: [.contentModificationDateKey])
            .filter { $0.pathExtension == "w2sm" }
            .sorted { try $0.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate!
                        < $1.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate! }
        try FileManager.default.removeItem(at: files.last!)
        try Data("W2SM".utf8).write(to: files.first!)
        let resumed = cache()
        let result = try resumed.activations(model: model, examples: examples, layers: [-1, 1], maxLength: 32, progress: quiet)
        XCTAssertEqual(resumed.lastComputedChunks, 2)
        XCTAssertEqual(result, full, "recomputed chunks equal the originals bit for bit")

        // Layer 1 of the 2-layer model is layer 1 of the full model: the same files serve it.
        let fullModel = cache()
        let viaFull = try fullModel.activations(model: try ModelReference(parsing: "all-MiniLM-L6-v2"), examples: examples,
                                                layers: [1], maxLength: 32, progress: quiet)
        XCTAssertEqual(fullModel.lastComputedChunks, 0)
        XCTAssertEqual(viaFull[1], full[1])
    }
}
