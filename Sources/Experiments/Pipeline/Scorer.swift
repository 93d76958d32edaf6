import Analysis
import Datasets
import Foundation
import Training

/// The one scoring path of every arm: test AUC and accuracy from margins, PGR against this run's weak model
/// and ceiling with its bootstrap interval, agreement with the supervisor.
struct Scorer {
    let labels: [Int]
    /// The test examples' source questions, as small integers (the bootstrap draws them whole).
    let groups: [Int]
    let weakMargins: [Float], ceilingMargins: [Float]
    let weak: ModelScore, ceiling: ModelScore
    let seed: UInt64

    init(test: [Example], weak: [Float], ceiling: [Float], seed: UInt64) {
        labels = test.map(\.label)
        var ids: [String: Int] = [:]
        groups = test.map { e in
            if let id = ids[e.groupID] { return id }
            ids[e.groupID] = ids.count
            return ids.count - 1
        }
        weakMargins = weak; ceilingMargins = ceiling
        self.weak = ModelScore(margins: weak, labels: labels)
        self.ceiling = ModelScore(margins: ceiling, labels: labels)
        self.seed = seed
    }

    /// Ceiling − weak test AUC's interval, on the same draws as every arm's PGR interval.
    var gapInterval: BootstrapInterval? {
        bootstrapAUCDifferenceInterval(ceilingMargins, minus: weakMargins, labels: labels, groups: groups, seed: seed)
    }

    func score(_ arm: Arm, margins: [Float], description: String, training: TrainingResult? = nil, note: String? = nil) -> ArmScore {
        let s = ModelScore(margins: margins, labels: labels)
        func pgr(_ auc: Double?) -> Double? { auc.flatMap { performanceGapRecovered(weak: weak.auc, student: $0, ceiling: ceiling.auc) } }
        return ArmScore(
            arm: arm, description: description, test: s,
            pgrAUC: performanceGapRecovered(weak: weak.auc, student: s.auc, ceiling: ceiling.auc),
            pgrAUCInterval: bootstrapPGRInterval(weak: weakMargins, student: margins, ceiling: ceilingMargins, labels: labels,
                                                 groups: groups, seed: seed),
            pgrAccuracy: performanceGapRecovered(weak: weak.accuracy, student: s.accuracy, ceiling: ceiling.accuracy),
            agreement: agreement(student: margins, supervisor: weakMargins, groundTruth: labels, threshold: 0),
            training: training.map { t in
                // Stop rules from the test AUC recorded at every evaluation: the oracle's best, and the last step's.
                let oracle = t.curve.compactMap(\.analysisAUC).max()
                let last = t.curve.last?.analysisAUC
                return TrainingSummary(bestStep: t.bestStep, totalSteps: t.totalSteps, selection: t.selection, oracleStopAUC: oracle,
                                       oracleStopPGR: pgr(oracle), oracleStopStep: t.curve.first { $0.analysisAUC == oracle && oracle != nil }?.step,
                                       lastStepAUC: last, lastStepPGR: pgr(last))
            },
            note: note, misfit: Misfit(student: margins, supervisor: weakMargins))
    }
}

/// Log-odds of probabilities from probes (kNN votes, logistic regression), so every arm is scored on margins.
func margins(probabilities: [Float]) -> [Float] {
    probabilities.map { p in
        let q = min(max(Double(p), 1e-12), 1 - 1e-12)
        return Float(log(q / (1 - q)))
    }
}
