import Tensors

/// A fully connected layer in PyTorch's layout: y = x·Wᵀ + b, W of shape [out, in].
/// An optional LoRA adapter adds a trainable low-rank update while W stays frozen.
public final class Linear {
    public let weight: Parameter
    public let bias: Parameter
    public var lora: LoRAAdapter?
    public var inputSize: Int { weight.value.columns }
    public var outputSize: Int { weight.value.rows }

    private var cachedInput: Tensor?

    public init(weight: Parameter, bias: Parameter) {
        precondition(bias.value.count == weight.value.rows, "\(bias.name) does not match \(weight.name)")
        self.weight = weight
        self.bias = bias
    }

    /// x: [rows, in] → [rows, out]. Keeps x when `training` for the backward pass.
    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        precondition(x.columns == inputSize, "\(weight.name): input has \(x.columns) features, expected \(inputSize)")
        let rows = x.rows, out = outputSize
        var y = Tensor(zeros: [rows, out])
        y.data.withUnsafeMutableBufferPointer { py in
            let p = py.baseAddress!
            bias.value.data.withUnsafeBufferPointer { pb in
                for r in 0..<rows { (p + r * out).update(from: pb.baseAddress!, count: out) }
            }
            x.data.withUnsafeBufferPointer { px in
                weight.value.data.withUnsafeBufferPointer { pw in
                    BLAS.gemm(transposeB: true, m: rows, n: out, k: inputSize,
                              a: px.baseAddress!, lda: inputSize, b: pw.baseAddress!, ldb: inputSize,
                              beta: 1, c: p, ldc: out)
                }
            }
        }
        if let lora { lora.addForward(x, into: &y, training: training) }
        cachedInput = training ? x : nil
        return y
    }

    /// Accumulates dW, db (when trainable) and the adapter's gradients; returns dx.
    public func backward(_ dy: Tensor, needInputGradient: Bool = true) -> Tensor? {
        guard let x = cachedInput else { preconditionFailure("\(weight.name): backward without a training forward") }
        let rows = x.rows, out = outputSize, inp = inputSize
        if weight.isTrainable {
            dy.data.withUnsafeBufferPointer { pdy in
                x.data.withUnsafeBufferPointer { px in
                    weight.gradient.data.withUnsafeMutableBufferPointer { pg in
                        BLAS.gemm(transposeA: true, m: out, n: inp, k: rows,
                                  a: pdy.baseAddress!, lda: out, b: px.baseAddress!, ldb: inp,
                                  beta: 1, c: pg.baseAddress!, ldc: inp)
                    }
                }
            }
        }
        if bias.isTrainable {
            dy.data.withUnsafeBufferPointer { pdy in
                bias.gradient.data.withUnsafeMutableBufferPointer { pg in
                    for r in 0..<rows { VectorMath.axpy(1, pdy.baseAddress! + r * out, pg.baseAddress!, count: out) }
                }
            }
        }
        var dx: Tensor?
        if needInputGradient {
            var g = Tensor(zeros: [rows, inp])
            dy.data.withUnsafeBufferPointer { pdy in
                weight.value.data.withUnsafeBufferPointer { pw in
                    g.data.withUnsafeMutableBufferPointer { pg in
                        BLAS.gemm(m: rows, n: inp, k: out, a: pdy.baseAddress!, lda: out,
                                  b: pw.baseAddress!, ldb: inp, c: pg.baseAddress!, ldc: inp)
                    }
                }
            }
            dx = g
        }
        if let lora { lora.backward(dy, input: x, inputGradient: &dx) }
        cachedInput = nil
        return dx
    }

    public var parameters: [Parameter] { [weight, bias] + (lora?.parameters ?? []) }
}
