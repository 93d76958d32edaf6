import Foundation

/// Every benchmark the toolkit can read, by name.
public final class DatasetRegistry: Sendable {
    /// Every converter family's datasets, family by family in this order (`w2s datasets list` order). A dataset
    /// is registered by defining it in its family's `all`, next to its converter; a new family (a new file in
    /// Converters/) is added here once.
    /// Question-over-a-passage datasets also get their question-first variant (`<name>_qfirst`), listed after
    /// every original.
    public static let standard: DatasetRegistry = {
        let originals = ClassificationConverters.all + ReadingComprehensionConverters.all + MultipleChoiceConverters.all
            + SentencePairConverters.all + EthicsConverters.all
        return DatasetRegistry(definitions: originals + originals.compactMap(\.questionFirstVariant))
    }()

    public let definitions: [DatasetDefinition]

    init(definitions: [DatasetDefinition]) { self.definitions = definitions }

    public func names() -> [String] { definitions.map(\.name) }

    public func definition(_ name: String) throws -> DatasetDefinition {
        guard let d = definitions.first(where: { $0.name == name }) else {
            throw DatasetError.unknownDataset(name, known: names())
        }
        return d
    }

    public func folder(of name: String, in dataDirectory: URL) throws -> URL {
        dataDirectory.appendingPathComponent(try definition(name).folder)
    }

    /// Whether the raw files of `name` are present.
    public func isPresent(_ name: String, dataDirectory: URL) -> Bool {
        guard let d = try? definition(name) else { return false }
        let folder = dataDirectory.appendingPathComponent(d.folder)
        return d.files.allSatisfy { FileManager.default.fileExists(atPath: folder.appendingPathComponent($0).path) }
    }

    /// Throws `DatasetError.missingFiles`, which names the download command, unless every raw file of `name` is
    /// in `dataDirectory`: commands check this before any run starts.
    public func requirePresent(_ name: String, dataDirectory: URL) throws {
        let d = try definition(name)
        let folder = dataDirectory.appendingPathComponent(d.folder)
        let missing = d.files.filter { !FileManager.default.fileExists(atPath: folder.appendingPathComponent($0).path) }
        guard missing.isEmpty else { throw DatasetError.missingFiles(dataset: name, dataDirectory: dataDirectory, folder: d.folder, files: missing) }
    }

    /// All converted examples (training pool, evaluation pool).
    public func pools(_ name: String, dataDirectory: URL) throws -> ConvertedDataset {
        try requirePresent(name, dataDirectory: dataDirectory)
        let d = try definition(name)
        return try d.convert(dataDirectory.appendingPathComponent(d.folder), name)
    }

    /// Seeded, balanced, disjoint splits. With a published training split, weak-train, strong-train and
    /// validation come from it and test from the evaluation split; without, all four are carved from
    /// the evaluation pool, grouped by source question.
    public func load(_ name: String, dataDirectory: URL, sizes: SplitSizes = .cpuDefault, seed: UInt64) throws -> DatasetSplits {
        Self.split(dataset: name, pools: try pools(name, dataDirectory: dataDirectory), sizes: sizes, seed: seed)
    }

    /// A layout variant is split like its original (`variantOf` salts the shuffle), so both hold the same questions.
    public static func split(dataset: String, pools: ConvertedDataset, sizes: SplitSizes, seed: UInt64) -> DatasetSplits {
        let family = standard.definitions.first { $0.name == dataset }?.variantOf ?? dataset
        let trainRequests = [Splitter.Request(name: Split.validation.rawValue, size: sizes.validation),
                             Splitter.Request(name: Split.weakTrain.rawValue, size: sizes.weakTrain),
                             Splitter.Request(name: Split.strongTrain.rawValue, size: sizes.strongTrain)]
        var parts: [String: [Example]]
        if let train = pools.train {
            parts = Splitter.split(pools.evaluation, requests: [.init(name: Split.test.rawValue, size: sizes.test)], seed: seed,
                                   salt: family + "/test")
            // Some benchmarks reuse a prompt in both published files (ETHICS): such groups stay on the test side.
            let testGroups = Set(parts[Split.test.rawValue, default: []].map(\.groupID))
            parts.merge(Splitter.split(train.filter { !testGroups.contains($0.groupID) }, requests: trainRequests,
                                       seed: seed, salt: family + "/train")) { a, _ in a }
        } else {
            parts = Splitter.split(pools.evaluation, requests: [.init(name: Split.test.rawValue, size: sizes.test)] + trainRequests,
                                   seed: seed, salt: family + "/pool")
        }
        return DatasetSplits(dataset: dataset, seed: seed, weakTrain: parts[Split.weakTrain.rawValue] ?? [],
                             strongTrain: parts[Split.strongTrain.rawValue] ?? [], validation: parts[Split.validation.rawValue] ?? [],
                             test: parts[Split.test.rawValue] ?? [])
    }
}
