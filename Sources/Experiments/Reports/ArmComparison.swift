import Analysis
import Foundation

/// What one pair of a comparison stands for.
public enum ComparisonUnit: String, Sendable, CaseIterable {
    /// One dataset setting, its seeds averaged first (the EleutherAI post's unit: seeds of one dataset are not
    /// independent samples of "a typical dataset").
    case dataset
    /// One run (dataset setting and seed).
    case seed

    public var explanation: String {
        switch self {
        case .dataset: return "dataset setting, seeds averaged (only seeds where both arms ran)"
        case .seed: return "run (dataset setting and seed)"
        }
    }
}

/// One arm (a student loss or an intervention row) compared with a baseline arm across finished runs: is the
/// difference consistent across datasets?
///
/// Arms pair only within one *setting* — runs that share every setting but the arms (sizes, learning rates,
/// epochs, batch sizes, maximum length, mode, models, seed; `ExperimentConfig.setting`). A student's loss
/// parameters are part of its arm's name (`student-logconf(warm-up=0.6)`), so a rerun with another α ramp is
/// another arm, never the same arm at other sizes. When several runs of one setting report an arm (the demo,
/// then the same runs with `--methods`), the newest counts, so nothing is counted twice.
public struct ArmComparison: Sendable {
    public var arm: String
    public var baseline: String
    public var metric: String
    public var unit: ComparisonUnit
    /// (unit label, arm value, baseline value).
    public var pairs: [(run: String, arm: Double, baseline: Double)]
    public var meanDifference: Double
    public var tTest: TestResult?
    public var wilcoxon: TestResult?
    /// The two p-values after Holm's adjustment over the family of arms compared with the baseline together (every
    /// arm with that test but the reference points weak and ceiling, `ArmComparison.familySize`); nil for those.
    public var tTestHolm: Double?
    public var wilcoxonHolm: Double?
}

extension RunStore {
    /// Compares every arm that shares settings with `baseline` on `metric` (e.g. "pgr_auc", "test_auc").
    /// Tests need at least two pairs; the Wilcoxon test drops zero differences like scipy. `alternative` is the
    /// side of the arm − baseline difference the tests look for (the EleutherAI post reports one-sided tests).
    /// `mode` keeps the runs of one training mode: a dataset run in head mode and finetuned is two settings, but not
    /// two independent datasets.
    public func compare(metric: String, baseline: String, dataset: String? = nil, mode: TrainingMode? = nil,
                        alternative: Alternative = .twoSided, unit: ComparisonUnit = .dataset) throws -> [ArmComparison] {
        try ArmComparison.compare(runs(dataset: dataset, mode: mode), metric: metric, baseline: baseline, alternative: alternative, unit: unit)
    }
}

