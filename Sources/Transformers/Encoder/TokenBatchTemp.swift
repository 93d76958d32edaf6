// TEMPORARY until the tokenizer branch lands (it defines TokenBatch).
public struct TokenBatch: Sendable {
    public let batchSize: Int
    public let sequenceLength: Int
    public var ids: [Int32]
    public var typeIds: [Int32]
    public var attentionMask: [Float]
    public init(batchSize: Int, sequenceLength: Int, ids: [Int32], typeIds: [Int32], attentionMask: [Float]) {
        self.batchSize = batchSize; self.sequenceLength = sequenceLength
        self.ids = ids; self.typeIds = typeIds; self.attentionMask = attentionMask
    }
}
