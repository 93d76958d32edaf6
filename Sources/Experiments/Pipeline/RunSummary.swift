import Analysis
import Datasets
import Foundation
import Training

/// The result of one weak-to-strong run, written as metrics.json in the run directory.
public struct RunSummary: Codable, Sendable {
    public var runName: String
    public var config: ExperimentConfig
    public var splitCounts: [String: Int]
    /// The split sizes used, "weak-train/strong-train/validation/test" (a pool smaller than the sizes asked for scales
    /// them down).
    public var splitSizes: String { Split.allCases.map { "\(splitCounts[$0.rawValue] ?? 0)" }.joined(separator: "/") }
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
    /// Ceiling − weak test AUC with its paired bootstrap interval over the test examples (nil in summaries written
    /// before it was computed). The gap is established when the interval excludes 0; PGR means little otherwise.
    public var gapAUCInterval: BootstrapInterval? = nil
    public var probeSweep: [ProbeSweepPoint] = []
    public var stageSeconds: [String: Double]
    public var cachedStages: [String]
    /// CPU seconds of the stages of `stageSeconds` (nil in summaries written before they were recorded).
    public var stageCPUSeconds: [String: Double]? = nil

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
        if let g = gapAUCInterval {
            lines.append(String(format: "\nCeiling − weak test AUC: %.3f [%.3f, %.3f] (%.0f%% paired bootstrap over test examples)%@.",
                                ceiling.auc - weak.auc, g.lower, g.upper, 100 * g.confidence,
                                g.lower > 0 ? "" : ": the gap is not established, so PGR is not informative here"))
        }
        if !studentSelection.hasPrefix("validation AUC") {
            lines.append("\nStudents were early-stopped on \(studentSelection).")
        }
        return lines.joined(separator: "\n")
    }

    /// Each trained arm's test AUC and PGR under three stop rules, from the test AUC recorded at every evaluation
    /// (no retraining): early stopping on the weak labels' validation AUC (what every other table reports), the last
    /// step (fixed epochs) and the ground-truth oracle step (best test AUC seen; cheating, an analysis only). Weak
    /// supervisor and ceiling stay as they are (early-stopped on ground-truth validation). Markdown: two header lines, then rows.
    public var stopRulesTable: String {
        func f(_ x: Double?) -> String { x.map { String(format: "%.3f", $0) } ?? "n/a" }
        var lines = ["| dataset | arm | early stop (weak-label val AUC): step, test AUC, PGR | last step: step, test AUC, PGR | oracle step (best test AUC): step, test AUC, PGR |",
                     "|---|---|---|---|---|"]
        for a in students + methods {
            guard let t = a.training else { continue }
            lines.append("| \(config.dataset) | \(a.arm.id) | \(t.bestStep), \(f(a.test.auc)), \(f(a.pgrAUC)) | \(t.totalSteps), \(f(t.lastStepAUC)), \(f(t.lastStepPGR)) | \(t.oracleStopStep.map(String.init) ?? "n/a"), \(f(t.oracleStopAUC)), \(f(t.oracleStopPGR)) |")
        }
        return lines.joined(separator: "\n")
    }

    /// Each arm's misfit with the weak supervisor on test (Charikar et al. 2024: gain ≈ misfit) beside its gain over the
    /// supervisor. Markdown: two header lines, then rows.
    public var misfitTable: String {
        func f(_ x: Double?) -> String { x.map { String(format: "%.4f", $0) } ?? "n/a" }
        func signed(_ x: Double?) -> String { x.map { String(format: "%+.4f", $0) } ?? "n/a" }
        var lines = ["| dataset | arm | misfit (mean (p − p_weak)²) | misfit (KL(weak ‖ arm)) | gain test AUC | gain test acc | gain Brier (weak − arm) |",
                     "|---|---|---|---|---|---|---|"]
        for a in students + methods {
            guard let m = a.misfit else { continue }
            let brier = weak.brier.flatMap { w in a.test.brier.map { w - $0 } }
            lines.append("| \(config.dataset) | \(a.arm.id) | \(f(m.squared)) | \(f(m.kl)) | \(signed(a.test.auc - weak.auc)) | \(signed(a.test.accuracy - weak.accuracy)) | \(signed(brier)) |")
        }
        return lines.joined(separator: "\n")
    }

    /// results.md: the result table, the stop rules and the misfit.
    public var report: String {
        table + "\n\n## Stop rules\n\n" + stopRulesTable
            + "\n\nPGR divides by the gap between the weak supervisor and the ceiling as reported (both early-stopped on ground-truth validation).\n"
            + "\n## Misfit and gain\n\n" + misfitTable
            + "\n\nMisfit on the ground-truth test inputs, against the weak supervisor's predictions there (Charikar et al. 2024: the gain over the supervisor ≈ the misfit; their theorem is about the squared error, the Brier column).\n"
    }
}
