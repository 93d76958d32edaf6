import ArgumentParser
import Datasets
import Experiments
import Foundation

/// Everything `run` and `demo` share, one help section per group.
struct ExperimentOptions: ParsableArguments {
    @OptionGroup(title: "Models") var models: ModelOptions
    @OptionGroup(title: "Training") var training: TrainingOptions
    @OptionGroup(title: "Interventions") var interventions: InterventionOptions
    @OptionGroup(title: "Storage") var storage: StorageOptions
    @OptionGroup(title: "Your own data files") var userFile: UserFileOptions
    @Flag(help: "No progress display.") var quiet = false

    /// One configuration per dataset and seed, in that order. Your own files are read and checked here, before any run.
    func configs(datasets: [String], sizes: SplitSizes) throws -> [ExperimentConfig] {
        let losses = try training.losses()
        return try datasets.map(dataSource).flatMap { dataset, userData in
            training.seeds.values.map { seed in
                ExperimentConfig(dataset: dataset, sizes: sizes, seed: seed,
                                 weakModel: models.weakModels.joined(separator: ","), strongModel: models.strong, mode: training.mode, losses: losses,
                                 weakTraining: training.training(strong: false, seed: seed),
                                 strongTraining: training.training(strong: true, seed: seed),
                                 maxLength: models.maxLength, loraRank: training.loraRank,
                                 loraAlpha: ExperimentDefaults.loraAlpha(rank: training.loraRank),
                                 trainLayers: training.layers.top, frozenStatePrecision: training.frozenPrecision,
                                 headInput: training.headInput ?? ExperimentDefaults.headInput,
                                 methods: interventions.methods.methods, interventions: interventions.settings,
                                 userData: userData, weakCombination: models.weakCombination)
            }
        }
    }

    /// A registered name stays a name; a .jsonl/.csv/.tsv path becomes a user data source, read and checked now.
    func dataSource(_ argument: String) throws -> (name: String, userData: UserDataSource?) {
        guard UserDataSource.namesFile(argument) else { return (argument, nil) }
        let source = try UserDataSource(file: URL(fileURLWithPath: argument), format: userFile.format)
        return (source.name, source)
    }

    /// Runs the configurations and prints their tables. Each run's dataset folder is looked up for its dataset
    /// (none for your own file); a registered dataset missing there stops the command before any run, with the
    /// command that downloads it.
    func execute(_ configs: [ExperimentConfig]) throws {
        for config in configs {
            for name in config.registeredDatasets {
                try DatasetRegistry.standard.requirePresent(name, dataDirectory: try storage.dataDirectory(for: [name]))
            }
        }
        try Execution.run(configs, runsDirectory: storage.runsDir, dataDirectory: { try storage.dataDirectory(for: $0.registeredDatasets) },
                          quiet: quiet)
    }
}

/// `validate()` of a `--dataset` list: at least one, none twice, registered names known (files are read at run time).
func validateDatasets(_ datasets: [String], option: String) throws {
    try requireDistinctItems(datasets, option: option, items: "dataset")
    for name in datasets where !UserDataSource.namesFile(name) {
        do { _ = try DatasetRegistry.standard.definition(name) } catch { throw ValidationError("\(option): \(error)") }
    }
}

/// `validate()` of split sizes: exactly four numbers ≥ 4.
func validateSizes(_ sizes: [Int], option: String) throws {
    guard sizes.count == 4, sizes.allSatisfy({ $0 >= 4 }) else {
        throw ValidationError("\(option) takes exactly four numbers ≥ 4: weak-train,strong-train,validation,test (got \(sizes.isEmpty ? "none" : sizes.map(String.init).joined(separator: ",")))")
    }
}

extension SplitSizes {
    /// weak-train, strong-train, validation, test.
    var counts: [Int] { [weakTrain, strongTrain, validation, test] }

    /// From four counts that passed `validateSizes`.
    init(counts: [Int]) { self.init(weakTrain: counts[0], strongTrain: counts[1], validation: counts[2], test: counts[3]) }
}
