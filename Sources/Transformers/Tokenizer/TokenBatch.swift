/// One tokenized text (or text pair) with special tokens, before padding.
public struct TokenizedText: Sendable, Hashable {
    public var ids: [Int32]
    public var typeIds: [Int32]
    public init(ids: [Int32], typeIds: [Int32]) { self.ids = ids; self.typeIds = typeIds }
}

/// A padded batch, row-major `batchSize × sequenceLength`. The attention mask (1 real, 0 padding)
/// is the only source of truth for lengths: id 0 is a real token for MPNet (`<s>`).
public struct TokenBatch: Sendable {
    public let batchSize: Int
    public let sequenceLength: Int
    public var ids: [Int32]
    public var typeIds: [Int32]
    public var attentionMask: [Float]

    public init(batchSize: Int, sequenceLength: Int, ids: [Int32], typeIds: [Int32], attentionMask: [Float]) {
        precondition(ids.count == batchSize * sequenceLength && typeIds.count == ids.count
                     && attentionMask.count == ids.count, "TokenBatch arrays must be batchSize × sequenceLength")
        self.batchSize = batchSize; self.sequenceLength = sequenceLength
        self.ids = ids; self.typeIds = typeIds; self.attentionMask = attentionMask
    }

    /// Pads `items` on the right to the longest (or to `fixedLength`, which must fit them all).
    public init(_ items: [TokenizedText], padID: Int32, fixedLength: Int? = nil) {
        let longest = items.map(\.ids.count).max() ?? 0
        let t = max(fixedLength ?? longest, longest)
        var ids = [Int32](repeating: padID, count: items.count * t)
        var types = [Int32](repeating: 0, count: items.count * t)
        var mask = [Float](repeating: 0, count: items.count * t)
        for (b, item) in items.enumerated() {
            for (i, id) in item.ids.enumerated() {
                ids[b * t + i] = id
                types[b * t + i] = item.typeIds[i]
                mask[b * t + i] = 1
            }
        }
        self.init(batchSize: items.count, sequenceLength: t, ids: ids, typeIds: types, attentionMask: mask)
    }
}
