import Tensors

/// One post-layer-norm encoder block, as in BERT and MPNet:
/// h = LN₁(x + Attention(x)); y = LN₂(h + W₂·gelu(W₁·h)).
public final class TransformerLayer {
    public let attention: SelfAttention
    public let attentionNorm: LayerNorm
    public let intermediate: Linear
    public let activation = GELU()
    public let output: Linear
    public let outputNorm: LayerNorm
    /// Forward passes run through this layer (top-K-layer finetuning's tests count that frozen layers stay idle).
    public private(set) var forwardCount = 0

    public init(attention: SelfAttention, attentionNorm: LayerNorm, intermediate: Linear, output: Linear,
                outputNorm: LayerNorm) {
        self.attention = attention; self.attentionNorm = attentionNorm
        self.intermediate = intermediate; self.output = output; self.outputNorm = outputNorm
    }

    public var parameters: [Parameter] {
        attention.parameters + attentionNorm.parameters + intermediate.parameters + output.parameters
            + outputNorm.parameters
    }

    public func forward(_ x: Tensor, batch: Int, length: Int, mask: [Float], positionBias: Tensor?,
                        training: Bool) -> Tensor {
        forwardCount += 1
        var a = attention.forward(x, batch: batch, length: length, mask: mask, positionBias: positionBias,
                                  training: training)
        add(x, into: &a)
        let h = attentionNorm.forward(a, training: training)
        let f = activation.forward(intermediate.forward(h, training: training), training: training)
        var o = output.forward(f, training: training)
        add(h, into: &o)
        return outputNorm.forward(o, training: training)
    }

    public func backward(_ dy: Tensor, positionBiasGradient: SharedMatrix?) -> Tensor {
        let dO = outputNorm.backward(dy)                  // gradient at (h + ffn)
        let dF = output.backward(dO)!
        var dH = intermediate.backward(activation.backward(dF))!
        add(dO, into: &dH)                                // residual path
        let dA = attentionNorm.backward(dH)               // gradient at (x + attention)
        var dx = attention.backward(dA, positionBiasGradient: positionBiasGradient)
        add(dA, into: &dx)
        return dx
    }
}

@inline(__always)
func add(_ x: Tensor, into y: inout Tensor) {
    precondition(x.count == y.count)
    x.data.withUnsafeBufferPointer { px in
        y.data.withUnsafeMutableBufferPointer { py in
            VectorMath.axpy(1, px.baseAddress!, py.baseAddress!, count: py.count)
        }
    }
}
