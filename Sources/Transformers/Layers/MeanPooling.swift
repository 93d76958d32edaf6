import Tensors

/// Masked mean over tokens: the sentence-transformers pooling of both models.
public enum MeanPooling {
    /// hidden: [B·T, C], mask: [B·T] → [B, C]
    public static func forward(_ hidden: Tensor, mask: [Float], batch: Int, length: Int) -> Tensor {
        let c = hidden.columns
        var pooled = Tensor(zeros: [batch, c])
        hidden.data.withUnsafeBufferPointer { ph in
            pooled.data.withUnsafeMutableBufferPointer { pp in
                for b in 0..<batch {
                    var count: Float = 0
                    for t in 0..<length where mask[b * length + t] > 0 {
                        VectorMath.axpy(mask[b * length + t], ph.baseAddress! + (b * length + t) * c,
                                        pp.baseAddress! + b * c, count: c)
                        count += mask[b * length + t]
                    }
                    let inv = 1 / max(count, 1e-9)
                    for j in 0..<c { pp[b * c + j] *= inv }
                }
            }
        }
        return pooled
    }

    /// dPooled: [B, C] → dHidden: [B·T, C]
    public static func backward(_ dPooled: Tensor, mask: [Float], batch: Int, length: Int) -> Tensor {
        let c = dPooled.columns
        var dHidden = Tensor(zeros: [batch * length, c])
        dPooled.data.withUnsafeBufferPointer { pd in
            dHidden.data.withUnsafeMutableBufferPointer { ph in
                for b in 0..<batch {
                    var count: Float = 0
                    for t in 0..<length { count += mask[b * length + t] }
                    let inv = 1 / max(count, 1e-9)
                    for t in 0..<length where mask[b * length + t] > 0 {
                        VectorMath.axpy(mask[b * length + t] * inv, pd.baseAddress! + b * c,
                                        ph.baseAddress! + (b * length + t) * c, count: c)
                    }
                }
            }
        }
        return dHidden
    }
}
