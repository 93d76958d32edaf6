import Tensors

/// The exact (erf) GELU used by BERT and MPNet: gelu(x) = x·Φ(x).
public final class GELU {
    private var cachedInput: Tensor?
    public init() {}

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        var y = Tensor(zeros: x.shape)
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

    /// d gelu/dx = Φ(x) + x·φ(x).
    public func backward(_ dy: Tensor) -> Tensor {
        guard let x = cachedInput else { preconditionFailure("GELU: backward without a training forward") }
        var derivative = Tensor(zeros: x.shape)
        let n = x.count
        x.data.withUnsafeBufferPointer { px in
            derivative.data.withUnsafeMutableBufferPointer { pd in
                let X = px.baseAddress!, D = pd.baseAddress!
                let kernel: (SIMD8<Float>) -> SIMD8<Float> = { v in
                    let cdf = 0.5 * (1 + VectorMath.erf(v * 0.707_106_77))
                    let pdf = VectorMath.exp(-0.5 * v * v) * 0.398_942_28
                    return cdf + v * pdf
                }
                if n < 8 { VectorMath.map(X, D, count: n, kernel); return }
                Parallel.forEachChunk(n / 8, minimumPerChunk: 4096) { r in
                    let lo = r.lowerBound * 8, hi = r.upperBound == n / 8 ? n : r.upperBound * 8
                    VectorMath.map(X + lo, D + lo, count: hi - lo, kernel)
                }
            }
        }
        derivative.data.withUnsafeMutableBufferPointer { pd in
            dy.data.withUnsafeBufferPointer { pdy in
                for i in 0..<n { pd[i] *= pdy[i] }
            }
        }
        cachedInput = nil
        return derivative
    }
}
