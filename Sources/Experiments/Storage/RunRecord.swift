import Foundation

/// One run's entry in the run store, written atomically as `record.json` in its run directory: the source of
/// truth of `w2s results` and `w2s compare`. A run is written "running" when it starts and rewritten once
/// when it ends, "finished" together with all its metrics or "failed" with its error, so no reader ever
/// sees a finished run with part of its metrics.
public struct RunRecord: Codable, Sendable, Hashable {
    public enum Status: String, Codable, Sendable {
        case running, finished, failed
        /// Read only: a "running" record whose process is gone (this machine, dead pid).
        case interrupted
    }

    public var id: String
    /// ISO 8601, when the run (last) started.
    public var created: String
    public var dataset: String
    public var seed: Int
    public var weakModel: String
    public var strongModel: String
    public var mode: String
    /// `ExperimentConfig.setting`: runs with equal settings differ only in their arms, so their arms pair.
    public var setting: String
    /// The same without the seed: the seeds of one dataset setting are averaged into one comparison unit.
    public var settingAcrossSeeds: String
    public var losses: [String]
    public var methods: [String]
    public var status: Status
    public var error: String?
    public var host: String
    public var pid: Int32
    /// The Slurm job that ran it ("JOB_TASK" for an array task), so another node can tell a task that died from
    /// one still running: a pid means nothing off its host.
    public var slurmJob: String?
    public var finished: String?
    /// Arm id ("weak", "student-xent", "method:probe:…") → metric name → value (finite values only).
    public var metrics: [String: [String: Double]]
    /// Stage name → seconds and whether it came from the cache.
    public var timings: [String: StageTiming]

    public struct StageTiming: Codable, Sendable, Hashable {
        public var seconds: Double
        public var cached: Bool
        /// CPU seconds (user + system, every thread); nil in records written before they were recorded.
        public var cpuSeconds: Double?
        public init(seconds: Double, cached: Bool, cpuSeconds: Double? = nil) {
            self.seconds = seconds; self.cached = cached; self.cpuSeconds = cpuSeconds
        }
    }

    public init(config: ExperimentConfig, status: Status = .running) {
        id = config.runName
        created = ISO8601DateFormatter().string(from: Date())
        dataset = config.dataset; seed = Int(config.seed)
        weakModel = config.weakModel; strongModel = config.strongModel; mode = config.mode.rawValue
        setting = config.setting; settingAcrossSeeds = config.settingAcrossSeeds
        losses = config.losses.map(\.label); methods = config.methods.map(\.rawValue)
        self.status = status
        host = ProcessInfo.processInfo.hostName; pid = getpid()
        let environment = ProcessInfo.processInfo.environment
        if let array = environment["SLURM_ARRAY_JOB_ID"], let task = environment["SLURM_ARRAY_TASK_ID"] {
            slurmJob = "\(array)_\(task)"
        } else {
            slurmJob = environment["SLURM_JOB_ID"]
        }
        metrics = [:]; timings = [:]
    }
}

extension RunRecord {
    /// The ceiling's metric holding the lower end of the 95% paired bootstrap interval of ceiling − weak test AUC.
    public static let gapLowerEndMetric = "gap_auc_ci_low"

    /// Whether a dataset setting's ceiling − weak gap is established, given that lower end on each of its seeds: the
    /// interval excludes 0 on every seed (false when no seed recorded one). Only there does PGR measure something;
    /// elsewhere it divides by a gap within the test set's noise. The report's overview and `w2s compare
    /// --established-gap` both decide by this.
    public static func gapEstablished(lowerEnds: [Double]) -> Bool {
        !lowerEnds.isEmpty && lowerEnds.allSatisfy { $0 > 0 }
    }

    /// The settings across seeds (`settingAcrossSeeds`) among `runs` whose gap is established, each seed read from
    /// its newest finished run that recorded the interval (as comparisons count the newest run of a setting).
    public static func settingsWithEstablishedGap(_ runs: [RunRecord]) -> Set<String> {
        var newest: [String: RunRecord] = [:]   // setting (one seed) → newest finished run with an interval
        for run in runs where run.status == .finished && run.metrics[Arm.ceiling.id]?[gapLowerEndMetric] != nil {
            if let seen = newest[run.setting], (seen.created, seen.id) > (run.created, run.id) { continue }
            newest[run.setting] = run
        }
        let bySetting = Dictionary(grouping: newest.values, by: \.settingAcrossSeeds)
        return Set(bySetting.filter { gapEstablished(lowerEnds: $0.value.compactMap { $0.metrics[Arm.ceiling.id]?[gapLowerEndMetric] }) }.keys)
    }

    /// The runs of the dataset settings whose gap is established: what `w2s compare --established-gap` compares (the
    /// post likewise leaves out datasets where every model saturates; a PGR over a gap within the test set's noise can
    /// take any value).
    public static func withEstablishedGap(_ runs: [RunRecord]) -> [RunRecord] {
        let kept = settingsWithEstablishedGap(runs)
        return runs.filter { kept.contains($0.settingAcrossSeeds) }
    }
}

extension RunSummary {
    /// What the run store keeps of a summary: every arm's metrics under its id.
    var storedMetrics: [String: [String: Double]] {
        var stored: [String: [String: Double]] = [
            Arm.weak.id: ["test_auc": weak.auc, "test_accuracy": weak.accuracy],
            Arm.ceiling.id: ["test_auc": ceiling.auc, "test_accuracy": ceiling.accuracy, "gap_auc": ceiling.auc - weak.auc],
        ]
        if let g = gapAUCInterval {
            stored[Arm.ceiling.id]![RunRecord.gapLowerEndMetric] = g.lower; stored[Arm.ceiling.id]!["gap_auc_ci_high"] = g.upper
        }
        for a in (weakMembers ?? []) + students + methods {
            var m = ["test_auc": a.test.auc, "test_accuracy": a.test.accuracy,
                     "agreement": a.agreement.overall, "agreement_supervisor_correct": a.agreement.whereSupervisorCorrect,
                     "agreement_supervisor_wrong": a.agreement.whereSupervisorWrong]
            if let p = a.pgrAUC { m["pgr_auc"] = p }
            if let i = a.pgrAUCInterval { m["pgr_auc_ci_low"] = i.lower; m["pgr_auc_ci_high"] = i.upper }
            if let p = a.pgrAccuracy { m["pgr_accuracy"] = p }
            if let o = a.training?.oracleStopAUC { m["oracle_stop_auc"] = o }
            if let o = a.training?.oracleStopPGR { m["oracle_stop_pgr"] = o }
            if let l = a.training?.lastStepAUC { m["last_step_auc"] = l }
            if let l = a.training?.lastStepPGR { m["last_step_pgr"] = l }
            if let misfit = a.misfit {
                m["misfit"] = misfit.squared; m["misfit_kl"] = misfit.kl
                m["gain_auc"] = a.test.auc - weak.auc; m["gain_accuracy"] = a.test.accuracy - weak.accuracy
                if let w = weak.brier, let b = a.test.brier { m["gain_brier"] = w - b }
            }
            stored[a.arm.id] = m
        }
        return stored.mapValues { $0.filter { $0.value.isFinite } }
    }
}
