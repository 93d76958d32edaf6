import Analysis
import ArgumentParser

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Statistics across datasets: each student loss or intervention against a baseline, paired by run (paired t-test, Wilcoxon signed-rank).")

    @Option(help: "Where runs live.") var runsDir = StorageOptions.defaultRunsDirectory
    @Option(help: "Metric: pgr_auc, pgr_accuracy, test_auc, test_accuracy, …") var metric = "test_auc"
    @Option(help: "Baseline stage (as in `w2s results`), e.g. student-xent.") var baseline = "student-xent"
    @Option(help: "Only this dataset.") var dataset: String?
    @Option(help: "Alternative hypothesis on arm − baseline: two-sided, greater (the EleutherAI post's one-sided tests) or less.")
    var alternative: Alternative = .twoSided
    @Flag(help: "Average the seeds of each dataset first: one pair per dataset (and models, mode), not per run.")
    var averageSeeds = false
    @Option(help: "Also write an SVG bar chart of every compared value to this file.") var chart: String?

    func run() throws {
        try Execution.printComparison(runsDirectory: runsDir, metric: metric, baseline: baseline, dataset: dataset,
                                      alternative: alternative, averageSeeds: averageSeeds, chart: chart)
    }
}
