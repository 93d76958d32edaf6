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

    /// Several layers reading one input (attention's Q, K and V) as one GEMM: x [rows, in] → [rows, Σ out], layer
    /// i's outputs in its block of columns. The weights are packed on each call (a copy of Σout·in floats, small
    /// next to the product), so the layers keep their own parameters for loading, gradients and optimizers.
    static func forward(concatenating layers: [Linear], _ x: Tensor, training: Bool) -> Tensor {
        let (weight, bias) = packed(layers)
        var y = Tensor(broadcasting: bias, rows: x.rows)                    // y = [b₁ b₂ …]
        BLAS.gemm(x, weight, transposeB: true, beta: 1, into: &y)            // y += x·[W₁ W₂ …]ᵀ
        for (layer, columns) in zip(layers, blocks(layers)) {
            layer.lora?.addForward(x, into: &y, columns: columns, training: training)
            layer.cachedInput = training ? x : nil
        }
        return y
    }

    /// Backward of `forward(concatenating:)`: dy [rows, Σ out] in the same column blocks. Accumulates each
    /// layer's dW, db and adapter gradients; dx = dy·[W₁; W₂; …] is one GEMM over all blocks.
    static func backward(concatenating layers: [Linear], _ dy: Tensor) -> Tensor {
        guard let x = layers[0].cachedInput else { preconditionFailure("\(layers[0].weight.name): backward without a training forward") }
        for (layer, columns) in zip(layers, blocks(layers)) {
            let dyi = dy[columns: columns]
            if layer.weight.isTrainable { BLAS.gemm(dyi, x, transposeA: true, beta: 1, into: &layer.weight.gradient) }
            if layer.bias.isTrainable { layer.bias.gradient.addRowSums(of: dyi) }
        }
        var dx: Tensor? = BLAS.matmul(dy, packed(layers).weight)              // dx = Σᵢ dyᵢ·Wᵢ
        for (layer, columns) in zip(layers, blocks(layers)) {
            layer.lora?.backward(dy[columns: columns], input: x, inputGradient: &dx)
            layer.cachedInput = nil
        }
        return dx!
    }

    private static func packed(_ layers: [Linear]) -> (weight: Tensor, bias: Tensor) {
        let inputs = layers[0].inputSize, outputs = layers.reduce(0) { $0 + $1.outputSize }
        precondition(layers.allSatisfy { $0.inputSize == inputs }, "concatenated layers read one input size")
        var weight = [Float](), bias = [Float]()
        weight.reserveCapacity(outputs * inputs); bias.reserveCapacity(outputs)
        for layer in layers { weight += layer.weight.value.data; bias += layer.bias.value.data }
        return (Tensor(shape: [outputs, inputs], data: weight), Tensor(shape: [outputs], data: bias))
    }

    private static func blocks(_ layers: [Linear]) -> [Range<Int>] {
        var start = 0
        return layers.map { layer in defer { start += layer.outputSize }; return start..<(start + layer.outputSize) }
    }
}
