import XCTest
import Foundation
import Datasets
import Experiments
import Training
import Transformers
#if canImport(FoundationXML)
import FoundationXML
#endif

/// End-to-end weak-to-strong runs on small real subsets with real (truncated) pretrained models.
final class PipelineTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("w2s-pipeline-\(UUID())")
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    /// `--head-input`: raw is stored as "no field", so every finetuned run recorded before the choice existed (the
    /// committed benchmark runs among them) decodes to raw and keeps its name; standardised (the default) is another
    /// run; head mode has no such field.
    func testHeadInputKeepsTheNamesOfEarlierRuns() throws {
        let lora = ExperimentConfig(dataset: "sst2", mode: .lora)
        XCTAssertEqual(lora.finetunedHeadInput, .standardised)
        var object = try XCTUnwrap(try JSONSerialization.jsonObject(with: JSONEncoder().encode(lora)) as? [String: Any])
        XCTAssertEqual(object.removeValue(forKey: "headInput") as? String, "standardised")
        let earlier = try JSONDecoder().decode(ExperimentConfig.self, from: JSONSerialization.data(withJSONObject: object))
        XCTAssertEqual(earlier.finetunedHeadInput, .raw)
        XCTAssertEqual(earlier, ExperimentConfig(dataset: "sst2", mode: .lora, headInput: .raw))
        XCTAssertNotEqual(earlier.runName, lora.runName)
        XCTAssertNotEqual(earlier.setting, lora.setting, "a different head input is a different setting: arms do not pair across it")
        XCTAssertNil(ExperimentConfig(dataset: "sst2", mode: .head, headInput: .standardised).headInput)
        XCTAssertNil(ExperimentConfig(dataset: "sst2", mode: .head).finetunedHeadInput)

        // The committed finetuned runs: each config still hashes to its folder's name; those written before the
        // field existed (no "headInput" key) read as raw.
        let committed = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/benchmark/informative/runs")
        let folders = try FileManager.default.contentsOfDirectory(atPath: committed.path).filter { $0.contains("-lora-") }
        var earlierRuns = 0
        for folder in folders {
            let data = try Data(contentsOf: committed.appendingPathComponent("\(folder)/config.json"))
            let config = try JSONDecoder().decode(ExperimentConfig.self, from: data)
            let stored = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            if stored["headInput"] == nil {
                earlierRuns += 1
                XCTAssertEqual(config.finetunedHeadInput, .raw, folder)
            } else {
                XCTAssertEqual(config.finetunedHeadInput, .standardised, folder)
            }
            XCTAssertEqual(config.runName, folder)
        }
        XCTAssertGreaterThan(earlierRuns, 10)
    }

    func config(mode: TrainingMode = .head, losses: [LossKind] = [.xent, .logconf()]) -> ExperimentConfig {
        var c = ExperimentConfig(dataset: "sst2", sizes: SplitSizes(weakTrain: 240, strongTrain: 240, validation: 120, test: 240),
                                 seed: 3, weakModel: "all-MiniLM-L6-v2@2", strongModel: "all-mpnet-base-v2@6", mode: mode,
                                 losses: losses, maxLength: 64)
        if mode != .head {
            c = ExperimentConfig(dataset: "sst2", sizes: SplitSizes(weakTrain: 48, strongTrain: 48, validation: 32, test: 48),
                                 seed: 3, weakModel: "all-MiniLM-L6-v2@1", strongModel: "all-MiniLM-L6-v2@2", mode: mode,
                                 losses: losses, maxLength: 24)
            c.weakTraining.epochs = 1; c.strongTraining.epochs = 1
            c.weakTraining.evalEvery = 1; c.strongTraining.evalEvery = 1
        }
        return c
    }

    func pipeline(_ c: ExperimentConfig, in directory: URL) throws -> WeakToStrongPipeline {
        WeakToStrongPipeline(config: c, runsRoot: directory, dataDirectory: try DataDirectory.resolve(nil),
                             progress: ProgressDisplay(quiet: true))
    }

    func testHeadRunEndToEndIsSaneDeterministicAndResumable() throws {
        let c = config()
        let storeA = try RunStore(root: root.appendingPathComponent("a"))
        let a = try pipeline(c, in: root.appendingPathComponent("a")).run()

        // Sanity on real data: the strong ceiling beats the weak supervisor, PGR is finite.
        XCTAssertGreaterThan(a.ceiling.auc, a.weak.auc, "ceiling should beat the 2-layer weak model on SST-2")
        XCTAssertGreaterThan(a.weak.auc, 0.6)
        for s in a.students {
            XCTAssertNotNil(s.pgrAUC)
            XCTAssertTrue(s.pgrAUC!.isFinite)
            XCTAssertGreaterThan(s.test.auc, 0.6)
            XCTAssertGreaterThanOrEqual(s.training!.oracleStopAUC!, s.test.auc - 1e-9, "the oracle stop is the best test AUC seen")
            let interval = try XCTUnwrap(s.pgrAUCInterval, "every student's PGR comes with its bootstrap interval")
            XCTAssertLessThan(interval.lower, s.pgrAUC!)
            XCTAssertGreaterThan(interval.upper, s.pgrAUC!)
        }
        XCTAssertEqual(a.students.map(\.arm.id), ["student-xent", "student-logconf"])
        let runDirectory = root.appendingPathComponent("a/\(c.runName)")
        for file in ["config.json", "record.json", "splits.json", "metrics.json", "predictions.csv", "curves.csv", "results.md", "curves.svg", "pgr.svg"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: runDirectory.appendingPathComponent(file).path), file)
        }
        for chart in ["curves.svg", "pgr.svg"] {
            let data = try Data(contentsOf: runDirectory.appendingPathComponent(chart))
            XCTAssertTrue(XMLParser(data: data).parse(), "\(chart) must be well-formed SVG")
        }
        let curves = try String(contentsOf: runDirectory.appendingPathComponent("curves.svg"), encoding: .utf8)
        XCTAssertEqual(curves.components(separatedBy: "<polyline").count - 1, 8, "validation and test curve for 4 stages")
        XCTAssertEqual(storeA.runs().first?.status, .finished)
        XCTAssertTrue(try storeA.metrics(runID: c.runName).contains { $0.stage == "student-logconf" && $0.name == "pgr_auc" })
        XCTAssertTrue(try storeA.metrics(runID: c.runName).contains { $0.stage == "student-logconf" && $0.name == "pgr_auc_ci_high" })
        // The ceiling − weak gap is stored with its interval, which holds it.
        let ceiling = Dictionary(uniqueKeysWithValues: try storeA.metrics(runID: c.runName).filter { $0.stage == "ceiling" }.map { ($0.name, $0.value) })
        let gap = try XCTUnwrap(ceiling["gap_auc"]), low = try XCTUnwrap(ceiling["gap_auc_ci_low"]), high = try XCTUnwrap(ceiling["gap_auc_ci_high"])
        XCTAssertEqual(gap, ceiling["test_auc"]! - (try storeA.metrics(runID: c.runName).first { $0.stage == "weak" && $0.name == "test_auc" }!.value), accuracy: 1e-12)
        XCTAssertLessThanOrEqual(low, gap)
        XCTAssertGreaterThanOrEqual(high, gap)
        // Every stage has its CPU seconds beside its wall time; embedding took some, within what the cores allow.
        let timings = try XCTUnwrap(storeA.runs().first { $0.id == c.runName }).timings
        XCTAssertFalse(timings.isEmpty)
        for (stage, t) in timings { XCTAssertNotNil(t.cpuSeconds, stage) }
        let embedding = try XCTUnwrap(timings.first { $0.key.hasPrefix("activations") && !$0.value.cached }?.value)
        XCTAssertGreaterThan(embedding.cpuSeconds!, 0)
        XCTAssertLessThanOrEqual(embedding.cpuSeconds!, embedding.seconds * Double(ProcessInfo.processInfo.activeProcessorCount) + 0.5)

        // The same seed in a fresh directory gives byte-identical predictions.
        let b = try pipeline(c, in: root.appendingPathComponent("b")).run()
        let predictionsA = try String(contentsOf: runDirectory.appendingPathComponent("predictions.csv"), encoding: .utf8)
        let bDirectory = root.appendingPathComponent("b/\(c.runName)")
        XCTAssertEqual(try String(contentsOf: bDirectory.appendingPathComponent("predictions.csv"), encoding: .utf8), predictionsA)
        XCTAssertEqual(b.students.map(\.test.auc), a.students.map(\.test.auc))

        // A run killed after its first stages resumes: delete what had not finished, rerun, same result.
        let stageCache = root.appendingPathComponent("b/.cache/stages")
        let weakStage = try JSONDecoder().decode(StageOutput.self, from: Data(contentsOf: bDirectory.appendingPathComponent("stages/weak (all-MiniLM-L6-v2@2).json")))
        for file in try FileManager.default.contentsOfDirectory(atPath: stageCache.path) where !file.hasPrefix(weakStage.key) {
            try FileManager.default.removeItem(at: stageCache.appendingPathComponent(file))
        }
        try FileManager.default.removeItem(at: bDirectory.appendingPathComponent("metrics.json"))
        try FileManager.default.removeItem(at: bDirectory.appendingPathComponent("predictions.csv"))
        let resumed = try pipeline(c, in: root.appendingPathComponent("b")).run()
        XCTAssertEqual(resumed.cachedStages, ["weak (all-MiniLM-L6-v2@2)"])
        XCTAssertEqual(try String(contentsOf: bDirectory.appendingPathComponent("predictions.csv"), encoding: .utf8), predictionsA)

        // A rerun of a finished run recomputes nothing.
        let again = try pipeline(c, in: root.appendingPathComponent("b")).run()
        XCTAssertEqual(again.cachedStages.count, 4)
    }

    func testAnotherSeedChangesSplitsAndPredictions() throws {
        var c = config(losses: [.xent])
        c.sizes = SplitSizes(weakTrain: 120, strongTrain: 120, validation: 80, test: 120)
        let first = try pipeline(c, in: root).splits()
        c.seed = 4
        let second = try pipeline(c, in: root).splits()
        XCTAssertNotEqual(first.test.map(\.id), second.test.map(\.id))
    }

    func testLoRARunTrainsAdaptersEndToEnd() throws {
        let c = config(mode: .lora, losses: [.xent])
        let summary = try pipeline(c, in: root).run()
        XCTAssertTrue(summary.weak.auc.isFinite && summary.ceiling.auc.isFinite)
        XCTAssertTrue(summary.students[0].test.auc.isFinite)
        func stage(_ name: String) throws -> StageOutput {
            try JSONDecoder().decode(StageOutput.self, from: Data(contentsOf: root.appendingPathComponent("\(c.runName)/stages/\(name).json")))
        }
        let ceiling = try stage("ceiling (all-MiniLM-L6-v2@2)")
        XCTAssertGreaterThan(ceiling.training.curve.count, 2)
        XCTAssertEqual(ceiling.training.totalSteps, 2)  // 48 examples, batch 32, 1 epoch
        // Finetuned stages that learn ground truth skip the test-AUC curve (its cost); a student keeps it for its stop
        // rules, whose oracle is the best test AUC it saw.
        for reference in [ceiling, try stage("weak (all-MiniLM-L6-v2@1)")] {
            XCTAssertTrue(reference.training.curve.allSatisfy { $0.analysisAUC == nil && $0.validationAUC != nil }, reference.stage)
        }
        let student = try stage("student-xent (all-MiniLM-L6-v2@2)")
        XCTAssertEqual(student.training.curve.compactMap(\.analysisAUC).count, student.training.curve.count)
        XCTAssertEqual(summary.students[0].training?.oracleStopAUC, student.training.curve.compactMap(\.analysisAUC).max())
        // The chart draws what was recorded: validation curves of the three stages, the student's test curve.
        let chart = try String(contentsOf: root.appendingPathComponent("\(c.runName)/curves.svg"), encoding: .utf8)
        XCTAssertEqual(chart.components(separatedBy: "<polyline").count - 1, 4)
        XCTAssertFalse(chart.contains("ceiling test"), "no legend entry for a curve not recorded")
    }

    /// The linearity analysis probes the finetuned student's exported features. A student stage finished by a run
    /// that did not export them (no `--methods linearity`) is not reused: it runs again and writes them, with the
    /// same predictions, so ft(weak)+lp(gt) is always there.
    func testLinearityAfterARunWithoutItRetrainsTheStudentForItsFeatures() throws {
        var c = config(mode: .lora, losses: [.xent])
        let plain = try pipeline(c, in: root).run()
        c.methods = [.linearity]
        let withLinearity = try pipeline(c, in: root).run()
        XCTAssertEqual(Set(withLinearity.cachedStages), ["weak (all-MiniLM-L6-v2@1)", "ceiling (all-MiniLM-L6-v2@2)"])
        XCTAssertEqual(withLinearity.students[0].test.auc, plain.students[0].test.auc)
        let row = try XCTUnwrap(withLinearity.methods.first { $0.arm.methodParts == ("linearity", "ft(weak)+lp(gt)") })
        XCTAssertEqual(row.note, "probe on the weak-finetuned student's activations")
        XCTAssertTrue(row.test.auc.isFinite)
        // Now the features exist: a third run reuses every stage.
        XCTAssertEqual(try pipeline(c, in: root).run().cachedStages.count, 3)
    }

    /// Top-K-layer finetuning end to end with the real binary: `kill -9` once the frozen layers' first token states are
    /// on disk, run again, and the results equal an uninterrupted run's; a third run computes nothing.
    func testTopLayerRunKilledMidwayResumesToTheSameResult() throws {
        let binary = try w2sBinary()
        func w2s(_ runs: URL, wait: Bool = true) throws -> Process {
            let process = Process()
            process.executableURL = binary
            process.arguments = ["run", "--dataset", "sst2", "--mode", "lora", "--train-layers", "1", "--weak", "all-MiniLM-L6-v2@2",
                                 "--strong", "all-MiniLM-L6-v2@3", "--sizes", "48,48,32,48", "--max-length", "24", "--epochs", "1",
                                 "--eval-every", "1", "--loss", "xent", "--quiet", "--runs-dir", runs.path]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            if wait { process.waitUntilExit() }
            return process
        }
        func predictions(_ runs: URL) throws -> String {
            let run = try FileManager.default.contentsOfDirectory(atPath: runs.path).first { $0.hasPrefix("sst2-lora") }!
            return try String(contentsOf: runs.appendingPathComponent("\(run)/predictions.csv"), encoding: .utf8)
        }
        let reference = root.appendingPathComponent("reference"), killed = root.appendingPathComponent("killed")
        XCTAssertEqual(try w2s(reference).terminationStatus, 0)

        let process = try w2s(killed, wait: false)
        let activations = killed.appendingPathComponent(".cache/activations")
        let deadline = Date().addingTimeInterval(120)
        func packs() -> Int {
            ((try? FileManager.default.subpathsOfDirectory(atPath: activations.path)) ?? []).filter { $0.hasSuffix(".pack") }.count
        }
        while packs() == 0, process.isRunning, Date() < deadline { usleep(2_000) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .uncaughtSignal, "killed midway, not finished")
        XCTAssertEqual(try w2s(killed).terminationStatus, 0)
        XCTAssertEqual(try predictions(killed), try predictions(reference))

        let packsBefore = packs()
        XCTAssertEqual(try w2s(killed).terminationStatus, 0)
        XCTAssertEqual(packs(), packsBefore, "nothing recomputed")
    }

    func testMissingModelFailsWithInstallHint() throws {
        var c = config()
        c.strongModel = "no-such-model"
        XCTAssertThrowsError(try pipeline(c, in: root).run()) { error in
            XCTAssertTrue("\(error)".contains("unknown model") || "\(error)".contains("models install"), "\(error)")
        }
    }

    /// A researcher's own CSV (here: real SST-2 sentences under other column names) runs end to end; editing
    /// the file makes a new experiment instead of reusing results computed on the old contents.
    func testUserFileRunsEndToEndAndAnEditIsANewExperiment() throws {
        let pool = try DatasetRegistry.standard.pools("sst2", dataDirectory: try DataDirectory.resolve(nil)).train!
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let file = root.appendingPathComponent("my_reviews.csv")
        var csv = "review,sentiment\n"
        for e in pool.prefix(600) {
            csv += "\"\(e.text.replacingOccurrences(of: "\"", with: "\"\""))\",\(e.label == 1 ? "positive" : "negative")\n"
        }
        try csv.write(to: file, atomically: true, encoding: .utf8)
        let format = UserDatasetFormat(textColumn: "review", labelColumn: "sentiment")
        let source = try UserDataSource(file: file, format: format)
        XCTAssertEqual(source.name, "my_reviews")
        var c = ExperimentConfig(dataset: source.name, sizes: SplitSizes(weakTrain: 120, strongTrain: 120, validation: 60, test: 120),
                                 seed: 0, weakModel: "all-MiniLM-L6-v2@1", strongModel: "all-MiniLM-L6-v2", losses: [.xent],
                                 maxLength: 48, userData: source)
        c.weakTraining.evalEvery = 2; c.strongTraining.evalEvery = 2
        let summary = try pipeline(c, in: root).run()
        XCTAssertEqual(summary.splitCounts, ["weak_train": 120, "strong_train": 120, "validation": 60, "test": 120])
        XCTAssertGreaterThan(summary.ceiling.auc, 0.6, "MiniLM on SST-2 sentences should beat chance")
        XCTAssertTrue(summary.students[0].pgrAUC?.isFinite ?? true)
        let splits = try pipeline(c, in: root).splits()
        XCTAssertTrue(splits.test.allSatisfy { $0.id.hasPrefix("my_reviews-") })
        // "negative" < "positive": the first class name sorted is 0.
        let positives = Set(pool.prefix(600).filter { $0.label == 1 }.map(\.text))
        XCTAssertTrue(splits.test.allSatisfy { ($0.label == 1) == positives.contains($0.text) })

        try (csv + "\"one more line\",positive\n").write(to: file, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try source.splits(sizes: c.sizes, seed: 0)) { error in
            XCTAssertTrue("\(error)".contains("changed since"), "\(error)")
        }
        var edited = c
        edited.userData = try UserDataSource(file: file, format: format)
        XCTAssertNotEqual(edited.runName, c.runName)
        XCTAssertThrowsError(try UserDataSource(file: root.appendingPathComponent("absent.csv"))) { error in
            XCTAssertTrue("\(error)".contains("absent.csv") && "\(error)".contains("no such file"), "\(error)")
        }
    }

    /// Stages and activations are keyed by the models' content, not their names: a checkpoint whose weights
    /// change (here a researcher's own copy, which has no pinned hash to be refused by) recomputes everything.
    func testStagesAndActivationsAreKeyedByModelContent() throws {
        let models = root.appendingPathComponent("models"), copy = models.appendingPathComponent("my-minilm")
        try FileManager.default.createDirectory(at: models, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: ModelStore().directory("all-MiniLM-L6-v2"), to: copy)
        for marker in [".w2s-verified.json", ".w2s-installed"] { try? FileManager.default.removeItem(at: copy.appendingPathComponent(marker)) }
        let store = ModelStore(root: models)
        var c = config(losses: [.xent])
        c.weakModel = "my-minilm@1"; c.strongModel = "my-minilm@2"
        c.sizes = SplitSizes(weakTrain: 60, strongTrain: 60, validation: 40, test: 60)
        func run() throws -> RunSummary {
            try WeakToStrongPipeline(config: c, runsRoot: root.appendingPathComponent("runs"), dataDirectory: try DataDirectory.resolve(nil),
                                     models: store, progress: ProgressDisplay(quiet: true)).run()
        }
        let first = try run()
        XCTAssertEqual(try run().cachedStages.count, 3, "unchanged weights: everything cached")
        // One namespace (model content, layer, pooling) per layer in the activation store.
        let namespaces = { ActivationStore(root: self.root.appendingPathComponent("runs/.cache/activations")).usage().namespaces }
        let namespacesBefore = namespaces()
        XCTAssertEqual(namespacesBefore.count, 2, "layers 1 and 2 of my-minilm")
        let before = try store.identity(ModelReference(name: "my-minilm"))
        // Flip one byte in the middle of the weights.
        let weights = copy.appendingPathComponent("model.safetensors")
        let handle = try FileHandle(forUpdating: weights)
        let middle = try handle.seekToEnd() / 2
        try handle.seek(toOffset: middle)
        let byte = try XCTUnwrap(handle.readData(ofLength: 1).first)
        try handle.seek(toOffset: middle)
        try handle.write(contentsOf: Data([byte ^ 0x40]))
        try handle.close()
        XCTAssertNotEqual(try store.identity(ModelReference(name: "my-minilm")), before)
        let pipeline = WeakToStrongPipeline(config: c, runsRoot: root.appendingPathComponent("runs"), dataDirectory: try DataDirectory.resolve(nil),
                                            models: store, progress: ProgressDisplay(quiet: true))
        let second = try pipeline.run()
        XCTAssertEqual(second.cachedStages, [], "new weights: no stage may come from the old weights' cache")
        XCTAssertEqual(namespaces().count, 2 * namespacesBefore.count, "activations are recomputed, none reused")
        XCTAssertEqual(pipeline.activations.store.computedTexts, namespacesBefore.map(\.texts).reduce(0, +), "every text embedded again")
        XCTAssertEqual(second.runName, first.runName)
    }
}
