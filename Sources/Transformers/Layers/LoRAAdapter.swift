import Foundation
import Tensors

/// Low-rank adaptation (Hu et al. 2021): y += (α/r)·(x·Aᵀ)·Bᵀ with A [r, in], B [out, r].
/// B starts at zero so the adapted model equals the pretrained one before training.
public final class LoRAAdapter {
    public let a: Parameter
    public let b: Parameter
    public let scale: Float
    private var cachedProjection: Tensor?  // x·Aᵀ, [rows, r]

    public init(name: String, inputSize: Int, outputSize: Int, rank: Int, alpha: Float, rng: inout SeededRandom) {
        // Kaiming-uniform bound for A as in common LoRA implementations; B zero.
        let bound = Float(1 / Double(inputSize).squareRoot())
        let aValues = (0..<(rank * inputSize)).map { _ in Float(rng.uniform() * 2 - 1) * bound }
        a = Parameter(name: name + ".lora_A", value: Tensor(shape: [rank, inputSize], data: aValues), decays: true)
        b = Parameter(name: name + ".lora_B", value: Tensor(zeros: [outputSize, rank]), decays: true)
        scale = alpha / Float(rank)
    }

    public var rank: Int { a.value.rows }
    public var parameters: [Parameter] { [a, b] }

    func addForward(_ x: Tensor, into y: inout Tensor, training: Bool) {
        let u = BLAS.matmul(x, a.value, transposeB: true)                          // u = x·Aᵀ
        BLAS.gemm(u, b.value, transposeB: true, alpha: scale, beta: 1, into: &y)   // y += s·u·Bᵀ
        cachedProjection = training ? u : nil
    }

    /// Accumulates dA and dB; adds the adapter's share of dx when `inputGradient` is non-nil.
    func backward(_ dy: Tensor, input x: Tensor, inputGradient: inout Tensor?) {
        guard let u = cachedProjection else { preconditionFailure("\(a.name): backward without a training forward") }
        BLAS.gemm(dy, u, transposeA: true, alpha: scale, beta: 1, into: &b.gradient)  // dB += s·dyᵀ·u
        let du = BLAS.matmul(dy, b.value, alpha: scale)                                 // du = s·dy·B
        BLAS.gemm(du, x, transposeA: true, beta: 1, into: &a.gradient)                 // dA += duᵀ·x
        if inputGradient != nil { BLAS.gemm(du, a.value, beta: 1, into: &inputGradient!) }  // dx += du·A
        cachedProjection = nil
    }
}
