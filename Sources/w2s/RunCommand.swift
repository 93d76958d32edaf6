import Analysis
import ArgumentParser
import Datasets
import Experiments
import Foundation
import Training
import Transformers

/// Column names of a researcher's own .jsonl/.csv/.tsv file (`run`, `demo`, `datasets show`).
struct UserFileOptions: ParsableArguments {
    @Option(help: "Your own .jsonl/.csv/.tsv files: the text column.") var textColumn = "text"
    @Option(help: "Your own files: an optional second text column, tokenized as a pair with the first.") var pairColumn: String?
    @Option(help: "Your own files: the label column (0/1, true/false, or two class names: sorted, the first is 0).") var labelColumn = "label"
    @Option(help: "Your own files: a column naming the source question; rows sharing it stay in one split (default: each row alone).")
    var groupColumn: String?

    var format: UserDatasetFormat {
        UserDatasetFormat(textColumn: textColumn, pairColumn: pairColumn, labelColumn: labelColumn, groupColumn: groupColumn)
    }
}

/// Options shared by `run` and `demo`.
struct ExperimentOptions: ParsableArguments {
    @Option(help: "Weak supervisor model (NAME or NAME@k for its first k layers).") var weak = "all-MiniLM-L6-v2"
    @Option(help: "Strong student/ceiling model.") var strong = "all-mpnet-base-v2"
    @Option(help: "Training mode: head (frozen backbone, cached activations, linear head), lora (rank-r adapters + head), full.")
    var mode: TrainingMode = .head
    @Option(help: "Student losses, comma separated: xent, logconf, logconf-balanced, entropy, window.") var loss = "xent,logconf"
    @Option(help: "α_max of the logconf and entropy losses (warmed up linearly over the first --alpha-warmup of steps).") var alpha: Float = 0.5
    @Option(help: "Share of training over which α rises from 0 to α_max (Burns et al.: 0.2). With few steps, a later ramp lets the student learn before it hardens its own predictions.")
    var alphaWarmup: Float = 0.2
    @Option(help: "Seeds, comma separated (one run each).") var seeds = "0"
    @Option(help: "Split sizes weak-train,strong-train,validation,test (balanced; capped by the data).") var sizes = "1000,1000,300,1000"
    @Option(help: "Maximum tokens per example (special tokens included).") var maxLength = 128
    @Option(help: "Epochs (default 3).") var epochs = 3
    @Option(help: "Learning rate of the weak model (default: 1e-3 head, 5e-4 lora/full).") var lrWeak: Float?
    @Option(help: "Learning rate of the strong model (default: 1e-3 head, 8e-5 lora/full).") var lrStrong: Float?
    @Option(help: "Effective batch size (gradient accumulation over micro-batches).") var batchSize = 32
    @Option(help: "Micro-batch size: sequences per forward/backward pass, gradients accumulated up to --batch-size (default: 32 head, 8 lora/full). Smaller uses less memory.")
    var microBatchSize: Int?
    @Option(help: "Evaluate on validation (and the test set, for the oracle-stop curve) every N optimizer steps (default: about 12 evaluations per stage).")
    var evalEvery: Int?
    @Option(help: "LoRA rank.") var loraRank = 8
    @Option(help: "Interventions after the vanilla students, comma separated, or all/none: strong-to-strong, bootstrap, probe, filter, relabel, linearity, probe-sweep. Their students use the first loss.")
    var methods = "none"
    @Option(help: "Strong-model layer the probes read (default: the middle layer).") var probeLayer: Int?
    @Option(help: "k of the kNN probe (neighbours by cosine similarity of mean-pooled activations).") var knnK = 50
    @Option(help: "L2 penalty λ of the logistic probe (λ‖w‖² on standardised activations).") var logisticPenalty = 1e-2
    @Option(help: "Fraction of strong-train that filtering removes.") var filterFraction = 0.1
    @Option(help: "k of both TopoFilter steps.") var topoK = 50
    @Option(help: "Strong-to-strong relabeling iterations.") var strongToStrongIterations = 2
    @Option(help: "Intermediate bootstrapping rungs between weak and strong, comma separated (default: the strong model at half depth).")
    var bootstrapVia: String?
    @Option(help: "Where runs, the run store and caches live.") var runsDir = "runs"
    @Option(help: "Folder of raw datasets (default: ../shared/datasets when present, else $W2S_DATA).") var dataDir: String?
    @Flag(help: "No progress display.") var quiet = false
    @OptionGroup var userFile: UserFileOptions

