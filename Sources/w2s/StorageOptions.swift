import ArgumentParser
import Datasets
import Foundation

/// Where runs are written and raw datasets read (`run`, `demo`; `results` and `compare` read `--runs-dir` only).
struct StorageOptions: ParsableArguments {
    static let defaultRunsDirectory = "runs"

    @Option(help: "Where runs, the run store and caches live.") var runsDir = StorageOptions.defaultRunsDirectory
    @Option(help: "Folder of raw datasets (default: ../shared/datasets when present, else $W2S_DATA).") var dataDir: String?

    /// The folder of the registered datasets.
    func dataDirectory() throws -> URL { try DataDirectory.resolve(dataDir) }
}
