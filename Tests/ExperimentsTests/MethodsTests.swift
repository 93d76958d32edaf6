import XCTest
import Foundation
import Analysis
import Datasets
import Experiments
import Training
import Transformers

/// The methods of issue 15 end to end on a small real SST-2 subset with real truncated pretrained models: the gce and
/// sce students, the confident-labels arm, the stop rules and the misfit diagnostic.
final class MethodsTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("w2s-methods-\(UUID())")
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    func config(confidentFraction: Double? = nil) -> ExperimentConfig {
        var settings = InterventionSettings()
        settings.confidentFraction = confidentFraction
        var c = ExperimentConfig(dataset: "sst2", sizes: SplitSizes(weakTrain: 160, strongTrain: 160, validation: 80, test: 160),
                                 seed: 2, weakModel: "all-MiniLM-L6-v2@1", strongModel: "all-MiniLM-L6-v2", mode: .head,
                                 losses: [.xent, .gce(), .sce()], maxLength: 48, methods: [.confident], interventions: settings)
        c.weakTraining.evalEvery = 1; c.strongTraining.evalEvery = 1
        return c
    }

    func run(_ c: ExperimentConfig) throws -> RunSummary {
        try WeakToStrongPipeline(config: c, runsRoot: root, dataDirectory: try DataDirectory.resolve(nil), progress: ProgressDisplay(quiet: true)).run()
    }

    func stage(_ c: ExperimentConfig, _ name: String) throws -> StageOutput {
        try JSONDecoder().decode(StageOutput.self, from: Data(contentsOf: root.appendingPathComponent("\(c.runName)/stages/\(name).json")))
    }

    func testLossesConfidentArmStopRulesAndMisfitEndToEnd() throws {
        let c = config()
        let summary = try run(c)
        XCTAssertEqual(summary.students.map(\.arm.id), ["student-xent", "student-gce", "student-sce"])
        let weak = try stage(c, "weak (all-MiniLM-L6-v2@1)")
        let record = try XCTUnwrap(try RunStore(root: root).runs().first { $0.id == c.runName })
        let labels = try WeakToStrongPipeline(config: c, runsRoot: root, dataDirectory: try DataDirectory.resolve(nil)).splits().test.map(\.label)

        for s in summary.students + summary.methods {
            XCTAssertGreaterThan(s.test.auc, 0.6, "\(s.arm) should learn SST-2")
            let out = try stage(c, s.arm.stage("all-MiniLM-L6-v2"))
            let t = try XCTUnwrap(s.training), curve = out.training.curve
            // Stop rules, read from the test AUC of every evaluation.
            XCTAssertEqual(curve.last!.step, t.totalSteps)
            XCTAssertEqual(t.lastStepAUC, curve.last!.analysisAUC)
            XCTAssertEqual(t.oracleStopAUC, curve.compactMap(\.analysisAUC).max())
            XCTAssertEqual(curve.first { $0.step == t.oracleStopStep }?.analysisAUC, t.oracleStopAUC)
            XCTAssertEqual(curve.first { $0.step == t.bestStep }!.analysisAUC!, s.test.auc, accuracy: 1e-9,
                           "the early-stopped model's test AUC is the one recorded at its step")
            XCTAssertEqual(t.lastStepPGR!, (t.lastStepAUC! - summary.weak.auc) / (summary.ceiling.auc - summary.weak.auc), accuracy: 1e-12)
            XCTAssertEqual(t.oracleStopPGR!, (t.oracleStopAUC! - summary.weak.auc) / (summary.ceiling.auc - summary.weak.auc), accuracy: 1e-12)
            // Misfit against the weak supervisor's test predictions.
            let misfit = Misfit(student: out.margins(.test), supervisor: weak.margins(.test))
            XCTAssertEqual(s.misfit, misfit)
            XCTAssertGreaterThan(misfit.squared, 0)
            let stored = try XCTUnwrap(record.metrics[s.arm.id])
            XCTAssertEqual(stored["misfit"], misfit.squared)
            XCTAssertEqual(stored["misfit_kl"], misfit.kl)
            XCTAssertEqual(stored["gain_auc"]!, s.test.auc - summary.weak.auc, accuracy: 1e-12)
            XCTAssertEqual(stored["gain_brier"]!, brierScore(margins: weak.margins(.test), labels: labels)
                           - brierScore(margins: out.margins(.test), labels: labels), accuracy: 1e-12)
            XCTAssertEqual(stored["last_step_auc"], t.lastStepAUC)
        }
        // The student losses really differ: three different students.
        XCTAssertEqual(Set(summary.students.map(\.misfit!.squared)).count, 3)

        // The confident arm trains on the most confident half of strong-train.
        let confident = try XCTUnwrap(summary.methods.first)
        XCTAssertEqual(confident.arm.id, "method:confident 50%:weak-label confidence (xent)")
        XCTAssertTrue(confident.note!.hasPrefix("kept 80 "), confident.note!)
        XCTAssertNotEqual(confident.test.auc, summary.students[0].test.auc)

        let results = try String(contentsOf: root.appendingPathComponent("\(c.runName)/results.md"), encoding: .utf8)
        XCTAssertTrue(results.contains("## Stop rules") && results.contains("## Misfit and gain"))
        XCTAssertTrue(results.contains("| sst2 | student-sce |"), results)

        // Keeping every row is the vanilla student exactly: same rows, targets, order and early stopping.
        let all = try run(config(confidentFraction: 1))
        XCTAssertEqual(all.methods.first?.arm.id, "method:confident 100%:weak-label confidence (xent)")
        XCTAssertEqual(all.methods.first?.test.auc, summary.students[0].test.auc)
        XCTAssertEqual(all.methods.first?.misfit, summary.students[0].misfit)
    }

    /// Misfit against gain across datasets: seeds averaged per dataset, Pearson r by hand.
    func testMisfitGainCorrelationAcrossDatasetsHandComputed() throws {
        let store = try RunStore(root: root)
        func record(_ dataset: String, seed: UInt64, _ misfit: Double, _ gain: Double, brier: Double? = nil) throws {
            var r = RunRecord(config: ExperimentConfig(dataset: dataset, seed: seed))
            r.id = "\(dataset)-\(seed)"; r.status = .finished
            var m = ["misfit": misfit, "gain_auc": gain]
            if let brier { m["gain_brier"] = brier }
            r.metrics = ["weak": ["test_auc": 0.8], "student-xent": m, "student-gce": ["misfit": misfit, "gain_auc": -gain]]
            try store.write(r)
        }
        // sst2's two seeds average to (0.01, 0.00); points (0.01, 0), (0.02, 0.02), (0.03, 0.05): r = 5 / √(2 · 12.6667).
        try record("sst2", seed: 0, 0.005, -0.01, brier: 0.001)
        try record("sst2", seed: 1, 0.015, 0.01, brier: 0.003)
        try record("boolq", seed: 0, 0.02, 0.02, brier: 0.002)
        try record("sciq", seed: 0, 0.03, 0.05, brier: 0.004)
        let rows = MisfitGain.compute(store.runs())
        XCTAssertEqual(rows.map(\.arm), ["student-gce", "student-xent", MisfitGain.pooledName])
        let xent = rows[1]
        XCTAssertEqual(xent.points.map(\.unit), ["boolq", "sciq", "sst2"])
        XCTAssertEqual(xent.points[2].misfit, 0.01, accuracy: 1e-12)
        XCTAssertEqual(xent.points[2].gainAUC, 0, accuracy: 1e-12)
        XCTAssertEqual(xent.correlationAUC!, 5 / (2 * 12.666666666666666).squareRoot(), accuracy: 1e-9)
        XCTAssertEqual(rows[0].correlationAUC!, -xent.correlationAUC!, accuracy: 1e-9)
        XCTAssertNil(rows[0].correlationBrier, "gce has no Brier gain recorded")
        // Brier gains (0.002, 0.004, 0.002) against misfit (0.02, 0.03, 0.01): sxy = 2e-5, sxx = 2e-4, syy = 8/3·1e-6, r = √3/2.
        XCTAssertEqual(xent.correlationBrier!, 3.0.squareRoot() / 2, accuracy: 1e-9)
        XCTAssertEqual(rows[2].points.count, 6)
    }
}