extension ArmComparison {
    /// `RunStore.compare` on records already read (the HTML report reads the runs once for all its sections).
    public static func compare(_ runs: [RunRecord], metric: String, baseline: String,
                               alternative: Alternative = .twoSided, unit: ComparisonUnit = .dataset) throws -> [ArmComparison] {
        // arm → setting → (newest record reporting it, value)
        var newest: [String: [String: (record: RunRecord, value: Double)]] = [:]
        for run in runs where run.status == .finished {
            // An arm that restates another under a second name (linearity's ft(weak), ft(gt)) is no comparison.
            for (arm, values) in run.metrics where Arm.restatement(of: arm, mode: run.mode) == nil {
                guard let value = values[metric], value.isFinite else { continue }
                if let seen = newest[arm]?[run.setting], (seen.record.created, seen.record.id) > (run.created, run.id) { continue }
                newest[arm, default: [:]][run.setting] = (run, value)
            }
        }
        guard let base = newest[baseline] else {
            throw ExperimentError.invalid("no finished run has metric '\(metric)' for '\(baseline)'; see the arms with `w2s results`")
        }
        // Settings that differ only in seed share a label; other differences (sizes, rates, …) get a hash tag.
        let records = base.values.map(\.record) + newest.values.flatMap { $0.values.map(\.record) }
        var labelsBySetting: [String: Set<String>] = [:]
        func plain(_ r: RunRecord) -> String { "\(r.dataset) \(r.weakModel)→\(r.strongModel) \(r.mode)" }
        for r in records { labelsBySetting[plain(r), default: []].insert(r.settingAcrossSeeds) }
        func label(_ r: RunRecord) -> String {
            let tag = labelsBySetting[plain(r)]!.count > 1 ? " #\(r.settingAcrossSeeds.prefix(6))" : ""
            switch unit {
            case .dataset: return plain(r) + tag
            case .seed: return "\(r.dataset) s\(r.seed) \(r.weakModel)→\(r.strongModel) \(r.mode)" + tag
            }
        }
        let comparisons = newest.keys.sorted().filter { $0 != baseline }.compactMap { arm -> ArmComparison? in
            // Pairs within one setting (one seed), in seed order: a dictionary's order changes from process to process,
            // and so would the last digit of a sum, an exact zero difference, and with it a Wilcoxon p-value.
            let perSeed: [(record: RunRecord, arm: Double, baseline: Double)] = newest[arm]!.compactMap { setting, entry in
                base[setting].map { (entry.record, entry.value, $0.value) }
            }.sorted { ($0.record.seed, $0.record.id) < ($1.record.seed, $1.record.id) }
            // …then one per unit, seeds averaged for the dataset unit.
            let grouped = Dictionary(grouping: perSeed) { label($0.record) }
            let pairs = grouped.keys.sorted().map { key -> (run: String, arm: Double, baseline: Double) in
                let list = grouped[key]!
                let n = Double(list.count)
                return (key, list.map(\.arm).reduce(0, +) / n, list.map(\.baseline).reduce(0, +) / n)
            }
            guard !pairs.isEmpty else { return nil }
            let a = pairs.map(\.arm), b = pairs.map(\.baseline)
            let differences = zip(a, b).map { $0 - $1 }
            let varies = Set(differences).count > 1
            return ArmComparison(arm: arm, baseline: baseline, metric: metric, unit: unit, pairs: pairs,
                                 meanDifference: differences.reduce(0, +) / Double(differences.count),
                                 tTest: pairs.count >= 2 && varies ? pairedTTest(a, b, alternative: alternative) : nil,
                                 wilcoxon: pairs.count >= 2 ? wilcoxonSignedRank(a, b, alternative: alternative) : nil)
        }
        return holmAdjusting(comparisons)
    }

    /// How many arms the Holm families are drawn from: every compared arm but the reference points
    /// (`Arm.isReferencePoint`); an arm without a test (one pair, or constant differences) is in none.
    public static func familySize(_ comparisons: [ArmComparison]) -> Int {
        comparisons.filter { !Arm.isReferencePoint($0.arm) }.count
    }

    /// Sets `tTestHolm` and `wilcoxonHolm`. Unadjusted, 17 independent tests at 5% each flag at least one arm 58% of
    /// the time by chance alone.
    static func holmAdjusting(_ comparisons: [ArmComparison]) -> [ArmComparison] {
        let family = comparisons.indices.filter { !Arm.isReferencePoint(comparisons[$0].arm) }
        let t = holmAdjusted(family.map { comparisons[$0].tTest?.pValue })
        let w = holmAdjusted(family.map { comparisons[$0].wilcoxon?.pValue })
        var adjusted = comparisons
        for (k, i) in family.enumerated() { adjusted[i].tTestHolm = t[k]; adjusted[i].wilcoxonHolm = w[k] }
        return adjusted
    }
}

extension ArmComparison {
    /// An SVG bar chart of the compared values: for each unit, the baseline then every arm, so the
    /// per-dataset spread behind a mean difference is visible at a glance.
    public static func chart(_ comparisons: [ArmComparison]) -> String {
        guard let first = comparisons.first else { return Charts.bars(title: "no comparisons", valueLabel: "", bars: []) }
        let units = Array(Set(comparisons.flatMap { $0.pairs.map(\.run) })).sorted()
        var bars: [(name: String, value: Double)] = []
        for unit in units {
            if let base = comparisons.lazy.compactMap({ $0.pairs.first { $0.run == unit }?.baseline }).first {
                bars.append(("\(unit) · \(first.baseline)", base))
            }
            for c in comparisons {
                if let pair = c.pairs.first(where: { $0.run == unit }) { bars.append(("\(unit) · \(c.arm)", pair.arm)) }
            }
        }
        return Charts.bars(title: "\(first.metric): each arm against \(first.baseline), per \(first.unit.rawValue)", valueLabel: first.metric, bars: bars)
    }
}
