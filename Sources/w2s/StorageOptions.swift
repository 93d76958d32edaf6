import ArgumentParser
import Datasets
import Experiments
import Foundation

/// Where runs are written and raw datasets read (`run`, `demo`; `results` and `compare` read `--runs-dir` only).
struct StorageOptions: ParsableArguments {
    static let defaultRunsDirectory = "runs"
    static let dataDirectoryHelp = "Folder of raw datasets (default: $W2S_DATA, else whichever of ~/.cache/w2s/datasets and ../shared/datasets holds the dataset)."

    @Option(help: "Where runs, the run store and caches live.") var runsDir = StorageOptions.defaultRunsDirectory
    @Option(help: ArgumentHelp(StorageOptions.dataDirectoryHelp)) var dataDir: String?

    /// The folder the registered `datasets` are read from, looked up only when one is requested or `--data-dir`
    /// is given: a run on your own files needs none. The pipeline reads it for registered datasets only.
    func dataDirectory(for datasets: [String]) throws -> URL {
        guard !datasets.isEmpty || dataDir != nil else { return URL(fileURLWithPath: "/nonexistent/w2s-no-dataset-folder-needed") }
        return try DataDirectory.resolve(dataDir, for: datasets)
    }
}

extension ExperimentConfig {
    /// The registered dataset this run reads: its dataset, or none for your own file.
    var registeredDatasets: [String] { userData == nil ? [dataset] : [] }
}
