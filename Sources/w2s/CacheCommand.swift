import ArgumentParser
import Experiments
import Foundation

/// `w2s cache info|prune`: what the runs directory's shared caches hold, and bounding them.
struct CacheCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache", abstract: "Show and prune the caches a runs directory shares (activations, stages).",
        subcommands: [Info.self, Prune.self], defaultSubcommand: Info.self)

    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disk used by the activation store (per model, layer and kind) and the stage cache.")
        @Option(help: "Runs directory.") var runsDir = StorageOptions.defaultRunsDirectory

        func run() throws {
            let root = URL(fileURLWithPath: runsDir)
            let store = ActivationStore(root: WeakToStrongPipeline.activationsDirectory(runsRoot: root))
            let usage = store.usage()
            print("activation store \(store.root.path):")
            if usage.namespaces.isEmpty { print("  (empty)") }
            let dates = DateFormatter()
            dates.dateFormat = "yyyy-MM-dd HH:mm"
            for n in usage.namespaces {
                let what = n.namespace.map { "\($0.model) layer \($0.layer), \($0.pooling == .mean ? "mean-pooled" : "token states"), \($0.precision.rawValue)" }
                    ?? n.folder
                let used = n.lastUsed.map { dates.string(from: $0) } ?? "–"
                print("  \(what.padding(toLength: 52, withPad: " ", startingAt: 0)) \(String(n.texts).leftPadded(7)) texts \(String(n.packs).leftPadded(5)) packs \(byteCount(n.bytes).leftPadded(9))  last used \(used)")
            }
            if usage.legacyFiles > 0 {
                print("  earlier layout: \(usage.legacyFiles) chunk files, \(byteCount(usage.legacyBytes)) (no longer read; `w2s cache prune` removes them)")
            }
            let stages = WeakToStrongPipeline.stageDirectory(runsRoot: root)
            let stageFiles = (try? FileManager.default.contentsOfDirectory(atPath: stages.path)) ?? []
            let stageBytes = stageFiles.reduce(Int64(0)) { total, name in
                total + (((try? FileManager.default.attributesOfItem(atPath: stages.appendingPathComponent(name).path))?[.size] as? NSNumber)?.int64Value ?? 0)
            }
            print("stage cache \(stages.path): \(stageFiles.count) files, \(byteCount(stageBytes))")
            print("total \(byteCount(usage.totalBytes + stageBytes))")
        }
    }

    struct Prune: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove least recently used activation packs (a run that needs one again recomputes it).",
            discussion: "Safe while runs are going: a pack removed under a run is recomputed by it. Stage results are kept (they are small and hold the finished training).")
        @Option(help: "Runs directory.") var runsDir = StorageOptions.defaultRunsDirectory
        @Option(help: "Keep at most this much (e.g. 20G, 500M).") var maxSize: String?
        @Option(help: "Remove packs not used for this many days.") var olderThan: Double?
        @Flag(help: "Say what would be removed, remove nothing.") var dryRun = false

        func validate() throws {
            if let maxSize, parseByteCount(maxSize) == nil {
                throw ValidationError("--max-size: write a size like 20G, 500M or 1000000 (got \(maxSize))")
            }
            if let olderThan, !(olderThan >= 0) { throw ValidationError("--older-than must be a number of days ≥ 0") }
        }

        func run() throws {
            let store = ActivationStore(root: WeakToStrongPipeline.activationsDirectory(runsRoot: URL(fileURLWithPath: runsDir)))
            let result = try store.prune(maxBytes: maxSize.flatMap(parseByteCount), olderThan: olderThan.map { $0 * 86_400 }, dryRun: dryRun)
            print("\(dryRun ? "would remove" : "removed") \(result.removedFiles) files (\(byteCount(result.removedBytes))); the activation store keeps \(byteCount(result.remainingBytes))")
        }
    }
}

func byteCount(_ bytes: Int64) -> String {
    ByteCountFormatter.string(fromByteCount: bytes, countStyle: .binary)
}

/// "20G", "500M", "64K" or a plain number of bytes (powers of 1024).
func parseByteCount(_ text: String) -> Int64? {
    let units: [Character: Int64] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
    var digits = text.uppercased()
    if digits.hasSuffix("B") { digits.removeLast() }
    var scale: Int64 = 1
    if let unit = digits.last, let factor = units[unit] { scale = factor; digits.removeLast() }
    guard let value = Double(digits), value >= 0, value.isFinite else { return nil }
    return Int64(value * Double(scale))
}

extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
