import Determinism

/// One binary example. `text` (and the optional second segment `pairText`, fed to the tokenizer as a
/// pair so truncation spares it) is what the model reads; `groupID` names the source question or
/// passage so that everything derived from it stays in one split.
public struct Example: Sendable, Hashable, Codable {
    public let id: String
    public let groupID: String
    public let text: String
    public let pairText: String?
    public let label: Int

    public init(dataset: String, groupID: String, text: String, pairText: String?, label: Int) {
        precondition(label == 0 || label == 1, "binary labels only")
        var h = ContentHash()
        h.combine(dataset); h.combine(groupID); h.combine(text); h.combine(pairText ?? "\u{0}")
        self.id = "\(dataset)-\(h.shortHex)"
        self.groupID = groupID
        self.text = text
        self.pairText = pairText
        self.label = label
    }

    public init(id: String, groupID: String, text: String, pairText: String?, label: Int) {
        self.id = id; self.groupID = groupID; self.text = text; self.pairText = pairText; self.label = label
    }
}

/// Requested split sizes (examples, after balancing). CPU defaults: 1000 / 1000 / 300 / 1000.
public struct SplitSizes: Sendable, Codable, Hashable {
    public var weakTrain: Int
    public var strongTrain: Int
    public var validation: Int
    public var test: Int

    public init(weakTrain: Int = 1000, strongTrain: Int = 1000, validation: Int = 300, test: Int = 1000) {
        self.weakTrain = weakTrain; self.strongTrain = strongTrain; self.validation = validation; self.test = test
    }

    public static let cpuDefault = SplitSizes()
}

public struct DatasetSplits: Sendable, Codable {
    public let dataset: String
    public let seed: UInt64
    public let weakTrain: [Example]
    public let strongTrain: [Example]
    public let validation: [Example]
    public let test: [Example]

    public var all: [(name: String, examples: [Example])] {
        [("weak_train", weakTrain), ("strong_train", strongTrain), ("validation", validation), ("test", test)]
    }
}
