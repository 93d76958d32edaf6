/// What a converter produces: the labelled training pool (nil when the training split was not
/// published/obtainable) and the pool the test set comes from.
public struct ConvertedDataset: Sendable {
    public var train: [Example]?
    public var evaluation: [Example]
}
