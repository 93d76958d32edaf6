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
        var context = Tensor(zeros: [batch * t, c])
        var probabilities = Tensor(zeros: training ? [batch, h, t, t] : [Parallel.workers, t, t])
        let scale = 1 / Float(d).squareRoot()
        q.data.withUnsafeBufferPointer { pq in
        k.data.withUnsafeBufferPointer { pk in
        v.data.withUnsafeBufferPointer { pv in
        context.data.withUnsafeMutableBufferPointer { pc in
        probabilities.data.withUnsafeMutableBufferPointer { pp in
        mask.withUnsafeBufferPointer { pm in
            let Q = pq.baseAddress!, K = pk.baseAddress!, V = pv.baseAddress!, CX = pc.baseAddress!
            let P = pp.baseAddress!, M = pm.baseAddress!
            let bias = positionBias
            BLAS.singleThreaded {
                Parallel.forEachIndexedChunk(h) { worker, headRange in
                    for head in headRange {
                        for b in 0..<batch {
                            let s = training ? P + (b * h + head) * t * t : P + worker * t * t
                            let qOff = b * t * c + head * d
                            BLAS.gemm(transposeB: true, m: t, n: t, k: d, alpha: scale, a: Q + qOff, lda: c,
                                      b: K + qOff, ldb: c, c: s, ldc: t)
                            bias?.data.withUnsafeBufferPointer { pbias in
                                VectorMath.axpy(1, pbias.baseAddress! + head * t * t, s, count: t * t)
                            }
                            Self.maskedSoftmaxRows(s, rows: t, columns: t, keyMask: M + b * t)
                            BLAS.gemm(m: t, n: d, k: t, a: s, lda: t, b: V + qOff, ldb: c,
                                      c: CX + qOff, ldc: c)
                        }
                    }
                }
            }
        }}}}}}
        if training {
            cachedQ = q; cachedK = k; cachedV = v
            cachedProbabilities = probabilities
            cachedShape = (batch, length)
        }
        return output.forward(context, training: training)
    }

    /// Returns dx; adds the gradient of the position bias into `positionBiasGradient` ([H, T, T]) if given.
    public func backward(_ dy: Tensor, positionBiasGradient: UnsafeMutablePointer<Float>?) -> Tensor {
        guard let q = cachedQ, let k = cachedK, let v = cachedV, let probabilities = cachedProbabilities,
              let (batch, t) = cachedShape else { preconditionFailure("attention: backward without a training forward") }
        let dContext = output.backward(dy)!
        let c = q.columns, h = heads, d = c / h
        let scale = 1 / Float(d).squareRoot()
        var dq = Tensor(zeros: q.shape), dk = Tensor(zeros: k.shape), dv = Tensor(zeros: v.shape)
        var scratch = [Float](repeating: 0, count: Parallel.workers * t * t)
        q.data.withUnsafeBufferPointer { pq in
        k.data.withUnsafeBufferPointer { pk in
        v.data.withUnsafeBufferPointer { pv in
        dq.data.withUnsafeMutableBufferPointer { pdq in
        dk.data.withUnsafeMutableBufferPointer { pdk in
        dv.data.withUnsafeMutableBufferPointer { pdv in
        dContext.data.withUnsafeBufferPointer { pdc in
        probabilities.data.withUnsafeBufferPointer { pp in
        scratch.withUnsafeMutableBufferPointer { psc in
            let Q = pq.baseAddress!, K = pk.baseAddress!, V = pv.baseAddress!
            let DQ = pdq.baseAddress!, DK = pdk.baseAddress!, DV = pdv.baseAddress!
            let DC = pdc.baseAddress!, P = pp.baseAddress!, SC = psc.baseAddress!
            BLAS.singleThreaded {
                Parallel.forEachIndexedChunk(h) { worker, headRange in
                    let dS = SC + worker * t * t
                    for head in headRange {
                        for b in 0..<batch {
                            let off = b * t * c + head * d
                            let p = P + (b * h + head) * t * t
                            // dV = Pᵀ·dC ; dP = dC·Vᵀ
                            BLAS.gemm(transposeA: true, m: t, n: d, k: t, a: p, lda: t, b: DC + off, ldb: c,
                                      c: DV + off, ldc: c)
                            BLAS.gemm(transposeB: true, m: t, n: t, k: d, a: DC + off, lda: c, b: V + off, ldb: c,
                                      c: dS, ldc: t)
                            // Softmax backward: dS = P ⊙ (dP − Σⱼ dP·P)
                            for i in 0..<t {
                                let pr = p + i * t, dr = dS + i * t
                                let dotPD = VectorMath.dot(pr, dr, count: t)
                                for j in 0..<t { dr[j] = pr[j] * (dr[j] - dotPD) }
                            }
                            if let positionBiasGradient {
                                VectorMath.axpy(1, dS, positionBiasGradient + head * t * t, count: t * t)
                            }
                            // dQ = s·dS·K ; dK = s·dSᵀ·Q
                            BLAS.gemm(m: t, n: d, k: t, alpha: scale, a: dS, lda: t, b: K + off, ldb: c,
                                      c: DQ + off, ldc: c)
                            BLAS.gemm(transposeA: true, m: t, n: d, k: t, alpha: scale, a: dS, lda: t,
                                      b: Q + off, ldb: c, c: DK + off, ldc: c)
                        }
                    }
                }
            }
        }}}}}}}}}
        cachedQ = nil; cachedK = nil; cachedV = nil; cachedProbabilities = nil; cachedShape = nil
        var dx = query.backward(dq)!
        let dxk = key.backward(dk)!, dxv = value.backward(dv)!
        dx.data.withUnsafeMutableBufferPointer { p in
            dxk.data.withUnsafeBufferPointer { a in VectorMath.axpy(1, a.baseAddress!, p.baseAddress!, count: p.count) }
            dxv.data.withUnsafeBufferPointer { a in VectorMath.axpy(1, a.baseAddress!, p.baseAddress!, count: p.count) }
        }
        return dx
    }

    /// Row-wise softmax over keys, with padded keys (mask 0) given zero weight.
    @inline(__always)
    static func maskedSoftmaxRows(_ s: UnsafeMutablePointer<Float>, rows: Int, columns t: Int,
                                  keyMask: UnsafePointer<Float>) {
        for i in 0..<rows {
            let row = s + i * t
            var maxValue = -Float.greatestFiniteMagnitude
            for j in 0..<t where keyMask[j] > 0 { maxValue = max(maxValue, row[j]) }
            for j in 0..<t where keyMask[j] == 0 { row[j] = -Float.infinity }
            VectorMath.map(row, row, count: t) { VectorMath.exp($0 - maxValue) }
            let total = VectorMath.sum(row, count: t)
            let inv = total > 0 ? 1 / total : 0
            for j in 0..<t { row[j] *= inv }
        }
    }
}
