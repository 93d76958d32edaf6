import XCTest
import Foundation
import Analysis
import Datasets
import Experiments
import Training
#if canImport(FoundationXML)
import FoundationXML
#endif

final class ComparisonTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("w2s-compare-\(UUID())")
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    /// A finished run of `dataset`/`seed` at the default setting, with the given arm metrics.
    @discardableResult
    func record(_ store: RunStore, _ id: String, created: String, dataset: String, seed: Int = 0, mode: TrainingMode = .head,
                status: RunRecord.Status = .finished, _ metrics: [String: [String: Double]]) throws -> RunRecord {
        var r = RunRecord(config: ExperimentConfig(dataset: dataset, seed: UInt64(seed), mode: mode))
        r.id = id; r.created = created; r.status = status; r.metrics = metrics
        try store.write(r)
        return r
    }

    func label(_ dataset: String, seed: Int? = nil) -> String {
        "\(dataset)\(seed.map { " s\($0)" } ?? "") all-MiniLM-L6-v2→all-mpnet-base-v2 head"
    }

    func testArmsArePairedByFinishedRunAndTested() throws {
        let store = try RunStore(root: root)
        let xent = [0.80, 0.70, 0.90, 0.60], logconf = [0.84, 0.71, 0.93, 0.66]
        for (i, dataset) in ["sst2", "boolq", "sciq", "anli", "cola"].enumerated() {
            // The unfinished run must be ignored; one finished run lacks the baseline.
            var metrics = ["student-logconf": ["test_auc": i < 4 ? logconf[i] : 0.1]]
            if i < 4 && i != 2 || i == 4 { metrics["student-xent"] = ["test_auc": i < 4 ? xent[i] : 0.9] }
            try record(store, "run\(i)", created: "a", dataset: dataset, status: i == 4 ? .running : .finished, metrics)
        }
        let result = try store.compare(metric: "test_auc", baseline: "student-xent", unit: .seed)
        XCTAssertEqual(result.count, 1)
        let c = result[0]
        XCTAssertEqual(c.arm, "student-logconf")
        XCTAssertEqual(c.unit, .seed)
        XCTAssertEqual(c.pairs.map(\.run), [label("anli", seed: 0), label("boolq", seed: 0), label("sst2", seed: 0)])
        XCTAssertEqual(c.meanDifference, (0.04 + 0.01 + 0.06) / 3, accuracy: 1e-12)
        XCTAssertEqual(c.tTest!.pValue, pairedTTest([0.66, 0.71, 0.84], [0.60, 0.70, 0.80]).pValue, accuracy: 1e-15)
        XCTAssertEqual(c.wilcoxon!.pValue, 0.25, accuracy: 1e-12)   // all 3 positive: exact p = 2 / 2³
        // The same setting run again later: its newer values replace the older ones, no extra pair.
        try record(store, "rerun", created: "z", dataset: "sst2", ["student-logconf": ["test_auc": 0.85]])
        let again = try store.compare(metric: "test_auc", baseline: "student-xent", unit: .seed)[0]
        XCTAssertEqual(again.pairs.count, 3)
        XCTAssertEqual(again.pairs.last!.arm, 0.85)
        XCTAssertThrowsError(try store.compare(metric: "test_auc", baseline: "student-nothing")) { error in
            XCTAssertTrue("\(error)".contains("student-nothing"))
        }
    }

    /// By default the unit is the dataset: seeds are averaged first (over the seeds where both arms ran); one-sided
    /// p-values halve the two-sided ones in the observed direction.
    func testDatasetIsTheDefaultUnitAndOneSidedTests() throws {
        let store = try RunStore(root: root)
        // (dataset, seed, xent, logconf)
        let rows: [(String, Int, Double, Double)] = [("sst2", 0, 0.80, 0.90), ("sst2", 1, 0.70, 0.74),
                                                     ("boolq", 0, 0.60, 0.61), ("sciq", 0, 0.50, 0.58), ("sciq", 1, 0.52, 0.50)]
        for (i, row) in rows.enumerated() {
            try record(store, "run\(i)", created: "\(i)", dataset: row.0, seed: row.1,
                       ["student-xent": ["test_auc": row.2], "student-logconf": ["test_auc": row.3]])
        }
        // A seed with the arm but not the baseline stays out of both means.
        try record(store, "extra", created: "9", dataset: "sst2", seed: 2, ["student-logconf": ["test_auc": 0.10]])
        let perRun = try store.compare(metric: "test_auc", baseline: "student-xent", unit: .seed)[0]
        XCTAssertEqual(perRun.pairs.count, 5)
        let averaged = try store.compare(metric: "test_auc", baseline: "student-xent")[0]
        XCTAssertEqual(averaged.unit, .dataset)
        XCTAssertEqual(averaged.pairs.map(\.run), [label("boolq"), label("sciq"), label("sst2")])
        for (pair, expected) in zip(averaged.pairs, [(0.61, 0.60), (0.54, 0.51), (0.82, 0.75)]) {
            XCTAssertEqual(pair.arm, expected.0, accuracy: 1e-12)
            XCTAssertEqual(pair.baseline, expected.1, accuracy: 1e-12)
        }
        XCTAssertEqual(averaged.meanDifference, (0.01 + 0.03 + 0.07) / 3, accuracy: 1e-12)
        let greater = try store.compare(metric: "test_auc", baseline: "student-xent", alternative: .greater)[0]
        XCTAssertEqual(greater.tTest!.pValue, averaged.tTest!.pValue / 2, accuracy: 1e-12)
        XCTAssertEqual(greater.wilcoxon!.pValue, 0.125, accuracy: 1e-12)   // all 3 positive: exact one-sided p = 1 / 2³
        let less = try store.compare(metric: "test_auc", baseline: "student-xent", alternative: .less)[0]
        XCTAssertEqual(less.tTest!.pValue, 1 - greater.tTest!.pValue, accuracy: 1e-12)

        // The chart shows the baseline and the arm for each of the three datasets, as well-formed SVG.
        let svg = ArmComparison.chart([averaged])
        XCTAssertTrue(XMLParser(data: Data(svg.utf8)).parse())
        XCTAssertEqual(svg.components(separatedBy: "<rect x=").count - 1, 6)
        XCTAssertTrue(svg.contains("\(label("sciq")) · student-logconf"))
    }

    /// The sequence from the issue, run for real: `--sizes 60,60,30,60 --loss xent,logconf`, then
    /// `--sizes 80,80,30,80 --loss logconf --alpha-warmup 0.6`. The second run's logconf is another arm
    /// (its α ramp differs) at another setting (its sizes differ): it must never pair with the first run's xent.
    /// `mode:` keeps one training mode's runs: pooled, a dataset run in head mode and with LoRA is two pairs.
    func testComparisonWithinOneTrainingMode() throws {
        let store = try RunStore(root: root)
        for (dataset, head, lora) in [("sst2", 0.02, 0.05), ("boolq", -0.01, 0.03), ("wic", 0.01, -0.02)] {
            for (mode, difference) in [(TrainingMode.head, head), (.lora, lora)] {
                try record(store, "\(dataset)-\(mode.rawValue)", created: "2025-01-01T00:00:00Z", dataset: dataset, mode: mode,
                           ["student-xent": ["test_auc": 0.7], "student-logconf": ["test_auc": 0.7 + difference]])
            }
        }
        func logconf(_ mode: TrainingMode?) throws -> ArmComparison {
            try XCTUnwrap(try store.compare(metric: "test_auc", baseline: "student-xent", mode: mode).first { $0.arm == "student-logconf" })
        }
        XCTAssertEqual(try logconf(nil).pairs.count, 6)
        XCTAssertEqual(try logconf(.head).pairs.count, 3)
        XCTAssertEqual(try logconf(.head).meanDifference, 0.02 / 3, accuracy: 1e-12)
        XCTAssertEqual(try logconf(.lora).meanDifference, 0.06 / 3, accuracy: 1e-12)
        XCTAssertEqual(try logconf(.lora).pairs.filter { $0.arm > $0.baseline }.count, 2)
        XCTAssertThrowsError(try store.compare(metric: "test_auc", baseline: "student-xent", mode: .full), "no run in full mode")
        XCTAssertEqual(store.runs(dataset: "wic", mode: .lora).map(\.id), ["wic-lora"])
    }

    /// `--established-gap` keeps the dataset settings whose ceiling − weak interval excludes 0 on every seed, each seed
    /// read from its newest run; a setting with a seed without an interval is judged by the seeds that have one, one
    /// without any is left out.
    func testEstablishedGapKeepsSettingsWhoseIntervalExcludesZeroOnEverySeed() throws {
        let store = try RunStore(root: root)
        func arms(gapLow: Double?, logconf: Double) -> [String: [String: Double]] {
            ["ceiling": gapLow.map { ["test_auc": 0.9, RunRecord.gapLowerEndMetric: $0] } ?? ["test_auc": 0.9],
             "student-xent": ["pgr_auc": 0.5], "student-logconf": ["pgr_auc": logconf]]
        }
        // sst2: both seeds above 0. boolq: seed 1 below. sciq: seed 0's first run below, its rerun above. wic: none.
        try record(store, "sst2-0", created: "1", dataset: "sst2", seed: 0, arms(gapLow: 0.02, logconf: 0.6))
        try record(store, "sst2-1", created: "1", dataset: "sst2", seed: 1, arms(gapLow: 0.01, logconf: 0.7))
        try record(store, "boolq-0", created: "1", dataset: "boolq", seed: 0, arms(gapLow: 0.03, logconf: 9))
        try record(store, "boolq-1", created: "1", dataset: "boolq", seed: 1, arms(gapLow: -0.01, logconf: 9))
        try record(store, "sciq-0-old", created: "1", dataset: "sciq", seed: 0, arms(gapLow: -0.02, logconf: 0.4))
        try record(store, "sciq-0-new", created: "2", dataset: "sciq", seed: 0, arms(gapLow: 0.04, logconf: 0.4))
        try record(store, "wic-0", created: "1", dataset: "wic", seed: 0, arms(gapLow: nil, logconf: 9))
        try record(store, "anli-0", created: "1", dataset: "anli", seed: 0, status: .failed, arms(gapLow: 0.5, logconf: 9))
        let runs = store.runs()
        let kept = RunRecord.withEstablishedGap(runs)
        XCTAssertEqual(Set(kept.map(\.dataset)), ["sst2", "sciq"])
        XCTAssertEqual(RunRecord.settingsWithEstablishedGap(runs).count, 2)
        let c = try XCTUnwrap(try ArmComparison.compare(kept, metric: "pgr_auc", baseline: "student-xent").first { $0.arm == "student-logconf" })
        XCTAssertEqual(c.pairs.map(\.run), [label("sciq"), label("sst2")])
        XCTAssertEqual(c.meanDifference, (-0.1 + 0.15) / 2, accuracy: 1e-12)
        XCTAssertTrue(RunRecord.gapEstablished(lowerEnds: [0.01, 0.2]))
        XCTAssertFalse(RunRecord.gapEstablished(lowerEnds: [0.01, 0]))
        XCTAssertFalse(RunRecord.gapEstablished(lowerEnds: []))
    }

    /// Linearity rows that restate another arm (ft(weak): the student; ft(gt): the ceiling; in head mode ft(weak)+lp(gt):
    /// lp(gt)) are not compared; the rows that measure something are.
    func testArmsThatRestateAnotherAreNotCompared() throws {
        let store = try RunStore(root: root)
        for (dataset, mode) in [("sst2", TrainingMode.head), ("sst2", .lora), ("boolq", .head), ("boolq", .lora)] {
            var metrics: [String: [String: Double]] = ["student-xent": ["test_auc": 0.8]]
            for (i, arm) in [Arm.Linearity.probeWeak, Arm.Linearity.probeTruth, Arm.Linearity.finetunedWeak, Arm.Linearity.finetunedWeakProbeTruth, Arm.Linearity.finetunedTruth].enumerated() {
                metrics[arm.id] = ["test_auc": 0.75 + 0.02 * Double(i), "misfit": 0.01 * Double(i + 1), "gain_auc": 0.02 * Double(i)]
            }
            try record(store, "\(dataset)-\(mode.rawValue)", created: "1", dataset: dataset, mode: mode, metrics)
        }
        func arms(_ mode: TrainingMode) throws -> [String] {
            try store.compare(metric: "test_auc", baseline: "student-xent", mode: mode).map(\.arm)
        }
        XCTAssertEqual(try arms(.head), ["method:linearity:lp(gt)", "method:linearity:lp(weak)"])
        XCTAssertEqual(try arms(.lora), ["method:linearity:ft(weak)+lp(gt)", "method:linearity:lp(gt)", "method:linearity:lp(weak)"])
        // Misfit against gain likewise, its pooled row included.
        XCTAssertEqual(MisfitGain.compute(store.runs(dataset: nil, mode: .head)).map(\.arm),
                       ["method:linearity:lp(gt)", "method:linearity:lp(weak)", MisfitGain.pooledName])
        XCTAssertEqual(MisfitGain.compute(store.runs(dataset: nil, mode: .head)).last?.points.count, 4)
        XCTAssertEqual(Arm.restatement(of: "method:linearity:ft(gt)", mode: "lora"), "the ceiling")
        XCTAssertNil(Arm.restatement(of: "student-logconf", mode: "head"))
    }

    /// Holm's adjustment runs over the arms tested against the baseline, not over weak and ceiling (reference points).
    func testHolmAdjustsOverTheArmsButNotTheReferencePoints() throws {
        let store = try RunStore(root: root)
        // Four datasets; logconf beats xent on all, entropy on three, window on two.
        let gains: [String: [Double]] = ["student-logconf": [0.04, 0.03, 0.05, 0.02], "student-entropy": [0.01, 0.02, -0.01, 0.03],
                                         "student-window": [-0.02, 0.01, 0.02, -0.03], "weak": [-0.1, -0.2, -0.1, -0.15], "ceiling": [0.1, 0.2, 0.1, 0.15]]
        for (i, dataset) in ["sst2", "boolq", "sciq", "cola"].enumerated() {
            var metrics = ["student-xent": ["test_auc": 0.7]]
            for (arm, g) in gains { metrics[arm] = ["test_auc": 0.7 + g[i]] }
            try record(store, "run\(i)", created: "1", dataset: dataset, metrics)
        }
        let result = try store.compare(metric: "test_auc", baseline: "student-xent", alternative: .greater)
        XCTAssertEqual(ArmComparison.familySize(result), 3)
        let byArm = Dictionary(uniqueKeysWithValues: result.map { ($0.arm, $0) })
        XCTAssertNil(byArm["weak"]!.tTestHolm); XCTAssertNil(byArm["ceiling"]!.wilcoxonHolm)
        let arms = ["student-entropy", "student-logconf", "student-window"]
        let expectedT = holmAdjusted(arms.map { byArm[$0]!.tTest?.pValue }), expectedW = holmAdjusted(arms.map { byArm[$0]!.wilcoxon?.pValue })
        for (k, arm) in arms.enumerated() {
            XCTAssertEqual(byArm[arm]!.tTestHolm, expectedT[k]); XCTAssertEqual(byArm[arm]!.wilcoxonHolm, expectedW[k])
            XCTAssertGreaterThanOrEqual(byArm[arm]!.wilcoxonHolm!, byArm[arm]!.wilcoxon!.pValue)
        }
        // logconf wins on all four: exact one-sided p = 1/16, the smallest of three, so ×3.
        XCTAssertEqual(byArm["student-logconf"]!.wilcoxon!.pValue, 1.0 / 16, accuracy: 1e-15)
        XCTAssertEqual(byArm["student-logconf"]!.wilcoxonHolm!, 3.0 / 16, accuracy: 1e-15)
        XCTAssertTrue(Arm.isReferencePoint(Arm.weakMember("all-MiniLM-L6-v2").id))
        XCTAssertFalse(Arm.isReferencePoint("student-xent"))
    }

    /// Seeds are averaged in seed order, not in a dictionary's (which changes from process to process): with values
    /// whose sum depends on the order, 1e16 + 1 − 1e16 is 0 in seed order but 1 when the two large ones cancel first.
    /// Without the order, each of the eight datasets has a one-in-three chance of a mean of 1/3 instead of 0.
    func testSeedsAreAveragedInSeedOrder() throws {
        let store = try RunStore(root: root)
        for d in 0..<8 {
            for (seed, value) in [1e16, 1, -1e16].enumerated() {
                try record(store, "d\(d)s\(seed)", created: "1", dataset: "dataset\(d)", seed: seed,
                           ["student-xent": ["test_auc": 0], "student-logconf": ["test_auc": value, "misfit": value, "gain_auc": value]])
            }
        }
        let c = try XCTUnwrap(try store.compare(metric: "test_auc", baseline: "student-xent").first { $0.arm == "student-logconf" })
        XCTAssertEqual(c.pairs.map(\.arm), [Double](repeating: 0, count: 8))
        let misfit = try XCTUnwrap(MisfitGain.compute(store.runs(dataset: nil, mode: nil)).first { $0.arm == "student-logconf" })
        XCTAssertEqual(misfit.points.map(\.misfit), [Double](repeating: 0, count: 8))
    }

    func testArmsPairOnlyWithinOneSetting() throws {
        func config(_ sizes: [Int], _ losses: [LossKind]) -> ExperimentConfig {
            var c = ExperimentConfig(dataset: "sst2", sizes: SplitSizes(weakTrain: sizes[0], strongTrain: sizes[1], validation: sizes[2], test: sizes[3]),
                                     seed: 0, weakModel: "all-MiniLM-L6-v2@1", strongModel: "all-MiniLM-L6-v2@2", losses: losses, maxLength: 32)
            c.weakTraining.evalEvery = 1; c.strongTraining.evalEvery = 1
            return c
        }
        let first = config([60, 60, 30, 60], [.xent, .logconf()])
        let second = config([80, 80, 30, 80], [.logconf(alphaMax: 0.5, warmupFraction: 0.6)])
        var summaries: [RunSummary] = []
        for c in [first, second] {
            summaries.append(try WeakToStrongPipeline(config: c, runsRoot: root, dataDirectory: try DataDirectory.resolve(nil),
                                                      progress: ProgressDisplay(quiet: true)).run())
        }
        XCTAssertEqual(summaries[1].students.map(\.arm.id), ["student-logconf(warm-up=0.6)"])
        XCTAssertNotEqual(first.setting, second.setting)
        XCTAssertEqual(first.setting, config([60, 60, 30, 60], [.window()]).setting, "losses are arms, not settings")

        let store = try RunStore(root: root)
        for unit in ComparisonUnit.allCases {
            let comparisons = try store.compare(metric: "test_auc", baseline: "student-xent", unit: unit).filter { $0.arm.hasPrefix("student") }
            XCTAssertEqual(comparisons.map(\.arm), ["student-logconf"], "\(unit): the warm-up 0.6 run has no xent baseline")
            XCTAssertEqual(comparisons[0].pairs.count, 1)
            XCTAssertEqual(comparisons[0].pairs[0].arm, summaries[0].students[1].test.auc, "the first run's own logconf")
            XCTAssertEqual(comparisons[0].pairs[0].baseline, summaries[0].students[0].test.auc)
        }
        // Plain logconf at the second run's sizes, later: the same arm name at another setting still never pairs.
        let later = try WeakToStrongPipeline(config: config([80, 80, 30, 80], [.logconf()]), runsRoot: root,
                                             dataDirectory: try DataDirectory.resolve(nil), progress: ProgressDisplay(quiet: true)).run()
        XCTAssertNotEqual(later.students[0].test.auc, summaries[0].students[1].test.auc)
        let logconf = try store.compare(metric: "test_auc", baseline: "student-xent").first { $0.arm == "student-logconf" }!
        XCTAssertEqual(logconf.pairs.map(\.arm), [summaries[0].students[1].test.auc])
        // A later run of the first setting with other losses shares its weak model and ceiling: its arms pair.
        let window = config([60, 60, 30, 60], [.window()])
        let third = try WeakToStrongPipeline(config: window, runsRoot: root, dataDirectory: try DataDirectory.resolve(nil),
                                             progress: ProgressDisplay(quiet: true)).run()
        XCTAssertTrue(third.cachedStages.contains("weak (all-MiniLM-L6-v2@1)"))
        let arms = try store.compare(metric: "test_auc", baseline: "student-xent").map(\.arm)
        XCTAssertEqual(arms, ["ceiling", "student-logconf", "student-window", "weak"])
    }
}
