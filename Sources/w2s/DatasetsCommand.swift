import ArgumentParser
import Datasets
import Foundation
import Transformers

struct DatasetsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "datasets", abstract: "List, download and inspect the benchmark datasets.",
        subcommands: [List.self, Download.self, Show.self], defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Each dataset: pool sizes, balance, split counts, where it is read from (files verified), where it came from and its licence.")
        @Option(help: ArgumentHelp(StorageOptions.dataDirectoryHelp)) var dataDir: String?
        @Option(help: "Seed for the split counts.") var seed: UInt64 = 0

        func run() throws {
            let searched = dataDir.map { "--data-dir \($0)" }
                ?? ProcessInfo.processInfo.environment[DataDirectory.environmentVariable].flatMap { $0.isEmpty ? nil : "$W2S_DATA=\($0)" }
                ?? "whichever of " + DataDirectory.defaultCandidates().map(\.path).joined(separator: " and ") + " holds it"
            print("datasets, read from \(searched) (default split sizes \(SplitSizes.cpuDefault.weakTrain)/\(SplitSizes.cpuDefault.strongTrain)/\(SplitSizes.cpuDefault.validation)/\(SplitSizes.cpuDefault.test) weak/strong/val/test):")
            print("name                  pool: train / eval   positive%   splits weak/strong/val/test   train split")
            for definition in DatasetRegistry.standard.definitions {
                let name = definition.name.padding(toLength: 20, withPad: " ", startingAt: 0)
                let directory = try DataDirectory.resolve(dataDir, for: [definition.name])
                let origin = "from \(definition.source.origin) · licence: \(definition.source.licence.nonCommercial ? "NON-COMMERCIAL use only: " : "")\(definition.source.licence.terms)"
                guard DatasetRegistry.standard.isPresent(definition.name, dataDirectory: directory) else {
                    print("\(name)  missing: \(DataDirectory.downloadCommand(definition.name, into: directory))")
                    print("      \(origin)")
                    continue
                }
                let folder = directory.appendingPathComponent(definition.folder)
                let problems = definition.source.files.compactMap { file -> String? in
                    switch DatasetDownloader.state(of: file, at: folder.appendingPathComponent(file.name)) {
                    case .verified: return nil
                    case .missing: return "\(file.name) unreadable"
                    case let .wrongSize(size): return "\(file.name) has \(size) bytes, pinned \(file.bytes)"
                    case .wrongHash: return "\(file.name) differs from the pinned sha256"
                    }
                }
                let state = problems.isEmpty ? "present in \(directory.path), verified"
                    : "present in \(directory.path), NOT the pinned files (\(problems.joined(separator: "; "))): \(DataDirectory.downloadCommand(definition.name, into: directory)) replaces them"
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
                print("      \(state)")
                print("      \(origin)")
            }
        }
    }

    struct Download: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Download datasets' raw files from their pinned sources (or a mirror), verifying each file's size and sha256.",
            discussion: """
            Each raw file is fetched from its public repository at the commit it was pinned at (or from --mirror), \
            written to a temporary name, verified against its pinned size and sha256 and only then renamed into place. \
            An interrupted download resumes from where it stopped when run again; files already present and verified \
            are not fetched again. Target: --data-dir, else $\(DataDirectory.environmentVariable), else ~/.cache/w2s/datasets.
            """)
        @Argument(help: "Datasets (names from `w2s datasets list`; a folder such as ethics means all its tasks), or all (the default).")
        var names: [String] = []
        @Option(help: "Folder to download into (default: $W2S_DATA, else ~/.cache/w2s/datasets).") var dataDir: String?
        @Option(help: ArgumentHelp(DatasetDownloads.mirrorHelp)) var mirror: String?
        @Flag(help: "No progress display.") var quiet = false

        func validate() throws {
            _ = try DatasetDownloads.definitions(names)
            if let mirror {
                do { _ = try DatasetMirror(parsing: mirror) } catch { throw ValidationError("--mirror: \(error)") }
            }
        }

        func run() throws {
            try DatasetDownloads.run(try DatasetDownloads.definitions(names), into: DataDirectory.downloadTarget(dataDir),
                                     mirror: try DatasetMirror.choose(option: mirror), quiet: quiet)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Formatted examples with labels and token-length percentiles.")
        @Argument(help: "Dataset name, or your own .jsonl/.csv/.tsv file.") var name: String
        @Option(help: ArgumentHelp(StorageOptions.dataDirectoryHelp)) var dataDir: String?
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
                splits = try DatasetRegistry.standard.load(name, dataDirectory: try DataDirectory.resolve(dataDir, for: [name]), seed: seed)
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
