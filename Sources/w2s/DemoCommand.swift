import ArgumentParser
import Datasets
import Experiments

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "The built-in default experiment: \(ExperimentDefaults.mode.rawValue) mode, \(ExperimentDefaults.weakModel) → \(ExperimentDefaults.strongModel), \(HelpText.list(ExperimentDefaults.losses.map(\.argument))) students on \(HelpText.list(ExperimentDefaults.demoDatasets)).")

    @OptionGroup(title: "Data") var data: DataOptions
    @OptionGroup var experiment: ExperimentOptions

    func run() throws {
        try experiment.execute(try experiment.configs(datasets: data.datasets.values, sizes: SplitSizes(counts: data.demoSizes.values)))
    }

    /// What the demo runs on.
    struct DataOptions: ParsableArguments {
        @Option(help: "Datasets of the demo.") var datasets = CommaSeparated(ExperimentDefaults.demoDatasets)
        @Option(help: ArgumentHelp("Demo split sizes weak-train,strong-train,validation,test.", valueName: "weak,strong,validation,test"))
        var demoSizes = CommaSeparated(ExperimentDefaults.demoSizes.counts)

        func validate() throws {
            try validateDatasets(datasets.values, option: "--datasets")
            try validateSizes(demoSizes.values, option: "--demo-sizes")
        }
    }
}
