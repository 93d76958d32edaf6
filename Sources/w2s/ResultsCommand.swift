import ArgumentParser
import Experiments

struct ResultsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "results", abstract: "Every run in a runs directory and its metrics, or a read-only SQL query over them.")

    @Option(help: "Where runs live.") var runsDir = StorageOptions.defaultRunsDirectory
    @Option(help: "Only this dataset.") var dataset: String?
    @Option(help: "A read-only SQL query over tables runs, metrics, stage_timings.") var sql: String?
    @Option(help: "table (tab-separated), or csv / jsonl: one row per run, stage and metric with the run's configuration (run id, dataset, seed, mode, models, sizes, losses and methods joined by ';', setting, status, learning rates, epochs, max length), for pandas.")
    var format: ResultsExport.Format = .table

    func validate() throws {
        if sql != nil, format != .table {
            throw ValidationError("--format \(format.rawValue) exports the runs; --sql prints its rows tab-separated (leave one out)")
        }
    }

    func run() throws {
        try Execution.printResults(runsDirectory: runsDir, dataset: dataset, sql: sql, format: format)
    }
}