    /// Registered names stay names; a .jsonl/.csv/.tsv path becomes a user data source, read and checked now.
    func dataSources(_ arguments: [String]) throws -> [(name: String, userData: UserDataSource?)] {
        try arguments.map { argument in
            if UserDataSource.namesFile(argument) {
                let source = try UserDataSource(file: URL(fileURLWithPath: argument), format: userFile.format)
                return (source.name, source)
            }
            _ = try DatasetRegistry.standard.definition(argument)
            return (argument, nil)
        }
    }

    func configs(datasets: [String]) throws -> [ExperimentConfig] {
        let parts = sizes.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 4, parts.allSatisfy({ $0 >= 4 }) else {
            throw ValidationError("--sizes takes four numbers ≥ 4: weak-train,strong-train,validation,test")
        }
        let losses = try loss.split(separator: ",").map {
            try LossKind(parsing: String($0).trimmingCharacters(in: .whitespaces), alphaMax: alpha, warmupFraction: alphaWarmup)
        }
        guard alpha >= 0, alpha <= 1, alphaWarmup >= 0, alphaWarmup <= 1 else {
            throw ValidationError("--alpha and --alpha-warmup must lie in [0, 1]")
        }
        let seedList = try seeds.split(separator: ",").map { s -> UInt64 in
            guard let v = UInt64(s.trimmingCharacters(in: .whitespaces)) else { throw ValidationError("--seeds: '\(s)' is not a number") }
            return v
        }
        _ = try ModelReference(parsing: weak); _ = try ModelReference(parsing: strong)
        let methodList = try Intervention.parse(list: methods)
        var settings = InterventionSettings()
        settings.probeLayer = probeLayer; settings.knnK = knnK; settings.logisticPenalty = logisticPenalty
        settings.filterFraction = filterFraction; settings.topoK = topoK; settings.strongToStrongIterations = strongToStrongIterations
        if let bootstrapVia {
            settings.bootstrapVia = bootstrapVia.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            for rung in settings.bootstrapVia! { _ = try ModelReference(parsing: rung) }
        }
        guard batchSize >= 1, (microBatchSize ?? 1) >= 1, (evalEvery ?? 1) >= 1 else {
            throw ValidationError("--batch-size, --micro-batch-size and --eval-every must be ≥ 1")
        }
        guard knnK >= 1, topoK >= 1, logisticPenalty >= 0, (0..<1).contains(filterFraction), strongToStrongIterations >= 1 else {
            throw ValidationError("--knn-k and --topo-k must be ≥ 1, --logistic-penalty ≥ 0, --filter-fraction in [0, 1), --strong-to-strong-iterations ≥ 1")
        }
        return try dataSources(datasets).flatMap { dataset, userData in seedList.map { seed in
            var weakTraining = ExperimentConfig.defaultTraining(mode: mode, strong: false, seed: seed)
            var strongTraining = ExperimentConfig.defaultTraining(mode: mode, strong: true, seed: seed)
            for t in [\TrainingConfig.epochs] { weakTraining[keyPath: t] = epochs; strongTraining[keyPath: t] = epochs }
            weakTraining.batchSize = batchSize; strongTraining.batchSize = batchSize
            if let microBatchSize { weakTraining.microBatchSize = microBatchSize; strongTraining.microBatchSize = microBatchSize }
            weakTraining.evalEvery = evalEvery; strongTraining.evalEvery = evalEvery
            if let lrWeak { weakTraining.learningRate = lrWeak }
            if let lrStrong { strongTraining.learningRate = lrStrong }
            return ExperimentConfig(dataset: dataset, sizes: SplitSizes(weakTrain: parts[0], strongTrain: parts[1], validation: parts[2], test: parts[3]),
                                    seed: seed, weakModel: weak, strongModel: strong, mode: mode, losses: losses,
                                    weakTraining: weakTraining, strongTraining: strongTraining, maxLength: maxLength,
                                    loraRank: loraRank, loraAlpha: Float(2 * loraRank), methods: methodList, interventions: settings,
                                    userData: userData)
        } }
    }

