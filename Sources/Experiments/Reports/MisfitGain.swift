import Analysis
import Foundation

/// Misfit against gain across dataset settings (Charikar et al. 2024, "Quantifying the Gain in Weak-to-Strong
/// Generalization": the student's gain over its weak supervisor ≈ its misfit, the disagreement with the supervisor).
/// One point per arm and dataset setting, its seeds averaged first (as in `w2s compare`), the newest run of a setting
/// counting when several report the arm; Pearson's r across the points of one arm, and across every arm's points
/// pooled (points of one dataset share its weak supervisor, so the pooled r is descriptive, not a test).
public struct MisfitGain: Sendable {
    public struct Point: Sendable {
        public var unit: String
        /// Mean (p_arm − p_weak)² on test.
        public var misfit: Double
        public var gainAUC: Double
        /// Weak Brier − arm Brier on test (nil for runs recorded before it was).
        public var gainBrier: Double?
    }

    /// The arm id, or `pooledName` for every arm's points together.
    public var arm: String
    public var points: [Point]

    public static let pooledName = "all arms pooled"

    /// r(misfit, gain in test AUC); nil with fewer than three points.
    public var correlationAUC: Double? { pearsonCorrelation(points.map(\.misfit), points.map(\.gainAUC)) }
    /// r(misfit, gain in Brier score): the quantity the theorem is about.
    public var correlationBrier: Double? {
        let complete = points.filter { $0.gainBrier != nil }
        guard complete.count == points.count else { return nil }
        return pearsonCorrelation(complete.map(\.misfit), complete.map { $0.gainBrier! })
    }

    /// Every arm with a misfit in the finished runs (ordered by id), then the pooled row when there are several arms.
    public static func compute(_ runs: [RunRecord]) -> [MisfitGain] {
        // arm → seed setting → newest record reporting a misfit for it
        var newest: [String: [String: RunRecord]] = [:]
        for run in runs where run.status == .finished {
            // Not arms that restate another (`Arm.restatement`): the pooled row would count them twice.
            for (arm, values) in run.metrics where values["misfit"] != nil && values["gain_auc"] != nil
                && Arm.restatement(of: arm, mode: run.mode) == nil {
                if let seen = newest[arm]?[run.setting], (seen.created, seen.id) > (run.created, run.id) { continue }
                newest[arm, default: [:]][run.setting] = run
            }
        }
        // A dataset run in several settings gets the setting's tag.
        var settingsOfDataset: [String: Set<String>] = [:]
        for records in newest.values { for r in records.values { settingsOfDataset[r.dataset, default: []].insert(r.settingAcrossSeeds) } }
        func label(_ r: RunRecord) -> String {
            r.dataset + (settingsOfDataset[r.dataset]!.count > 1 ? " #\(r.settingAcrossSeeds.prefix(6))" : "")
        }
        var rows: [MisfitGain] = newest.keys.sorted().map { arm in
            // Seed order within a unit, so its means do not depend on a dictionary's order (ArmComparison likewise).
            let byUnit = Dictionary(grouping: newest[arm]!.values.sorted { ($0.seed, $0.id) < ($1.seed, $1.id) }, by: label)
            let points = byUnit.keys.sorted().map { unit -> Point in
                let metrics = byUnit[unit]!.map { $0.metrics[arm]! }
                func mean(_ name: String) -> Double? {
                    let v = metrics.compactMap { $0[name] }
                    return v.count == metrics.count ? v.reduce(0, +) / Double(v.count) : nil
                }
                return Point(unit: unit, misfit: mean("misfit")!, gainAUC: mean("gain_auc")!, gainBrier: mean("gain_brier"))
            }
            return MisfitGain(arm: arm, points: points)
        }
        if rows.count > 1 { rows.append(MisfitGain(arm: pooledName, points: rows.flatMap(\.points))) }
        return rows
    }
}
