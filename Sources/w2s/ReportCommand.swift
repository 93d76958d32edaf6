import Analysis
import ArgumentParser
import Experiments

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "One self-contained HTML page about a runs directory: results per dataset, PGR chart, tests against a baseline, agreement, training curves, and the command of every run.",
        discussion: """
        The page opens offline (inline SVG, style and script; nothing is fetched), so it can be mailed or copied off a \
        cluster. Per dataset setting: the weak supervisor, each student, the ceiling and each intervention (test AUC and \
        accuracy, PGR with its bootstrap interval, mean ± sd over seeds); PGR per dataset and arm as a bar chart; each arm \
        against --baseline with datasets as the unit (seeds averaged; paired t-test and Wilcoxon, --alternative); agreement \
        with the weak supervisor; per run its curves, configuration and the `w2s run` command that reproduces it. Failed \
        and interrupted runs are listed with their error. Tables sort when a header is clicked.
        """)

    @Option(help: "Where runs live.") var runsDir = StorageOptions.defaultRunsDirectory
    @Option(help: "The HTML file to write.") var output = "report.html"
    @Option(name: .customLong("dataset"), help: "Only these datasets, comma separated (default: all).")
    var datasets = CommaSeparated<String>([])
    @Option(help: "Baseline arm of the comparisons (as in `w2s results`).") var baseline = "student-xent"
    @Option(help: "Alternative hypothesis on arm − baseline: greater (the EleutherAI post's one-sided tests), two-sided or less.")
    var alternative: Alternative = .greater

    func validate() throws {
        try requireDistinctItems(datasets.values, option: "--dataset", items: "dataset", allowEmpty: true)
        guard !output.isEmpty else { throw ValidationError("--output needs a file name") }
    }

    func run() throws {
        try Execution.writeReport(runsDirectory: runsDir, output: output, datasets: datasets.values, baseline: baseline,
                                  alternative: alternative)
    }
}
