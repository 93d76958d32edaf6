import ArgumentParser
import Datasets
import Foundation

/// Where runs are written and raw datasets read (`run`, `demo`; `results` and `compare` read `--runs-dir` only).
struct StorageOptions: ParsableArguments {
    static let defaultRunsDirectory = "runs"

    @Option(help: "Where runs, the run store and caches live.") var runsDir = StorageOptions.defaultRunsDirectory
    @Option(help: "Folder of raw datasets (default: ../shared/datasets when present, else $W2S_DATA).") var dataDir: String?

    /// The folder of the registered datasets, looked up only when one is requested or `--data-dir` is given:
    /// a run on your own files needs none. The pipeline reads it for registered datasets only.
    func dataDirectory(needed: Bool) throws -> URL {
        guard needed || dataDir != nil else { return URL(fileURLWithPath: "/nonexistent/w2s-no-dataset-folder-needed") }
        return try DataDirectory.resolve(dataDir)
    }
}
