import Analysis
import ArgumentParser
import Experiments
import Foundation

/// The one place `w2s` calls the Experiments run API: the run store (`RunStore`), the pipeline
/// (`WeakToStrongPipeline`) and its summaries (`RunSummary`). The commands parse and check their options, then call here.
enum Execution {
    static func openStore(runsDirectory: String) throws -> RunStore {
        try RunStore(root: URL(fileURLWithPath: runsDirectory))
    }

    /// Runs the configurations in order (finished stages come from the cache) and prints their tables. A run that
    /// fails is recorded as failed with its error and the others go on; the command then exits non-zero.
    /// `dataDirectory` names the folder each run's registered dataset is read from.
    static func run(_ configs: [ExperimentConfig], runsDirectory: String, dataDirectory: (ExperimentConfig) throws -> URL, quiet: Bool) throws {
        let root = URL(fileURLWithPath: runsDirectory)
        let store = try openStore(runsDirectory: runsDirectory)
        var summaries: [RunSummary] = [], failures: [(String, Error)] = []
        for (i, config) in configs.enumerated() {
            let pipeline = WeakToStrongPipeline(config: config, runsRoot: root, dataDirectory: try dataDirectory(config),
                                                progress: ProgressDisplay(quiet: quiet))
            if !quiet { StandardError.write("▶ run \(i + 1)/\(configs.count): \(config.runName)\n") }
            do {
                summaries.append(try pipeline.run())
            } catch {
                failures.append((config.runName, error))
                StandardError.write("✗ \(config.runName) failed: \(error)\n")
            }
        }
        printTables(summaries, runsDir: runsDirectory)
        _ = try? store.writeIndex()
        guard failures.isEmpty else {
            StandardError.write("\n\(failures.count) of \(configs.count) runs failed (recorded as failed; `w2s results` lists them):\n"
                + failures.map { "  \($0.0): \($0.1)" }.joined(separator: "\n") + "\n")
            throw ExitCode.failure
        }
    }

    /// `w2s results`: every run's status and metrics (a table, or long CSV / JSON lines with each run's configuration),
    /// or the rows of a read-only SQL query.
    static func printResults(runsDirectory: String, dataset: String?, sql: String?, format: ResultsExport.Format = .table) throws {
        let store = try openStore(runsDirectory: runsDirectory)
        if format != .table {
            // With each run's configuration (config.json), for pandas.
            let (stored, problems) = store.storedRuns(datasets: dataset.map { [$0] })
            for problem in problems { StandardError.write("skipped: \(problem)\n") }
            print(format == .csv ? ResultsExport.csv(stored) : ResultsExport.jsonl(stored), terminator: "")
            _ = try? store.writeIndex()
            return
        }
        let (runs, problems) = store.load(dataset: dataset)
        for problem in problems { StandardError.write("skipped: \(problem)\n") }
        if let sql {
            let (columns, rows) = try store.query(sql)
            print(columns.joined(separator: "\t"))
            for r in rows { print(r.joined(separator: "\t")) }
            return
        }
        print("run\tstatus\tstage\tmetric\tvalue")
        for run in runs {
            if run.status != .finished {
                print("\(run.id)\t\(run.status.rawValue)\t\t\t\(run.error.map { "error: \($0)" } ?? "")")
                continue
            }
            for m in try store.metrics(runID: run.id) {
                print("\(run.id)\t\(run.status.rawValue)\t\(m.stage)\t\(m.name)\t\(String(format: "%.4f", m.value))")
            }
        }
        if let url = try? store.writeIndex() {
            StandardError.write("SQLite index of these runs: \(url.path)\n")
        }
    }

