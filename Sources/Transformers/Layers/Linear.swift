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
        var y = Tensor(broadcasting: bias.value, rows: x.rows)              // y = b
        BLAS.gemm(x, weight.value, transposeB: true, beta: 1, into: &y)     // y += x·Wᵀ
        if let lora { lora.addForward(x, into: &y, training: training) }
        cachedInput = training ? x : nil
        return y
    }

    /// Accumulates dW, db (when trainable) and the adapter's gradients; returns dx.
    public func backward(_ dy: Tensor, needInputGradient: Bool = true) -> Tensor? {
        guard let x = cachedInput else { preconditionFailure("\(weight.name): backward without a training forward") }
        if weight.isTrainable { BLAS.gemm(dy, x, transposeA: true, beta: 1, into: &weight.gradient) }  // dW += dyᵀ·x
        if bias.isTrainable { bias.gradient.addRowSums(of: dy) }                                     // db += Σ dy
        var dx = needInputGradient ? BLAS.matmul(dy, weight.value) : nil                             // dx = dy·W
        if let lora { lora.backward(dy, input: x, inputGradient: &dx) }
        cachedInput = nil
        return dx
    }

    public var parameters: [Parameter] { [weight, bias] + (lora?.parameters ?? []) }
}
