/// The four disjoint splits of one dataset and seed.
public struct DatasetSplits: Sendable, Codable {
    public let dataset: String
    public let seed: UInt64
    public let weakTrain: [Example]
    public let strongTrain: [Example]
    public let validation: [Example]
    public let test: [Example]

    public init(dataset: String, seed: UInt64, weakTrain: [Example], strongTrain: [Example], validation: [Example], test: [Example]) {
        self.dataset = dataset; self.seed = seed
        self.weakTrain = weakTrain; self.strongTrain = strongTrain; self.validation = validation; self.test = test
    }

    public subscript(split: Split) -> [Example] {
        switch split {
        case .weakTrain: weakTrain
        case .strongTrain: strongTrain
        case .validation: validation
        case .test: test
        }
    }

    /// Every split in `Split.allCases` order.
    public var all: [(split: Split, examples: [Example])] { Split.allCases.map { ($0, self[$0]) } }
}
