import ArgumentParser
import Datasets
import Experiments
import Training

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run weak-to-strong experiments end to end: weak supervisor, weak labels, strong ceiling, strong students, PGR.",
        discussion: discussion)

    @OptionGroup(title: "Data") var data: DataOptions
    @OptionGroup var experiment: ExperimentOptions

    func run() throws {
        try experiment.execute(try experiment.configs(datasets: data.datasets.values, sizes: SplitSizes(counts: data.sizes.values)))
    }

    /// What to run on.
    struct DataOptions: ParsableArguments {
        @Option(name: .customLong("dataset"), help: "Datasets, comma separated: names from `w2s datasets list`, or your own .jsonl/.csv/.tsv files (see --text-column).")
        var datasets: CommaSeparated<String>
        @Option(help: ArgumentHelp("Split sizes weak-train,strong-train,validation,test (balanced; capped by the data).",
                                   valueName: "weak,strong,validation,test"))
        var sizes = CommaSeparated(ExperimentDefaults.sizes.counts)

        func validate() throws {
            try validateDatasets(datasets.values, option: "--dataset")
            try validateSizes(sizes.values, option: "--sizes")
        }
    }

    private static var discussion: String {
        let adam = AdamW.Hyperparameters()
        let rates = HelpText.perMode { mode in
            [false, true].map { HelpText.number(ExperimentDefaults.learningRate(mode: mode, strong: $0)) }.joined(separator: "/")
        }
        return """
        Defaults follow EleutherAI's w2s: AdamW (β2 \(HelpText.number(adam.beta2)), weight decay \(HelpText.number(adam.weightDecay))), \
        \(ExperimentDefaults.epochs) epochs, effective batch \(ExperimentDefaults.batchSize) by gradient accumulation, cosine schedule \
        with \(ExperimentDefaults.warmupSteps) warm-up steps, evaluation ~12 times per run keeping the best checkpoint by \
        validation AUC (students: AUC against the weak labels, never ground truth). Learning rates (weak/strong): \(rates); \
        full uses EleutherAI's, the head mode (linear head on standardised cached activations) a larger one. At CPU \
        scale a lora stage takes ~100 steps, not EleutherAI's ~1000: with their strong rate 8e-5 the MPNet ceiling on 300 \
        SST-2 examples reached only 0.67 validation AUC (below the weak model), with 5e-4 0.93, so lora uses 5e-4 for \
        both models (RESULTS.md). Finished stages \
        are cached by the content of their inputs: rerunning the same command resumes a killed run and recomputes nothing done. \
        Each run's results.md also gives every student's test AUC and PGR under three stop rules (early stopping on the \
        weak labels, the last step, the ground-truth oracle step) and its misfit with the weak supervisor beside its gain \
        (Charikar et al. 2024).
        """
    }
}
