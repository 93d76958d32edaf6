import Tensors

/// Token + position (+ token-type, for BERT) embeddings followed by layer normalisation.
public final class Embeddings {
    public let words: Parameter         // [vocab, C]
    public let positions: Parameter     // [maxPositions, C]
    public let tokenTypes: Parameter?   // [types, C]
    public let norm: LayerNorm
    private var cachedIDs: (words: [Int32], positions: [Int32], types: [Int32])?

    public init(words: Parameter, positions: Parameter, tokenTypes: Parameter?, norm: LayerNorm) {
        self.words = words; self.positions = positions; self.tokenTypes = tokenTypes; self.norm = norm
    }

    public var hiddenSize: Int { words.value.columns }
    public var parameters: [Parameter] { [words, positions] + (tokenTypes.map { [$0] } ?? []) + norm.parameters }

    public func forward(ids: [Int32], positionIDs: [Int32], typeIDs: [Int32], training: Bool) -> Tensor {
        let n = ids.count, c = hiddenSize
        var sum = Tensor(zeros: [n, c])
        let vocab = words.value.rows, maxPositions = positions.value.rows
        sum.data.withUnsafeMutableBufferPointer { ps in
        words.value.data.withUnsafeBufferPointer { pw in
        positions.value.data.withUnsafeBufferPointer { pp in
            for i in 0..<n {
                let w = Int(ids[i]), p = Int(positionIDs[i])
                precondition(w >= 0 && w < vocab, "token id \(w) outside the vocabulary of \(vocab)")
                precondition(p >= 0 && p < maxPositions, "position \(p) beyond the model's \(maxPositions) positions")
                let out = ps.baseAddress! + i * c
                out.update(from: pw.baseAddress! + w * c, count: c)
                VectorMath.axpy(1, pp.baseAddress! + p * c, out, count: c)
                if let tokenTypes {
                    tokenTypes.value.data.withUnsafeBufferPointer { pt in
                        VectorMath.axpy(1, pt.baseAddress! + Int(typeIDs[i]) * c, out, count: c)
                    }
                }
            }
        }}}
        cachedIDs = training ? (ids, positionIDs, typeIDs) : nil
        return norm.forward(sum, training: training)
    }

    /// Scatters gradients into the embedding tables that are trainable.
    public func backward(_ dy: Tensor) {
        guard let ids = cachedIDs else { preconditionFailure("embeddings: backward without a training forward") }
        let dSum = norm.backward(dy)
        let c = hiddenSize
        dSum.data.withUnsafeBufferPointer { pd in
            func scatter(_ table: Parameter, _ index: [Int32]) {
                guard table.isTrainable else { return }
                table.gradient.data.withUnsafeMutableBufferPointer { pg in
                    for i in 0..<index.count {
                        VectorMath.axpy(1, pd.baseAddress! + i * c, pg.baseAddress! + Int(index[i]) * c, count: c)
                    }
                }
            }
            scatter(words, ids.words)
            scatter(positions, ids.positions)
            if let tokenTypes { scatter(tokenTypes, ids.types) }
        }
        cachedIDs = nil
    }
}
