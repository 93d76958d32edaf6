import XCTest
import Foundation
import Datasets
import Experiments
import Training

/// The weak ensembles' arithmetic on hand-computed cases, and an end-to-end run with two real weak models.
final class WeakEnsembleTests: XCTestCase {
    func testBoostRoundOnAHandComputedCase() {
        // Four examples, uniform weights, the member wrong on the last: ε = 1/4, α = ln 3; the wrong example's
        // weight triples (1/4 → 3/4) and all are renormalised by 3/2: 1/6, 1/6, 1/6, 1/2.
        let round = WeakEnsemble.boostRound(weights: [1, 1, 1, 1], correct: [true, true, true, false])
        XCTAssertEqual(round.error, 0.25, accuracy: 1e-12)
        XCTAssertEqual(round.alpha, log(3), accuracy: 1e-12)
        for (w, expected) in zip(round.nextWeights, [1.0 / 6, 1.0 / 6, 1.0 / 6, 0.5]) { XCTAssertEqual(w, expected, accuracy: 1e-12) }

        // Second round on those weights, wrong on the first and the last: ε = 1/6 + 1/2 = 2/3 ≥ ½ → no vote, weights kept.
        let second = WeakEnsemble.boostRound(weights: round.nextWeights, correct: [false, true, true, false])
        XCTAssertEqual(second.error, 2.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(second.alpha, 0)
        for (a, b) in zip(second.nextWeights, round.nextWeights) { XCTAssertEqual(a, b, accuracy: 1e-12) }

        // Wrong only on the heavy last example (1/2): ε = ½ exactly → no vote.
        XCTAssertEqual(WeakEnsemble.boostRound(weights: round.nextWeights, correct: [true, true, true, false]).alpha, 0)
        // Wrong on one light example: ε = 1/6, α = ln 5.
        XCTAssertEqual(WeakEnsemble.boostRound(weights: round.nextWeights, correct: [false, true, true, true]).alpha, log(5), accuracy: 1e-12)
        // No error at all: ε is floored, the vote is large but finite.
        let perfect = WeakEnsemble.boostRound(weights: [1, 1], correct: [true, true])
        XCTAssertEqual(perfect.error, 0)
        XCTAssertEqual(perfect.alpha, log((1 - 1e-6) / 1e-6), accuracy: 1e-9)
    }

    func testCombinationWeightsAndLabels() {
        let p: [[Float]] = [[0.9, 0.2, 0.5], [0.5, 0.6, 0.1]]
        // Mean.
        let mean = WeakEnsemble.combine(p, weights: [1, 1])
        for (a, b) in zip(mean, [0.7, 0.4, 0.3] as [Float]) { XCTAssertEqual(a, b, accuracy: 1e-6) }
        // Votes 3 : 1 → (3·p₁ + p₂)/4.
        let boosted = WeakEnsemble.combine(p, weights: [3, 1])
        for (a, b) in zip(boosted, [0.8, 0.3, 0.4] as [Float]) { XCTAssertEqual(a, b, accuracy: 1e-6) }
        // A member without a vote does not count; no votes at all fall back to the mean.
        XCTAssertEqual(WeakEnsemble.combine(p, weights: [0, 2]), p[1])
        XCTAssertEqual(WeakEnsemble.combine(p, weights: [0, 0]), mean)
        // The two rounds above as a boosted ensemble: α₁ = ln 3, α₂ = ln 5.
        let votes = [log(3.0), log(5.0)]
        let label = WeakEnsemble.combine([[1], [0]], weights: votes)[0]
        XCTAssertEqual(label, Float(log(3.0) / (log(3.0) + log(5.0))), accuracy: 1e-6)
    }

    func testResamplingFollowsTheWeightsAndTheSeed() {
        XCTAssertEqual(WeakEnsemble.resample(weights: [0, 1, 0, 0], count: 5, seed: 1), [1, 1, 1, 1, 1])
        let draws = WeakEnsemble.resample(weights: [0.5, 0.5, 0, 0], count: 1000, seed: 2)
        XCTAssertTrue(draws.allSatisfy { $0 < 2 })
        let ones = draws.filter { $0 == 1 }.count
        XCTAssertTrue((400...600).contains(ones), "\(ones) of 1000 draws with probability ½")
        XCTAssertEqual(WeakEnsemble.resample(weights: [0.1, 0.2, 0.7], count: 50, seed: 7),
                       WeakEnsemble.resample(weights: [0.1, 0.2, 0.7], count: 50, seed: 7))
        XCTAssertNotEqual(WeakEnsemble.resample(weights: [0.1, 0.2, 0.7], count: 50, seed: 7),
                          WeakEnsemble.resample(weights: [0.1, 0.2, 0.7], count: 50, seed: 8))
    }

    /// Two separately pretrained weak models on SST-2 (head mode): the members are arms `weak:NAME`, the weak arm is
    /// their combination (its test margins are the combined probabilities' log-odds), PGR is measured against it, the
    /// student learns the ensemble labels, and the boosted votes are the members' weighted weak-train errors.
    func testTwoWeakModelsEndToEnd() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("w2s-ensemble-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        let members = ["paraphrase-MiniLM-L3-v2", "all-MiniLM-L6-v2@2"]
        for combination in WeakCombination.allCases {
            let config = ExperimentConfig(dataset: "sst2", sizes: SplitSizes(weakTrain: 200, strongTrain: 200, validation: 100, test: 200),
                                          seed: 5, weakModel: members.joined(separator: ","), strongModel: "all-mpnet-base-v2@4",
                                          losses: [.xent], maxLength: 64, weakCombination: combination)
            let pipeline = WeakToStrongPipeline(config: config, runsRoot: root, dataDirectory: try DataDirectory.resolve(nil),
                                                progress: ProgressDisplay(quiet: true))
            let summary = try pipeline.run()
            let scored = try XCTUnwrap(summary.weakMembers)
            XCTAssertEqual(scored.map(\.arm.id), members.map { "weak:\($0)" })
            for m in scored { XCTAssertGreaterThan(m.test.auc, 0.6, "\(m.arm.id) on SST-2") }

            // The weak arm is the combination of the members' test predictions, with the votes the notes report.
            let csv = try String(contentsOf: root.appendingPathComponent("\(config.runName)/predictions.csv"), encoding: .utf8)
            let rows = csv.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            let header = rows[0]
            func column(_ name: String, split: String) -> [Float] {
                let i = header.firstIndex(of: name)!
                return rows.dropFirst().filter { $0[1] == split }.map { Float($0[i])! }
            }
            let votes: [Double]
            switch combination {
            case .mean: votes = [1, 1]
            case .boost:
                votes = try scored.map { m in
                    let note = try XCTUnwrap(m.note)
                    let alpha = try XCTUnwrap(note.range(of: "vote α ")).upperBound
                    return Double(note[alpha...].prefix(while: { $0 == "." || $0.isNumber }))!
                }
                XCTAssertTrue(scored[1].note!.contains("resampled"), scored[1].note!)
            }
            let memberProbabilities = members.map { column("weak:\($0)", split: "test") }
            let expected = WeakEnsemble.combine(memberProbabilities, weights: votes)
            let weak = column("weak", split: "test")
            // Boosting votes are printed to three decimals; the mean's are exact.
            let tolerance: Float = combination == .mean ? 1e-5 : 2e-3
            for (a, b) in zip(weak, expected) { XCTAssertEqual(a, b, accuracy: tolerance) }
            // PGR of each member is measured against the ensemble; the student learned the ensemble's labels.
            let labels = column("label", split: "strong_train").map { Int($0) }
            let ensembleTrain = column("weak", split: "strong_train")
            let agreeing = zip(ensembleTrain, labels).filter { ($0.0 > 0.5) == ($0.1 == 1) }.count
            XCTAssertEqual(summary.weakLabelAccuracy, Double(agreeing) / Double(labels.count), accuracy: 1e-9,
                           "the students' labels are the ensemble's")
            for m in scored {
                let pgr = (m.test.auc - summary.weak.auc) / (summary.ceiling.auc - summary.weak.auc)
                XCTAssertEqual(try XCTUnwrap(m.pgrAUC), pgr, accuracy: 1e-9)
            }
            XCTAssertTrue(summary.table.contains("\(combination.rawValue) ensemble"), summary.table)
        }

        // The ensemble's key covers every member: replacing the second member reuses the first member's stage but
        // retrains the students (their labels changed).
        let replaced = ExperimentConfig(dataset: "sst2", sizes: SplitSizes(weakTrain: 200, strongTrain: 200, validation: 100, test: 200),
                                        seed: 5, weakModel: "paraphrase-MiniLM-L3-v2,all-MiniLM-L6-v2@1", strongModel: "all-mpnet-base-v2@4",
                                        losses: [.xent], maxLength: 64, weakCombination: .mean)
        let rerun = try WeakToStrongPipeline(config: replaced, runsRoot: root, dataDirectory: try DataDirectory.resolve(nil),
                                             progress: ProgressDisplay(quiet: true)).run()
        XCTAssertTrue(rerun.cachedStages.contains("weak:paraphrase-MiniLM-L3-v2 (paraphrase-MiniLM-L3-v2)"), "\(rerun.cachedStages)")
        XCTAssertTrue(rerun.cachedStages.contains("ceiling (all-mpnet-base-v2@4)"), "\(rerun.cachedStages)")
        XCTAssertFalse(rerun.cachedStages.contains { $0.hasPrefix("student-xent") }, "\(rerun.cachedStages)")
    }
}
