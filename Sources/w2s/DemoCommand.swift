import ArgumentParser
import Datasets
import Experiments
import Foundation

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "The built-in default experiment: \(ExperimentDefaults.mode.rawValue) mode, \(ExperimentDefaults.weakModel) → \(ExperimentDefaults.strongModel), \(HelpText.list(ExperimentDefaults.losses.map(\.argument))) students on \(HelpText.list(ExperimentDefaults.demoDatasets)).",
        discussion: "A dataset that no data folder holds is first downloaded from its pinned source (or --mirror) and verified, as `w2s datasets download` does.")

    @OptionGroup(title: "Data") var data: DataOptions
    @OptionGroup var experiment: ExperimentOptions

    func run() throws {
        let configs = try experiment.configs(datasets: data.datasets.values, sizes: SplitSizes(counts: data.demoSizes.values))
        try downloadMissing(configs)
        try experiment.execute(configs)
    }

    /// The demo's registered datasets that the folder each would be read from lacks: downloaded into --data-dir,
    /// else $W2S_DATA, else the cache, so the demo works on a machine that has only the internet (or a mirror).
    func downloadMissing(_ configs: [ExperimentConfig]) throws {
        var missing: [DatasetDefinition] = []
        for config in configs {
            for name in config.registeredDatasets where !missing.contains(where: { $0.name == name }) {
                guard !DatasetRegistry.standard.isPresent(name, dataDirectory: try experiment.storage.dataDirectory(for: [name])) else { continue }
                missing.append(try DatasetRegistry.standard.definition(name))
            }
        }
        guard !missing.isEmpty else { return }
        let target = DataDirectory.downloadTarget(experiment.storage.dataDir)
        StandardError.write("demo: \(missing.map(\.name).joined(separator: ", ")) not found in any data folder; downloading (pinned, verified)\n")
        try DatasetDownloads.run(missing, into: target, mirror: try DatasetMirror.choose(option: data.mirror), quiet: experiment.quiet)
    }

    /// What the demo runs on.
    struct DataOptions: ParsableArguments {
        @Option(help: "Datasets of the demo.") var datasets = CommaSeparated(ExperimentDefaults.demoDatasets)
        @Option(help: ArgumentHelp("Demo split sizes weak-train,strong-train,validation,test.", valueName: "weak,strong,validation,test"))
        var demoSizes = CommaSeparated(ExperimentDefaults.demoSizes.counts)
        @Option(help: ArgumentHelp(DatasetDownloads.mirrorHelp)) var mirror: String?

        func validate() throws {
            try validateDatasets(datasets.values, option: "--datasets")
            try validateSizes(demoSizes.values, option: "--demo-sizes")
            if let mirror {
                do { _ = try DatasetMirror(parsing: mirror) } catch { throw ValidationError("--mirror: \(error)") }
            }
        }
    }
}
