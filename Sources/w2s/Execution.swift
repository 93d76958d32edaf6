import Analysis
import Experiments
import Foundation

/// The one place `w2s` calls the Experiments run API: the run store (`RunStore`), the pipeline
/// (`WeakToStrongPipeline`) and its summaries (`RunSummary`). The commands parse and check their options, then call here.
enum Execution {
    static func openStore(runsDirectory: String) throws -> RunStore {
        try RunStore(url: URL(fileURLWithPath: runsDirectory).appendingPathComponent("runs.sqlite"))
    }

    /// Runs the configurations in order (finished stages come from the cache) and prints their tables.
    static func run(_ configs: [ExperimentConfig], runsDirectory: String, dataDirectory: URL, quiet: Bool) throws {
        let root = URL(fileURLWithPath: runsDirectory)
        let store = try openStore(runsDirectory: runsDirectory)
        var summaries: [RunSummary] = []
        for (i, config) in configs.enumerated() {
            let pipeline = WeakToStrongPipeline(config: config, runsRoot: root, dataDirectory: dataDirectory,
                                                progress: ProgressDisplay(quiet: quiet))
            if !quiet { FileHandle.standardError.write(Data("▶ run \(i + 1)/\(configs.count): \(config.runName)\n".utf8)) }
            summaries.append(try pipeline.run(store: store))
        }
        printTables(summaries, runsDir: runsDirectory)
    }

    /// `w2s results`: every finished run's metrics, or the rows of a read-only SQL query.
    static func printResults(runsDirectory: String, dataset: String?, sql: String?) throws {
        let store = try openStore(runsDirectory: runsDirectory)
        if let sql {
            let (columns, rows) = try store.query(sql)
            print(columns.joined(separator: "\t"))
            for r in rows { print(r.joined(separator: "\t")) }
            return
        }
        print("run\tstatus\tstage\tmetric\tvalue")
        for run in try store.runs(dataset: dataset) {
            for m in try store.metrics(runID: run.id) {
                print("\(run.id)\t\(run.status)\t\(m.stage)\t\(m.name)\t\(String(format: "%.4f", m.value))")
            }
        }
    }

    /// `w2s compare`: each arm against the baseline, paired by run (or by dataset with `averageSeeds`).
    static func printComparison(runsDirectory: String, metric: String, baseline: String, dataset: String?,
                                alternative: Alternative, averageSeeds: Bool, chart: String?) throws {
        let store = try openStore(runsDirectory: runsDirectory)
        let comparisons = try store.compare(metric: metric, baseline: baseline, dataset: dataset,
                                            alternative: alternative, averagingSeeds: averageSeeds)
        func f(_ x: Double?) -> String { x.map { String(format: "%.4g", $0) } ?? "n/a" }
        func spread(_ values: [Double]) -> String {
            let (mean, sd) = meanAndStandardDeviation(values)
            return String(format: "%.4f ± %.4f", mean, sd)
        }
        print("| arm | pairs | arm mean ± sd | baseline mean ± sd | mean difference | t | p (t-test) | W | p (Wilcoxon) |")
        print("|---|---|---|---|---|---|---|---|---|")
        for c in comparisons {
            print("| \(c.arm) | \(c.pairs.count) | \(spread(c.pairs.map(\.arm))) | \(spread(c.pairs.map(\.baseline))) | \(String(format: "%+.4f", c.meanDifference)) | \(f(c.tTest?.statistic)) | \(f(c.tTest?.pValue)) | \(f(c.wilcoxon?.statistic)) | \(f(c.wilcoxon?.pValue)) |")
        }
        let unit = averageSeeds ? "dataset (seeds averaged), models and mode" : "experiment (dataset, seed, models, mode)"
        if let chart {
            try Data(ArmComparison.chart(comparisons).utf8).write(to: URL(fileURLWithPath: chart), options: .atomic)
            print("\nChart: \(chart)")
        }
        print("\nBaseline \(baseline); one pair per \(unit), from the newest finished run. \(alternative.rawValue) tests; n/a: fewer than two pairs or constant differences.")
    }

    private static func printTables(_ summaries: [RunSummary], runsDir: String) {
        guard let first = summaries.first else { return }
        print("\n" + first.table.split(separator: "\n").prefix(2).joined(separator: "\n"))
        for s in summaries { print(s.table.split(separator: "\n").dropFirst(2).joined(separator: "\n")) }
        print("")
        for s in summaries {
            let stages = s.stageSeconds.sorted { $0.key < $1.key }.map { "\($0.key) \(String(format: "%.2fs", $0.value))\(s.cachedStages.contains($0.key) ? " (cached)" : "")" }
            print("\(s.runName): splits \(s.splitCounts["weak_train"]!)/\(s.splitCounts["strong_train"]!)/\(s.splitCounts["validation"]!)/\(s.splitCounts["test"]!), weak-label accuracy \(String(format: "%.3f", s.weakLabelAccuracy)); \(stages.joined(separator: ", "))")
        }
        // Several seeds of one dataset: the spread, not just one draw.
        let byDataset = Dictionary(grouping: summaries, by: \.config.dataset)
        for (dataset, runs) in byDataset.sorted(by: { $0.key < $1.key }) where runs.count > 1 {
            func spread(_ values: [Double]) -> String {
                let (mean, sd) = meanAndStandardDeviation(values.filter(\.isFinite))
                return String(format: "%.3f ± %.3f", mean, sd)
            }
            print("\n\(dataset), \(runs.count) seeds (mean ± sd): weak AUC \(spread(runs.map(\.weak.auc))), ceiling AUC \(spread(runs.map(\.ceiling.auc)))")
            for (i, student) in runs[0].students.enumerated() {
                print("  student \(student.loss): AUC \(spread(runs.map { $0.students[i].test.auc })), PGR \(spread(runs.compactMap { $0.students[i].pgrAUC }))")
            }
            for (i, method) in runs[0].methods.enumerated() where runs.allSatisfy({ $0.methods.count == runs[0].methods.count }) {
                print("  \(method.method) \(method.variant): AUC \(spread(runs.map { $0.methods[i].test.auc })), PGR \(spread(runs.compactMap { $0.methods[i].pgrAUC }))")
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
