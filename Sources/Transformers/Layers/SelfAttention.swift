import Foundation
import Tensors

/// Multi-head self-attention with an optional additive position bias shared across the batch
/// (MPNet's relative position buckets): softmax(QKᵀ/√d + bias + mask)·V, then the output projection.
///
/// Heads are spread over the workers with BLAS held to one thread: each head's GEMMs are small,
/// and nesting BLAS threads inside our own would oversubscribe the cores.
public final class SelfAttention {
    public let query: Linear, key: Linear, value: Linear, output: Linear
    public let heads: Int

    private var cachedQ: Tensor?, cachedK: Tensor?, cachedV: Tensor?
    private var cachedProbabilities: Tensor?  // [B, H, T, T]
    private var cachedShape: (batch: Int, length: Int)?

    public init(query: Linear, key: Linear, value: Linear, output: Linear, heads: Int) {
        precondition(query.outputSize % heads == 0, "hidden size must divide into heads")
        self.query = query; self.key = key; self.value = value; self.output = output
        self.heads = heads
    }

    public var parameters: [Parameter] { query.parameters + key.parameters + value.parameters + output.parameters }

    /// x: [B·T, C]; mask: [B·T] with 1 for real tokens; positionBias: [H, T, T] or nil.
    public func forward(_ x: Tensor, batch: Int, length: Int, mask: [Float], positionBias: Tensor?,
                        training: Bool) -> Tensor {
        let q = query.forward(x, training: training)
        let k = key.forward(x, training: training)
        let v = value.forward(x, training: training)
        let c = q.columns, h = heads, d = c / h, t = length
        var context = Tensor(uninitialized: [batch * t, c])   // every (sequence, head) block is written once
        var probabilities = Tensor(uninitialized: training ? [batch, h, t, t] : [Parallel.workers, t, t])
        let scale = 1 / Float(d).squareRoot()
        Tensor.sharing(&context, &probabilities) { context, probabilities in
            forEachHeadAndSequence(batch: batch) { worker, head, b in
                let tokens = block(b, t), columns = block(head, d)
                let s = probabilities[rows: block(training ? b * h + head : worker, t)]
                BLAS.gemm(q[rows: tokens, columns: columns], k[rows: tokens, columns: columns], transposeB: true,
                          alpha: scale, into: s)
                if let positionBias { s.add(positionBias[rows: block(head, t)]) }
                Self.maskedSoftmaxRows(s, keyMask: mask[tokens])
                BLAS.gemm(s, v[rows: tokens, columns: columns], into: context[rows: tokens, columns: columns])
            }
        }
        if training {
            cachedQ = q; cachedK = k; cachedV = v
            cachedProbabilities = probabilities
            cachedShape = (batch, length)
        }
        return output.forward(context, training: training)
    }

