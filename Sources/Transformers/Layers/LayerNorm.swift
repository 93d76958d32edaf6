import Tensors

/// Layer normalisation over the last dimension: y = γ·(x − μ)/σ + β.
public final class LayerNorm {
    public let gamma: Parameter
    public let beta: Parameter
    public let epsilon: Float
    private var cachedNormalized: Tensor?   // x̂
    private var cachedInverseStd: [Float]?  // 1/σ per row

    public init(gamma: Parameter, beta: Parameter, epsilon: Float) {
        self.gamma = gamma
        self.beta = beta
        self.epsilon = epsilon
    }

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        let rows = x.rows, c = x.columns
        precondition(c == gamma.value.count, "\(gamma.name): \(c) features, expected \(gamma.value.count)")
        var y = Tensor(uninitialized: x.shape)   // y, x̂ and dx below: every row is written whole
        var xhat = training ? Tensor(uninitialized: x.shape) : Tensor(zeros: [0])
        var rstd = [Float](repeating: 0, count: training ? rows : 0)
        let eps = epsilon
        x.data.withUnsafeBufferPointer { px in
        y.data.withUnsafeMutableBufferPointer { py in
        xhat.data.withUnsafeMutableBufferPointer { ph in
        rstd.withUnsafeMutableBufferPointer { pr in
        gamma.value.data.withUnsafeBufferPointer { pg in
        beta.value.data.withUnsafeBufferPointer { pb in
            let X = px.baseAddress!, Y = py.baseAddress!
            // Empty arrays may still hand out a base address: gate the caches on `training`.
            let H = training ? ph.baseAddress : nil, R = training ? pr.baseAddress : nil
            let G = pg.baseAddress!, B = pb.baseAddress!
            Parallel.forEachChunk(rows, minimumPerChunk: 16) { range in
                for r in range {
                    let row = X + r * c, out = Y + r * c
                    let mean = VectorMath.sum(row, count: c) / Float(c)
                    let inv = 1 / (VectorMath.sumOfSquares(row, minus: mean, count: c) / Float(c) + eps).squareRoot()
                    VectorMath.normalize(row, mean: mean, inverseStd: inv, gamma: G, beta: B, into: out,
                                         normalized: H.map { $0 + r * c }, count: c)
                    if let R { R[r] = inv }
                }
            }
        }}}}}}
        if training { cachedNormalized = xhat; cachedInverseStd = rstd } else { cachedNormalized = nil; cachedInverseStd = nil }
        return y
    }

    /// dx = (1/σ)·(d̂x − mean(d̂x) − x̂·mean(d̂x·x̂)), with d̂x = dy·γ.
    public func backward(_ dy: Tensor) -> Tensor {
        guard let xhat = cachedNormalized, let rstd = cachedInverseStd else {
            preconditionFailure("\(gamma.name): backward without a training forward")
        }
        let rows = dy.rows, c = dy.columns
        var dx = Tensor(uninitialized: dy.shape)
        dy.data.withUnsafeBufferPointer { pdy in
        xhat.data.withUnsafeBufferPointer { ph in
        dx.data.withUnsafeMutableBufferPointer { pdx in
        gamma.value.data.withUnsafeBufferPointer { pg in
            let DY = pdy.baseAddress!, H = ph.baseAddress!, DX = pdx.baseAddress!, G = pg.baseAddress!
            Parallel.forEachChunk(rows, minimumPerChunk: 16) { range in
                for r in range {
                    let dy = DY + r * c, h = H + r * c, dx = DX + r * c
                    VectorMath.layerNormBackward(dy, normalized: h, gamma: G, inverseStd: rstd[r], into: dx, count: c)
                }
            }
            if gamma.isTrainable {
                gamma.gradient.data.withUnsafeMutableBufferPointer { gg in
                    beta.gradient.data.withUnsafeMutableBufferPointer { gb in
                        for r in 0..<rows {  // dγ += dy·x̂, dβ += dy
                            VectorMath.addProduct(DY + r * c, H + r * c, into: gg.baseAddress!, count: c)
                            VectorMath.axpy(1, DY + r * c, gb.baseAddress!, count: c)
                        }
                    }
                }
            }
        }}}}
        cachedNormalized = nil; cachedInverseStd = nil
        return dx
    }

    public var parameters: [Parameter] { [gamma, beta] }
}
