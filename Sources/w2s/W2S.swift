import ArgumentParser
import Tensors

@main
struct W2S: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "w2s",
        abstract: "Weak-to-strong generalization experiments on real pretrained transformers, on a CPU.",
        subcommands: [
            // One line per command group; each lives in its own file.
            RunCommand.self,
            SweepCommand.self,
            DemoCommand.self,
            ResultsCommand.self,
            CompareCommand.self,
            ReportCommand.self,
            DatasetsCommand.self,
            ModelsCommand.self,
            CacheCommand.self,
            BenchCommand.self,
        ]
    )

    static func main() async {
        OpenBLASEnvironment.restartWithSettingsIfNeeded()   // first: it may replace this process
        AllocatorTuning.reuseLargeBlocks()
        await main(nil)
    }
}
