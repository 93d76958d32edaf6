import ArgumentParser

struct ResultsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "results", abstract: "Every run in a runs directory and its metrics, or a read-only SQL query over them.")

    @Option(help: "Where runs live.") var runsDir = StorageOptions.defaultRunsDirectory
    @Option(help: "Only this dataset.") var dataset: String?
    @Option(help: "A read-only SQL query over tables runs, metrics, stage_timings.") var sql: String?

    func run() throws {
        try Execution.printResults(runsDirectory: runsDir, dataset: dataset, sql: sql)
    }
}
