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
        let rows = x.rows, r = rank, inp = a.value.columns, out = b.value.rows
        var u = Tensor(zeros: [rows, r])
        x.data.withUnsafeBufferPointer { px in
            a.value.data.withUnsafeBufferPointer { pa in
                u.data.withUnsafeMutableBufferPointer { pu in
                    BLAS.gemm(transposeB: true, m: rows, n: r, k: inp, a: px.baseAddress!, lda: inp,
                              b: pa.baseAddress!, ldb: inp, c: pu.baseAddress!, ldc: r)
                }
            }
        }
        u.data.withUnsafeBufferPointer { pu in
            b.value.data.withUnsafeBufferPointer { pb in
                y.data.withUnsafeMutableBufferPointer { py in
                    BLAS.gemm(transposeB: true, m: rows, n: out, k: r, alpha: scale, a: pu.baseAddress!, lda: r,
                              b: pb.baseAddress!, ldb: r, beta: 1, c: py.baseAddress!, ldc: out)
                }
            }
        }
        cachedProjection = training ? u : nil
    }

    /// Accumulates dA and dB; adds the adapter's share of dx when `inputGradient` is non-nil.
    func backward(_ dy: Tensor, input x: Tensor, inputGradient: inout Tensor?) {
        guard let u = cachedProjection else { preconditionFailure("\(a.name): backward without a training forward") }
        let rows = x.rows, r = rank, inp = a.value.columns, out = b.value.rows
        // dB += s·dyᵀ·u
        dy.data.withUnsafeBufferPointer { pdy in
            u.data.withUnsafeBufferPointer { pu in
                b.gradient.data.withUnsafeMutableBufferPointer { pg in
                    BLAS.gemm(transposeA: true, m: out, n: r, k: rows, alpha: scale, a: pdy.baseAddress!, lda: out,
                              b: pu.baseAddress!, ldb: r, beta: 1, c: pg.baseAddress!, ldc: r)
                }
            }
        }
        // du = s·dy·B
        var du = Tensor(zeros: [rows, r])
        dy.data.withUnsafeBufferPointer { pdy in
            b.value.data.withUnsafeBufferPointer { pb in
                du.data.withUnsafeMutableBufferPointer { pdu in
                    BLAS.gemm(m: rows, n: r, k: out, alpha: scale, a: pdy.baseAddress!, lda: out,
                              b: pb.baseAddress!, ldb: r, c: pdu.baseAddress!, ldc: r)
                }
            }
        }
        // dA += duᵀ·x
        du.data.withUnsafeBufferPointer { pdu in
            x.data.withUnsafeBufferPointer { px in
                a.gradient.data.withUnsafeMutableBufferPointer { pg in
                    BLAS.gemm(transposeA: true, m: r, n: inp, k: rows, a: pdu.baseAddress!, lda: r,
                              b: px.baseAddress!, ldb: inp, beta: 1, c: pg.baseAddress!, ldc: inp)
                }
            }
        }
        // dx += du·A
        if inputGradient != nil {
            du.data.withUnsafeBufferPointer { pdu in
                a.value.data.withUnsafeBufferPointer { pa in
                    inputGradient!.data.withUnsafeMutableBufferPointer { pg in
                        BLAS.gemm(m: rows, n: inp, k: r, a: pdu.baseAddress!, lda: r,
                                  b: pa.baseAddress!, ldb: inp, beta: 1, c: pg.baseAddress!, ldc: inp)
                    }
                }
            }
        }
        cachedProjection = nil
    }
}
