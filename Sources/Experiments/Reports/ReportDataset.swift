import Analysis
import Foundation

/// The finished runs of one dataset setting (everything equal but the seed and the arms:
/// `ExperimentConfig.settingAcrossSeeds`), arm by arm and seed by seed: what the report's dataset tables, PGR chart
/// and agreement table show. As in `w2s compare`, when several runs of one setting report an arm (the demo, then the
/// same runs with `--methods`), the newest counts, so no seed is counted twice.
struct ReportDataset {
    var dataset: String
    /// Unique among the report's datasets: the dataset's name, or with models, mode and a setting tag when one
    /// dataset was run in several settings.
    var label: String
    /// A configuration of the setting (any seed), when one was stored.
    var config: ExperimentConfig?
    var runs: [StoredRun]
    var arms: [ReportArm]

    var seeds: [Int] { Array(Set(runs.map(\.record.seed))).sorted() }
    /// A run record of the setting, for what all its runs share (dataset, models, training mode, setting).
    var record: RunRecord { runs[0].record }
    /// The training mode every run of the setting used (`TrainingMode`'s raw value).
    var mode: String { record.mode }

    func arm(_ id: String) -> ReportArm? { arms.first { $0.id == id } }

    /// Whether the ceiling's mean test AUC exceeds the weak supervisor's (nil: one of them is missing). When it does
    /// not, PGR divides by a gap ≤ 0 and measures nothing.
    var ceilingBeatsWeak: Bool? {
        guard let weak = arm(Arm.weak.id)?.spread("test_auc"), let ceiling = arm(Arm.ceiling.id)?.spread("test_auc") else { return nil }
        return ceiling.mean > weak.mean
    }

    /// The lower end of the ceiling − weak gap's paired bootstrap interval, per seed that recorded one.
    var gapLowerEnds: [Double] { arm(Arm.ceiling.id)?.values(RunRecord.gapLowerEndMetric) ?? [] }

    /// Whether the ceiling − weak gap is established (`RunRecord.gapEstablished(lowerEnds:)`).
    var gapEstablished: Bool { RunRecord.gapEstablished(lowerEnds: gapLowerEnds) }

    /// Groups the finished runs by dataset setting, ordered by label.
    static func group(_ runs: [StoredRun]) -> [ReportDataset] {
        let finished = runs.filter { $0.record.status == .finished }
        let settings = Dictionary(grouping: finished, by: \.record.settingAcrossSeeds)
        let byName = Dictionary(grouping: settings.values.compactMap(\.first), by: \.record.dataset)
        let order = armOrder(finished)
        return settings.map { setting, runs -> ReportDataset in
            let first = runs[0].record
            var label = first.dataset
            if byName[first.dataset]!.count > 1 {
                label += " · \(first.weakModel)→\(first.strongModel) \(first.mode) #\(setting.prefix(6))"
            }
            // (arm, seed setting) → newest run reporting the arm.
            var newest: [String: [String: StoredRun]] = [:]
            for run in runs {
                for arm in run.record.metrics.keys {
                    if let seen = newest[arm]?[run.record.setting],
                       (seen.record.created, seen.record.id) > (run.record.created, run.record.id) { continue }
                    newest[arm, default: [:]][run.record.setting] = run
                }
            }
            let arms = newest.keys.sorted { (order[$0] ?? Int.max, $0) < (order[$1] ?? Int.max, $1) }.map { id in
                ReportArm(id: id, seeds: newest[id]!.values.sorted { $0.record.seed < $1.record.seed }.map {
                    ReportArm.Seed(seed: $0.record.seed, runID: $0.record.id, metrics: $0.record.metrics[id] ?? [:], summary: $0.summary)
                })
            }
            return ReportDataset(dataset: first.dataset, label: label, config: runs.lazy.compactMap(\.resolvedConfig).first,
                                 runs: runs, arms: arms)
        }.sorted { ($0.label, $0.record.settingAcrossSeeds) < ($1.label, $1.record.settingAcrossSeeds) }
    }

    /// Arms in the order a run's table lists them: weak, the students in the order of their losses, the ceiling, then
    /// the interventions in the order they ran; arms no summary lists go last by name.
    static func armOrder(_ runs: [StoredRun]) -> [String: Int] {
        var students: [String] = [], methods: [String] = []
        for run in runs {
            guard let summary = run.summary else { continue }
            for a in summary.students where !students.contains(a.arm.id) { students.append(a.arm.id) }
            for a in summary.methods where !methods.contains(a.arm.id) { methods.append(a.arm.id) }
        }
        let ordered = [Arm.weak.id] + students + [Arm.ceiling.id] + methods
        return Dictionary(uniqueKeysWithValues: ordered.enumerated().map { ($0.element, $0.offset) })
    }
}

/// One arm of a dataset setting: its metrics in each seed's newest run.
struct ReportArm {
    struct Seed {
        var seed: Int
        var runID: String
        var metrics: [String: Double]
        var summary: RunSummary?

        /// The arm's score in the run's summary (students and interventions).
        func score(_ id: String) -> ArmScore? { summary.flatMap { ($0.students + $0.methods).first { $0.arm.id == id } } }
    }

    var id: String
    var seeds: [Seed]

    var isStudentOrMethod: Bool { !Arm.isReferencePoint(id) }

    /// A shorter name for narrow places (column headers): "probe: kNN k=50, layer 6" for "method:probe:kNN k=50, layer 6".
    static func shortName(_ id: String) -> String {
        guard id.hasPrefix("method:") else { return id }
        let rest = id.dropFirst("method:".count)
        guard let colon = rest.firstIndex(of: ":") else { return String(rest) }
        return "\(rest[..<colon]): \(rest[rest.index(after: colon)...])"
    }

    /// The metric's finite values over seeds.
    func values(_ metric: String) -> [Double] { seeds.compactMap { $0.metrics[metric] }.filter(\.isFinite) }

    /// Mean, sample standard deviation and count over seeds (nil: no seed reports it).
    func spread(_ metric: String) -> (mean: Double, sd: Double, n: Int)? {
        let v = values(metric)
        guard !v.isEmpty else { return nil }
        let (mean, sd) = meanAndStandardDeviation(v)
        return (mean, sd, v.count)
    }
}
