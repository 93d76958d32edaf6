import Analysis
import Foundation
import Training

/// The result of one weak-to-strong run, written as metrics.json in the run directory.
public struct RunSummary: Codable, Sendable {
    public var runName: String
    public var config: ExperimentConfig
    public var splitCounts: [String: Int]
    public var weak: ModelScore
    public var ceiling: ModelScore
    /// Accuracy of the weak labels the student trains on (strong-train split, against ground truth).
    public var weakLabelAccuracy: Double
    /// How the students were early-stopped (weak-label AUC, or the soft-label fallback when the weak
    /// supervisor predicts one class on validation).
    public var studentSelection: String
    /// One per loss, in the order of `config.losses`.
    public var students: [ArmScore]
    /// Intervention rows (strong-to-strong, bootstrapping, probes, filtering, relabeling, linearity).
    public var methods: [ArmScore] = []
    /// With several weak models: each member, scored like a student (PGR against the ensemble, which is `weak`);
    /// nil with one weak model (and in summaries written before ensembles existed).
    public var weakMembers: [ArmScore]? = nil
    public var probeSweep: [ProbeSweepPoint] = []
    public var stageSeconds: [String: Double]
    public var cachedStages: [String]

    /// The result table (Markdown).
    public var table: String {
        func f(_ x: Double?) -> String { x.map { String(format: "%.3f", $0) } ?? "n/a" }
        func f(_ x: Double?, _ interval: BootstrapInterval?) -> String {
            f(x) + (interval.map { String(format: " [%.2f, %.2f]", $0.lower, $0.upper) } ?? "")
        }
        var lines = ["| dataset | model | arm | test AUC | test acc | PGR (AUC) [95% CI] | PGR (acc) | oracle-stop AUC | agree (sup. right / wrong) |",
                     "|---|---|---|---|---|---|---|---|---|"]
        for m in weakMembers ?? [] {
            lines.append("| \(config.dataset) | weak member \(m.arm.variant) | xent (ground truth) | \(f(m.test.auc)) | \(f(m.test.accuracy)) | \(f(m.pgrAUC, m.pgrAUCInterval)) | \(f(m.pgrAccuracy)) | | \(m.note ?? "") |")
        }
        let weakName = config.weakModels.count > 1 ? "\((config.weakCombination ?? ExperimentDefaults.weakCombination).rawValue) ensemble \(config.weakModel)" : config.weakModel
        lines.append("| \(config.dataset) | weak \(weakName) | xent (ground truth) | \(f(weak.auc)) | \(f(weak.accuracy)) | | | | |")
        for s in students {
            lines.append("| \(config.dataset) | student \(config.strongModel) | \(s.arm.variant) (weak labels) | \(f(s.test.auc)) | \(f(s.test.accuracy)) | \(f(s.pgrAUC, s.pgrAUCInterval)) | \(f(s.pgrAccuracy)) | \(f(s.training?.oracleStopAUC)) | \(f(s.agreement.whereSupervisorCorrect)) / \(f(s.agreement.whereSupervisorWrong)) |")
        }
        lines.append("| \(config.dataset) | ceiling \(config.strongModel) | xent (ground truth) | \(f(ceiling.auc)) | \(f(ceiling.accuracy)) | | | | |")
        for m in methods {
            let (method, variant) = m.arm.methodParts
            lines.append("| \(config.dataset) | \(method) | \(variant) | \(f(m.test.auc)) | \(f(m.test.accuracy)) | \(f(m.pgrAUC, m.pgrAUCInterval)) | \(f(m.pgrAccuracy)) | | \(m.note ?? "") |")
        }
        if !studentSelection.hasPrefix("validation AUC") {
            lines.append("\nStudents were early-stopped on \(studentSelection).")
        }
        return lines.joined(separator: "\n")
    }
}
