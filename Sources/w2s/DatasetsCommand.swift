import ArgumentParser
import Datasets
import Foundation
import Transformers

struct DatasetsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "datasets", abstract: "List the benchmark datasets and inspect their binary conversion.",
        subcommands: [List.self, Show.self], defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Name, source, pool sizes, balance, split counts and presence of each dataset.")
        @Option(help: "Folder of raw datasets (default: ../shared/datasets when present, else $W2S_DATA).") var dataDir: String?
        @Option(help: "Seed for the split counts.") var seed: UInt64 = 0

        func run() throws {
            let directory = try DataDirectory.resolve(dataDir)
            print("datasets in \(directory.path) (default split sizes \(SplitSizes.cpuDefault.weakTrain)/\(SplitSizes.cpuDefault.strongTrain)/\(SplitSizes.cpuDefault.validation)/\(SplitSizes.cpuDefault.test) weak/strong/val/test):")
            print("name                  pool: train / eval   positive%   splits weak/strong/val/test   train split")
            for definition in DatasetRegistry.standard.definitions {
                let name = definition.name.padding(toLength: 20, withPad: " ", startingAt: 0)
                guard DatasetRegistry.standard.isPresent(definition.name, dataDirectory: directory) else {
                    print("\(name)  missing (expected \(definition.files.joined(separator: ", ")))"); continue
                }
                do {
                    let pools = try DatasetRegistry.standard.pools(definition.name, dataDirectory: directory)
                    let all = (pools.train ?? []) + pools.evaluation
                    let positive = 100 * Double(all.filter { $0.label == 1 }.count) / Double(max(1, all.count))
                    let splits = DatasetRegistry.split(dataset: definition.name, pools: pools, sizes: .cpuDefault, seed: seed)
                    let counts = "\(splits.weakTrain.count)/\(splits.strongTrain.count)/\(splits.validation.count)/\(splits.test.count)"
                    print("\(name)  \(String(pools.train?.count ?? 0).leftPad(6)) / \(String(pools.evaluation.count).leftPad(6))   \(String(format: "%5.1f", positive))%     \(counts.padding(toLength: 26, withPad: " ", startingAt: 0))  \(definition.hasTrainSplit ? "published" : "missing: carved from pool")")
                } catch {
                    print("\(name)  error: \(error)")
                }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Formatted examples with labels and token-length percentiles.")
        @Argument(help: "Dataset name, or your own .jsonl/.csv/.tsv file.") var name: String
        @Option(help: "Folder of raw datasets.") var dataDir: String?
        @Option(help: "Examples to print.") var count = 4
        @Option(help: "Tokenizer for the length percentiles (an installed model).") var tokenizer = "all-mpnet-base-v2"
        @Option(help: "Seed.") var seed: UInt64 = 0
        @OptionGroup var userFile: UserFileOptions

        func run() throws {
            let splits: DatasetSplits
            if UserDataSource.namesFile(name) {
                let source = try UserDataSource(file: URL(fileURLWithPath: name), format: userFile.format)
                splits = try source.splits(sizes: .cpuDefault, seed: seed)
                print("\(source.name): your file \(source.path)\nsplits weak/strong/val/test: \(splits.weakTrain.count)/\(splits.strongTrain.count)/\(splits.validation.count)/\(splits.test.count) (balanced, carved from the file)\n")
            } else {
                let definition = try DatasetRegistry.standard.definition(name)
                splits = try DatasetRegistry.standard.load(name, dataDirectory: try DataDirectory.resolve(dataDir), seed: seed)
                print("\(definition.name): \(definition.summary)\nconversion: \(definition.conversion)\n")
            }
            for example in splits.test.prefix(count) {
                print("[label \(example.label)] \(example.text.prefix(300))\(example.text.count > 300 ? "…" : "")")
                if let pair = example.pairText { print("   pair: \(pair.prefix(200))") }
                print("")
            }
            let model = try ModelStore().locate(ModelReference(parsing: tokenizer))
            let wordPiece = try WordPieceTokenizer.load(modelDirectory: model)
            let lengths = splits.test.map { wordPiece.encode($0.text, pair: $0.pairText).ids.count }.sorted()
            guard !lengths.isEmpty else { return }
            let p = { (q: Double) in lengths[min(lengths.count - 1, Int(q * Double(lengths.count)))] }
            print("token lengths (\(tokenizer) tokenizer, test split, before truncation): p50 \(p(0.5))  p90 \(p(0.9))  p99 \(p(0.99))  max \(lengths.last!)")
        }
    }
}

extension String {
    func leftPad(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
