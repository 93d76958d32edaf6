import Analysis
import ArgumentParser
import Experiments
import Training

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Statistics across datasets: each student loss or intervention against a baseline (paired t-test, Wilcoxon signed-rank).",
        discussion: """
        An arm pairs with the baseline only within runs that share every setting but the arms (sizes, learning rates, \
        epochs, batch sizes, maximum length, mode, models, seed); a loss's non-default parameters are part of its arm's \
        name (student-logconf(warm-up=0.6)). By default one pair per dataset setting, its seeds averaged first, as in \
        the EleutherAI post; --unit seed pairs every run. Next to each p-value its Holm adjustment over the arms of \
        the table (weak and ceiling, the reference points, left out): with many arms against one baseline, the \
        adjusted p is the one that holds the chance of any false finding at its level.

        After the table: misfit against gain across datasets (Charikar et al. 2024, "Quantifying the Gain in \
        Weak-to-Strong Generalization": the student's gain over its supervisor is at least its misfit, the mean squared \
        difference of their test probabilities), with their correlation. Stop rules: --metric last_step_pgr or \
        oracle_stop_pgr compares each student's PGR at the last step or at the ground-truth oracle step instead of the \
        early stop on the weak labels (each run's results.md has the three side by side).
        """)

    @Option(help: "Where runs live.") var runsDir = StorageOptions.defaultRunsDirectory
    @Option(help: "Metric: pgr_auc, pgr_accuracy, test_auc, test_accuracy, …") var metric = "test_auc"
    @Option(help: "Baseline arm (as in `w2s results`), e.g. student-xent.") var baseline = Arm.student(.xent).id
    @Option(help: "Only this dataset.") var dataset: String?
    @Option(help: "Only runs of this training mode. A dataset run in head mode and finetuned is two settings but not two independent datasets, so with several modes in the runs directory compare one at a time.")
    var mode: TrainingMode?
    @Option(help: "Alternative hypothesis on arm − baseline: two-sided, greater (the EleutherAI post's one-sided tests) or less.")
    var alternative: Alternative = .twoSided
    @Option(help: "What one pair stands for: dataset (a dataset setting, seeds averaged first) or seed (every run).")
    var unit: ComparisonUnit = .dataset
    @Flag(help: "Only dataset settings whose ceiling − weak gap is established (its 95% interval excludes 0 on every seed): where PGR measures something. The post likewise leaves out datasets where every model saturates.")
    var establishedGap = false
    @Option(help: "Also write an SVG bar chart of every compared value to this file.") var chart: String?

    func run() throws {
        try Execution.printComparison(runsDirectory: runsDir, metric: metric, baseline: baseline, dataset: dataset, mode: mode,
                                      alternative: alternative, unit: unit, establishedGapOnly: establishedGap, chart: chart)
    }
}
