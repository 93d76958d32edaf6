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