    /// Returns dx; adds the gradient of the position bias into `positionBiasGradient` ([H·T, T]) if given.
    public func backward(_ dy: Tensor, positionBiasGradient: SharedMatrix?) -> Tensor {
        guard let q = cachedQ, let k = cachedK, let v = cachedV, let probabilities = cachedProbabilities,
              let (batch, t) = cachedShape else { preconditionFailure("attention: backward without a training forward") }
        let dContext = output.backward(dy)!
        let c = q.columns, h = heads, d = c / h
        let scale = 1 / Float(d).squareRoot()
        // Each (sequence, head) block of dq, dk, dv is written once by a GEMM with beta 0, and dS before it is read.
        var dq = Tensor(uninitialized: q.shape), dk = Tensor(uninitialized: k.shape), dv = Tensor(uninitialized: v.shape)
        var scratch = Tensor(uninitialized: [Parallel.workers, t, t])
        Tensor.sharing(&dq, &dk, &dv, &scratch) { dq, dk, dv, scratch in
            forEachHeadAndSequence(batch: batch) { worker, head, b in
                let tokens = block(b, t), columns = block(head, d)
                let p = probabilities[rows: block(b * h + head, t)], dS = scratch[rows: block(worker, t)]
                // dV = Pᵀ·dC ; dP = dC·Vᵀ
                BLAS.gemm(p, dContext[rows: tokens, columns: columns], transposeA: true,
                          into: dv[rows: tokens, columns: columns])
                BLAS.gemm(dContext[rows: tokens, columns: columns], v[rows: tokens, columns: columns], transposeB: true,
                          into: dS)
                Self.softmaxBackwardRows(p, dS)
                positionBiasGradient?[rows: block(head, t)].add(dS)
                // dQ = s·dS·K ; dK = s·dSᵀ·Q
                BLAS.gemm(dS, k[rows: tokens, columns: columns], alpha: scale, into: dq[rows: tokens, columns: columns])
                BLAS.gemm(dS, q[rows: tokens, columns: columns], transposeA: true, alpha: scale,
                          into: dk[rows: tokens, columns: columns])
            }
        }
        cachedQ = nil; cachedK = nil; cachedV = nil; cachedProbabilities = nil; cachedShape = nil
        var dx = query.backward(dq)!
        add(key.backward(dk)!, into: &dx)
        add(value.backward(dv)!, into: &dx)
        return dx
    }

    /// Calls `body(worker, head, sequence)` for every head and sequence of the batch, heads spread over the
    /// workers in contiguous chunks (`worker` < `Parallel.workers` indexes per-worker scratch).
    private func forEachHeadAndSequence(batch: Int, _ body: (_ worker: Int, _ head: Int, _ sequence: Int) -> Void) {
        BLAS.singleThreaded {
            Parallel.forEachIndexedChunk(heads) { worker, headRange in
                for head in headRange {
                    for b in 0..<batch { body(worker, head, b) }
                }
            }
        }
    }

    /// Row-wise softmax over keys, with padded keys (mask 0) given zero weight.
    @inline(__always)
    static func maskedSoftmaxRows(_ s: SharedMatrix, keyMask: ArraySlice<Float>) {
        let t = s.layout.columns
        precondition(s.layout.isContiguous && keyMask.count == t)
        keyMask.withUnsafeBufferPointer { pm in
            let keyMask = pm.baseAddress!
            let padded = pm.contains { $0 == 0 }
            for i in 0..<s.layout.rows {
                let row = s.pointer + i * t
                if padded { for j in 0..<t where keyMask[j] == 0 { row[j] = -Float.infinity } }
                // Fully padded: every score −∞, the max stays finite and the row all zeros.
                let maxValue = max(VectorMath.max(row, count: t), -Float.greatestFiniteMagnitude)
                let total = VectorMath.expSum(row, minus: maxValue, count: t)  // row = e^(row − max), one pass
                VectorMath.scale(row, by: total > 0 ? 1 / total : 0, count: t)
            }
        }
    }

    /// Softmax backward, row by row in place: dS = P ⊙ (dP − Σⱼ dP·P), with dP given in `dS`.
    @inline(__always)
    static func softmaxBackwardRows(_ p: TensorView, _ dS: SharedMatrix) {
        let t = dS.layout.columns
        precondition(p.layout == MatrixLayout(offset: p.layout.offset, rows: t, columns: t)
                     && dS.layout.isContiguous && dS.layout.rows == t)
        p.withUnsafeMatrixPointer { p in
            for i in 0..<t {
                let pr = p + i * t, dr = dS.pointer + i * t
                let dotPD = VectorMath.dot(pr, dr, count: t)
                for j in 0..<t { dr[j] = pr[j] * (dr[j] - dotPD) }
            }
        }
    }
}

/// The `index`-th of consecutive ranges of `size`: rows of one sequence, columns of one head, one t × t slab.
@inline(__always)
func block(_ index: Int, _ size: Int) -> Range<Int> { (index * size)..<((index + 1) * size) }
