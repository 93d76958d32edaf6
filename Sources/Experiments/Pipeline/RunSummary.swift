import Analysis
import Foundation
import Training

public struct ModelScore: Codable, Sendable, Hashable {
    public var auc: Double
    public var accuracy: Double
}

public struct StudentScore: Codable, Sendable {
    public var loss: String
    public var lossDescription: String
    public var test: ModelScore
    public var pgrAUC: Double?
    /// 95% paired bootstrap interval of `pgrAUC` over test examples.
    public var pgrAUCInterval: BootstrapInterval?
    public var pgrAccuracy: Double?
    /// Student–supervisor agreement on the test set.
    public var agreement: Agreement
    public var bestStep: Int
    public var totalSteps: Int
    /// The best ground-truth test AUC at any evaluation: what an oracle ("cheating") stop would report.
    public var oracleStopAUC: Double?
    public var oracleStopPGR: Double?
}

/// The result of one weak-to-strong run, written as metrics.json in the run directory.
public struct RunSummary: Codable, Sendable {
    public var runName: String
    public var config: ExperimentConfig
    public var splitCounts: [String: Int]
    public var weak: ModelScore
    public var ceiling: ModelScore
    /// Accuracy of the weak labels the student trains on (strong-train split, against ground truth).
    public var weakLabelAccuracy: Double
    public var students: [StudentScore]
    public var stageSeconds: [String: Double]
    public var cachedStages: [String]
    /// Intervention rows (strong-to-strong, bootstrapping, probes, filtering, relabeling, linearity).
    public var methods: [MethodScore] = []
    public var probeSweep: [ProbeSweepPoint] = []

    /// The result table (Markdown).
    public var table: String {
        func f(_ x: Double?) -> String { x.map { String(format: "%.3f", $0) } ?? "n/a" }
        func f(_ x: Double?, _ interval: BootstrapInterval?) -> String {
            f(x) + (interval.map { String(format: " [%.2f, %.2f]", $0.lower, $0.upper) } ?? "")
        }
        var lines = ["| dataset | model | loss | test AUC | test acc | PGR (AUC) [95% CI] | PGR (acc) | oracle-stop AUC | agree (sup. right / wrong) |",
                     "|---|---|---|---|---|---|---|---|---|"]
        lines.append("| \(config.dataset) | weak \(config.weakModel) | xent (ground truth) | \(f(weak.auc)) | \(f(weak.accuracy)) | | | | |")
        for s in students {
            lines.append("| \(config.dataset) | student \(config.strongModel) | \(s.loss) (weak labels) | \(f(s.test.auc)) | \(f(s.test.accuracy)) | \(f(s.pgrAUC, s.pgrAUCInterval)) | \(f(s.pgrAccuracy)) | \(f(s.oracleStopAUC)) | \(f(s.agreement.whereSupervisorCorrect)) / \(f(s.agreement.whereSupervisorWrong)) |")
        }
        lines.append("| \(config.dataset) | ceiling \(config.strongModel) | xent (ground truth) | \(f(ceiling.auc)) | \(f(ceiling.accuracy)) | | | | |")
        for m in methods {
            lines.append("| \(config.dataset) | \(m.method) | \(m.variant) | \(f(m.test.auc)) | \(f(m.test.accuracy)) | \(f(m.pgrAUC, m.pgrAUCInterval)) | \(f(m.pgrAccuracy)) | | \(m.note ?? "") |")
        }
        return lines.joined(separator: "\n")
    }
}