    func execute(_ configs: [ExperimentConfig]) throws -> [RunSummary] {
        let root = URL(fileURLWithPath: runsDir)
        let store = try RunStore(url: root.appendingPathComponent("runs.sqlite"))
        let dataDirectory = try DataDirectory.resolve(dataDir)
        var summaries: [RunSummary] = []
        for (i, config) in configs.enumerated() {
            let pipeline = WeakToStrongPipeline(config: config, runsRoot: root, dataDirectory: dataDirectory,
                                                progress: ProgressDisplay(quiet: quiet))
            if !quiet { FileHandle.standardError.write(Data("▶ run \(i + 1)/\(configs.count): \(config.runName)\n".utf8)) }
            summaries.append(try pipeline.run(store: store))
        }
        return summaries
    }
}

func printTables(_ summaries: [RunSummary], runsDir: String) {
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

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run weak-to-strong experiments end to end: weak supervisor, weak labels, strong ceiling, strong students, PGR.",
        discussion: """
        Defaults follow EleutherAI's w2s: AdamW (β2 0.95, weight decay 0.1), 3 epochs, effective batch 32 by gradient \
        accumulation, cosine schedule with 40 warm-up steps, evaluation ~12 times per run keeping the best checkpoint by \
        validation AUC (students: AUC against the weak labels, never ground truth). lora/full use lr 5e-4 (weak) and 8e-5 \
        (strong); the head mode (linear head on standardised cached activations) uses 1e-3. At CPU scale a lora stage \
        takes tens of steps, not EleutherAI's ~1000: with 8e-5 the MPNet ceiling on 300 SST-2 examples reached only \
        0.67 validation AUC (below the weak model); --lr-strong 5e-4 gave 0.93 (RESULTS.md). Finished stages are cached by \
        the content of their inputs: rerunning the same command resumes a killed run and recomputes nothing done.
        """)

    @Option(name: .customLong("dataset"), help: "Datasets, comma separated: names from `w2s datasets list`, or your own .jsonl/.csv/.tsv files (see --text-column).")
    var datasets: String
    @OptionGroup var options: ExperimentOptions

    func run() throws {
        let names = datasets.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
        let summaries = try options.execute(try options.configs(datasets: names))
        printTables(summaries, runsDir: options.runsDir)
    }
}

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "The built-in default experiment: head mode, MiniLM-L6 → MPNet, xent and logconf students on sst2, twitter_sentiment and ag_news.")

    @OptionGroup var options: ExperimentOptions
    @Option(help: "Datasets of the demo.") var datasets = "sst2,twitter_sentiment,ag_news"
    @Option(help: "Demo split sizes weak-train,strong-train,validation,test.") var demoSizes = "500,500,200,500"

    func run() throws {
        var options = options
        options.sizes = demoSizes
        let summaries = try options.execute(try options.configs(datasets: datasets.split(separator: ",").map(String.init)))
        printTables(summaries, runsDir: options.runsDir)
    }
}

struct ResultsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "results", abstract: "Query finished runs in the run store (SQLite).")
    @Option(help: "Where runs live.") var runsDir = "runs"
    @Option(help: "Only this dataset.") var dataset: String?
    @Option(help: "A read-only SQL query over tables runs, metrics, stage_timings.") var sql: String?

    func run() throws {
        let store = try RunStore(url: URL(fileURLWithPath: runsDir).appendingPathComponent("runs.sqlite"))
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
}

extension TrainingMode: ExpressibleByArgument {}
extension Alternative: ExpressibleByArgument {}

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Statistics across datasets: each student loss or intervention against a baseline, paired by run (paired t-test, Wilcoxon signed-rank).")
    @Option(help: "Where runs live.") var runsDir = "runs"
    @Option(help: "Metric: pgr_auc, pgr_accuracy, test_auc, test_accuracy, …") var metric = "test_auc"
    @Option(help: "Baseline stage (as in `w2s results`), e.g. student-xent.") var baseline = "student-xent"
    @Option(help: "Only this dataset.") var dataset: String?
    @Option(help: "Alternative hypothesis on arm − baseline: two-sided, greater (the EleutherAI post's one-sided tests) or less.")
    var alternative: Alternative = .twoSided
    @Flag(help: "Average the seeds of each dataset first: one pair per dataset (and models, mode), not per run.")
    var averageSeeds = false
    @Option(help: "Also write an SVG bar chart of every compared value to this file.") var chart: String?

    func run() throws {
        let store = try RunStore(url: URL(fileURLWithPath: runsDir).appendingPathComponent("runs.sqlite"))
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
}
