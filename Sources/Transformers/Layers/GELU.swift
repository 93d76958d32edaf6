import Tensors

/// The exact (erf) GELU used by BERT and MPNet: gelu(x) = x·Φ(x).
public final class GELU {
    private var cachedInput: Tensor?
    public init() {}

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        var y = Tensor(uninitialized: x.shape)   // the chunks cover every element
        let n = x.count
        x.data.withUnsafeBufferPointer { px in
            y.data.withUnsafeMutableBufferPointer { py in
                let X = px.baseAddress!, Y = py.baseAddress!
                Parallel.forEachChunk(n / 8, minimumPerChunk: 4096) { r in
                    let lo = r.lowerBound * 8, hi = r.upperBound == n / 8 ? n : r.upperBound * 8
                    VectorMath.map(X + lo, Y + lo, count: hi - lo) { v in
                        v * 0.5 * (1 + VectorMath.erf(v * 0.707_106_77))
                    }
                }
                if n < 8 { VectorMath.map(X, Y, count: n) { v in v * 0.5 * (1 + VectorMath.erf(v * 0.707_106_77)) } }
            }
        }
        cachedInput = training ? x : nil
        return y
    }

    /// dx = dy·(Φ(x) + x·φ(x)), each chunk multiplied by dy while it is still in cache.
    public func backward(_ dy: Tensor) -> Tensor {
        guard let x = cachedInput else { preconditionFailure("GELU: backward without a training forward") }
        precondition(dy.count == x.count)
        var derivative = Tensor(uninitialized: x.shape)
        let n = x.count
        x.data.withUnsafeBufferPointer { px in
        dy.data.withUnsafeBufferPointer { pdy in
            derivative.data.withUnsafeMutableBufferPointer { pd in
                let X = px.baseAddress!, DY = pdy.baseAddress!, D = pd.baseAddress!
                let kernel: (SIMD8<Float>) -> SIMD8<Float> = { v in
                    let cdf = 0.5 * (1 + VectorMath.erf(v * 0.707_106_77))
                    let pdf = VectorMath.exp(-0.5 * v * v) * 0.398_942_28
                    return cdf + v * pdf
                }
                if n < 8 { VectorMath.map(X, D, count: n, kernel); for i in 0..<n { D[i] *= DY[i] }; return }
                Parallel.forEachChunk(n / 8, minimumPerChunk: 4096) { r in
                    let lo = r.lowerBound * 8, hi = r.upperBound == n / 8 ? n : r.upperBound * 8
                    VectorMath.map(X + lo, D + lo, count: hi - lo, kernel)
                    for i in lo..<hi { D[i] *= DY[i] }
                }
            }
        }}
        cachedInput = nil
        return derivative
    }
}
