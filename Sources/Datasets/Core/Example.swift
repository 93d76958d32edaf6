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
        var h = StableHash()
        h.combine(dataset); h.combine(groupID); h.combine(text); h.combine(pairText ?? "\u{0}")
        self.id = "\(dataset)-\(h.hex)"
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

/// FNV-1a 64, stable across processes and machines (Swift's Hasher is seeded per process).
public struct StableHash: Sendable {
    private var state: UInt64 = 0xCBF2_9CE4_8422_2325
    public init() {}
    public mutating func combine(_ string: String) { combine(bytes: string.utf8) }
    /// The bytes, then a separator byte, so that ("ab", "c") and ("a", "bc") hash differently.
    public mutating func combine<Bytes: Sequence>(bytes: Bytes) where Bytes.Element == UInt8 {
        for byte in bytes { state = (state ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        state = (state ^ 0x1F) &* 0x0000_0100_0000_01B3
    }
    public var value: UInt64 { state }
    public var hex: String { let s = String(state, radix: 16); return String(repeating: "0", count: 16 - s.count) + s }
    public static func of(_ parts: String...) -> UInt64 { var h = StableHash(); parts.forEach { h.combine($0) }; return h.value }
}

/// SplitMix64: the datasets' own seeded generator (Datasets depends on nothing else).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
