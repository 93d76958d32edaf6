import Analysis
import Foundation

/// One arm (a student loss or an intervention row) compared with a baseline arm across finished runs:
/// is the difference consistent across datasets? One pair per experiment (dataset, seed, weak and strong
/// model, mode); when several runs repeat an experiment (e.g. the demo, then the same runs with
/// `--methods`), the newest run that reports the arm counts, so nothing is counted twice. With
/// `averagingSeeds`, the seeds of one dataset are averaged first (one pair per dataset, models and mode):
/// seeds of the same dataset are not independent samples of "a typical dataset".
public struct ArmComparison: Sendable {
    public var arm: String
    public var baseline: String
    public var metric: String
    /// (experiment "dataset seed weak→strong mode", or "dataset weak→strong mode" when seeds are averaged;
    /// arm value, baseline value).
    public var pairs: [(run: String, arm: Double, baseline: Double)]
    public var meanDifference: Double
    public var tTest: TestResult?
    public var wilcoxon: TestResult?
}

extension RunStore {
    /// Compares every arm that shares runs with `baseline` on `metric` (e.g. "pgr_auc", "test_auc").
    /// Tests need at least two pairs; the Wilcoxon test drops zero differences like scipy.
    /// `alternative` is the side of the arm − baseline difference the tests look for (the EleutherAI post
    /// reports one-sided tests, `.greater`).
    public func compare(metric: String, baseline: String, dataset: String? = nil,
                        alternative: Alternative = .twoSided, averagingSeeds: Bool = false) throws -> [ArmComparison] {
        var newest: [String: [String: (created: String, value: Double)]] = [:]   // arm → experiment → value
        for run in try runs(dataset: dataset) where run.status == "finished" {
            let experiment = "\(run.dataset) s\(run.seed) \(run.weakModel)→\(run.strongModel) \(run.mode)"
            for m in try metrics(runID: run.id) where m.name == metric {
                if let seen = newest[m.stage]?[experiment], seen.created > run.created { continue }
                newest[m.stage, default: [:]][experiment] = (run.created, m.value)
            }
        }
        var values = newest.mapValues { $0.mapValues(\.value) }
        if averagingSeeds {
            // "sst2 s3 w→s head" → "sst2 w→s head"; a seed whose value is not finite drops out of its mean.
            values = values.mapValues { perExperiment in
                Dictionary(grouping: perExperiment.filter { $0.value.isFinite }) { entry in
                    entry.key.split(separator: " ").enumerated().filter { $0.offset != 1 }.map(\.element).joined(separator: " ")
                }.mapValues { seeds in seeds.map(\.value).reduce(0, +) / Double(seeds.count) }
            }
        }
        guard let base = values[baseline] else {
            throw ExperimentError.invalid("no finished run has metric '\(metric)' for '\(baseline)'; see the stages with `w2s results`")
        }
        return values.keys.sorted().filter { $0 != baseline }.compactMap { arm in
            let pairs = values[arm]!.keys.sorted().compactMap { run in base[run].map { (run: run, arm: values[arm]![run]!, baseline: $0) } }
                .filter { $0.arm.isFinite && $0.baseline.isFinite }
            guard !pairs.isEmpty else { return nil }
            let a = pairs.map(\.arm), b = pairs.map(\.baseline)
            let differences = zip(a, b).map { $0 - $1 }
            let varies = Set(differences).count > 1
            return ArmComparison(arm: arm, baseline: baseline, metric: metric, pairs: pairs,
                                 meanDifference: differences.reduce(0, +) / Double(differences.count),
                                 tTest: pairs.count >= 2 && varies ? pairedTTest(a, b, alternative: alternative) : nil,
                                 wilcoxon: pairs.count >= 2 ? wilcoxonSignedRank(a, b, alternative: alternative) : nil)
        }
    }
}

extension ArmComparison {
    /// An SVG bar chart of the compared values: for each experiment, the baseline then every arm, so the
    /// per-dataset spread behind a mean difference is visible at a glance.
    public static func chart(_ comparisons: [ArmComparison]) -> String {
        guard let first = comparisons.first else { return Charts.bars(title: "no comparisons", valueLabel: "", bars: []) }
        let experiments = Array(Set(comparisons.flatMap { $0.pairs.map(\.run) })).sorted()
        var bars: [(name: String, value: Double)] = []
        for experiment in experiments {
            if let base = comparisons.lazy.compactMap({ $0.pairs.first { $0.run == experiment }?.baseline }).first {
                bars.append(("\(experiment) · \(first.baseline)", base))
            }
            for c in comparisons {
                if let pair = c.pairs.first(where: { $0.run == experiment }) { bars.append(("\(experiment) · \(c.arm)", pair.arm)) }
            }
        }
        return Charts.bars(title: "\(first.metric): each arm against \(first.baseline), per experiment", valueLabel: first.metric, bars: bars)
    }
}