    /// `w2s report`: one self-contained HTML page about the runs directory; each run's reproducing command is rebuilt
    /// from its configuration and checked by parsing it back (`RunCommandLine`).
    static func writeReport(runsDirectory: String, output: String, datasets: [String], baseline: String,
                            alternative: Alternative) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: runsDirectory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ExperimentError.invalid("no runs directory at \(runsDirectory) (give it with --runs-dir)")
        }
        let store = try openStore(runsDirectory: runsDirectory)
        let (runs, problems) = store.storedRuns(datasets: datasets)
        for problem in problems { StandardError.write("skipped: \(problem)\n") }
        var report = HTMLReport(source: runsDirectory, runs: runs, problems: problems)
        report.baseline = baseline
        report.alternative = alternative
        report.reproduce = { RunCommandLine.reproduction($0, runsDirectory: runsDirectory) }
        try AtomicFile.write(Data(report.render().utf8), to: URL(fileURLWithPath: output))
        let finished = runs.filter { $0.record.status == .finished }.count
        print("Report: \(output) (\(runs.count) runs, \(finished) finished\(datasets.isEmpty ? "" : ", datasets \(datasets.joined(separator: ", "))"))")
    }

    /// `w2s compare`: each arm against the baseline, one pair per dataset setting (seeds averaged) or per run.
    static func printComparison(runsDirectory: String, metric: String, baseline: String, dataset: String?, mode: TrainingMode?,
                                alternative: Alternative, unit: ComparisonUnit, establishedGapOnly: Bool, chart: String?) throws {
        let store = try openStore(runsDirectory: runsDirectory)
        let all = store.runs(dataset: dataset, mode: mode)
        let runs = establishedGapOnly ? RunRecord.withEstablishedGap(all) : all
        let finishedSettings = Set(all.filter { $0.status == .finished }.map(\.settingAcrossSeeds)).count
        if establishedGapOnly && !runs.contains(where: { $0.status == .finished }) {
            throw ExperimentError.invalid("none of the \(finishedSettings) finished dataset settings in \(runsDirectory) "
                                          + "has an established ceiling − weak gap (its 95% interval above 0 on every seed); compare without --established-gap")
        }
        let modes = Set(runs.filter { $0.status == .finished }.map(\.mode))
        if modes.count > 1 {
            StandardError.write("note: these runs use \(modes.count) training modes (\(modes.sorted().joined(separator: ", "))), pooled below; "
                                + "a dataset run in two modes counts twice. Compare one mode at a time with --mode.\n")
        }
        let comparisons = try ArmComparison.compare(runs, metric: metric, baseline: baseline, alternative: alternative, unit: unit)
        func f(_ x: Double?) -> String { x.map { String(format: "%.4g", $0) } ?? "n/a" }
        func spread(_ values: [Double]) -> String {
            let (mean, sd) = meanAndStandardDeviation(values)
            return String(format: "%.4f ± %.4f", mean, sd)
        }
        print("| arm | n (\(unit.rawValue)s) | arm mean ± sd | baseline mean ± sd | mean difference | wins | t | p (t-test) | W | p (Wilcoxon) | Holm p (t-test) | Holm p (Wilcoxon) |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|")
        for c in comparisons {
            let wins = c.pairs.filter { $0.arm > $0.baseline }.count
            let holm = Arm.isReferencePoint(c.arm) ? "– | –" : "\(f(c.tTestHolm)) | \(f(c.wilcoxonHolm))"
            print("| \(c.arm) | \(c.pairs.count) | \(spread(c.pairs.map(\.arm))) | \(spread(c.pairs.map(\.baseline))) | \(String(format: "%+.4f", c.meanDifference)) | \(wins)/\(c.pairs.count) | \(f(c.tTest?.statistic)) | \(f(c.tTest?.pValue)) | \(f(c.wilcoxon?.statistic)) | \(f(c.wilcoxon?.pValue)) | \(holm) |")
        }
        if let chart {
            try AtomicFile.write(Data(ArmComparison.chart(comparisons).utf8), to: URL(fileURLWithPath: chart))
            print("\nChart: \(chart)")
        }
        print("\nMetric \(metric), baseline \(baseline). n counts pairs; one pair per \(unit.explanation). Arms pair only within runs of the same setting (all but the arms equal); the newest run of a setting counts. \(alternative.rawValue) tests; n/a: fewer than two pairs or constant differences. "
              + "Holm: each p adjusted over its column's p-values of the \(ArmComparison.familySize(comparisons)) arms other than weak and ceiling (the reference points), so that Holm p < 0.05 holds the chance of any false finding among them at 5%."
              + (establishedGapOnly ? " Only the \(Set(runs.map(\.settingAcrossSeeds)).count) of \(finishedSettings) dataset settings whose ceiling − weak gap is established (its 95% interval excludes 0 on every seed)." : ""))
        printMisfitGain(MisfitGain.compute(runs))
    }

    /// Misfit against gain across dataset settings (Charikar et al. 2024), one row per arm.
    static func printMisfitGain(_ rows: [MisfitGain]) {
        guard !rows.isEmpty else { return }
        func f(_ x: Double?, _ format: String = "%.4f") -> String { x.map { String(format: format, $0) } ?? "n/a" }
        print("\nMisfit with the weak supervisor against gain over it, across dataset settings (Charikar et al. 2024: gain ≈ misfit):\n")
        print("| arm | n | mean misfit | mean gain test AUC | r(misfit, gain AUC) | mean gain Brier | r(misfit, gain Brier) |")
        print("|---|---|---|---|---|---|---|")
        for row in rows {
            let n = Double(row.points.count)
            let brier = row.points.compactMap(\.gainBrier)
            print("| \(row.arm) | \(row.points.count) | \(f(row.points.map(\.misfit).reduce(0, +) / n)) | \(f(row.points.map(\.gainAUC).reduce(0, +) / n, "%+.4f")) | \(f(row.correlationAUC, "%+.2f")) | \(brier.count == row.points.count ? f(brier.reduce(0, +) / n, "%+.4f") : "n/a") | \(f(row.correlationBrier, "%+.2f")) |")
        }
        print("\nmisfit = mean (p_arm − p_weak)² on test; gains = arm − weak on test (the Brier gain is weak − arm squared error, positive when the arm is better). One point per dataset setting, seeds averaged; Pearson r, n/a below three points. The pooled row joins every arm's points (not independent: they share each dataset's supervisor).")
    }

    private static func printTables(_ summaries: [RunSummary], runsDir: String) {
        guard let first = summaries.first else { return }
        // One table of each kind over every run: the first run's header, then every run's rows.
        for (title, table) in [("", \RunSummary.table), ("Stop rules (test AUC, PGR):\n", \.stopRulesTable), ("Misfit with the weak supervisor and gain over it (test):\n", \.misfitTable)] {
            print("\n" + title + first[keyPath: table].split(separator: "\n").prefix(2).joined(separator: "\n"))
            for s in summaries { print(s[keyPath: table].split(separator: "\n").dropFirst(2).joined(separator: "\n")) }
        }
        print("")
        for s in summaries {
            let stages = s.stageSeconds.sorted { $0.key < $1.key }.map { "\($0.key) \(String(format: "%.2fs", $0.value))\(s.cachedStages.contains($0.key) ? " (cached)" : "")" }
            print("\(s.runName): splits \(s.splitSizes), weak-label accuracy \(String(format: "%.3f", s.weakLabelAccuracy)); \(stages.joined(separator: ", "))")
        }
        // Several seeds of one dataset: the spread, not just one draw.
        let byDataset = Dictionary(grouping: summaries, by: \.config.dataset)
        for (dataset, runs) in byDataset.sorted(by: { $0.key < $1.key }) where runs.count > 1 {
            func spread(_ values: [Double]) -> String {
                let (mean, sd) = meanAndStandardDeviation(values.filter(\.isFinite))
                return String(format: "%.3f ± %.3f", mean, sd)
            }
            print("\n\(dataset), \(runs.count) seeds (mean ± sd): weak AUC \(spread(runs.map(\.weak.auc))), ceiling AUC \(spread(runs.map(\.ceiling.auc)))")
            let arms = runs.map { $0.students + $0.methods }
            for arm in arms[0].map(\.arm) {
                let scores = arms.compactMap { list in list.first { $0.arm == arm } }
                print("  \(arm.id): AUC \(spread(scores.map(\.test.auc))), PGR \(spread(scores.compactMap(\.pgrAUC))) (\(scores.count) seeds)")
            }
        }
        for s in summaries where !s.probeSweep.isEmpty {
            print("\n\(s.runName) probe sweep (test AUC − weak AUC; all points in probe_sweep.csv):")
            for probe in ["knn", "logistic"] {
                for layer in Set(s.probeSweep.map(\.layer)).sorted() {
                    let points = s.probeSweep.filter { $0.probe == probe && $0.layer == layer }
                    print("  \(probe) layer \(layer): " + points.map { String(format: "%@=%g %+.3f", probe == "knn" ? "k" : "λ", $0.parameter, $0.minusWeakAUC) }.joined(separator: "  "))
                }
            }
        }
        print("\nRun directories, predictions and curves: \(runsDir)/<run>/ ; query all runs: w2s results")
    }
}
