import Foundation
import Tensors

/// A model the trainer can fit: two-class logits for example indices, and a backward pass.
public protocol TrainableClassifier: AnyObject {
    var parameters: [Parameter] { get }
    /// Two-class logits [indices.count, 2]; `training` keeps what `backward` needs.
    func logits(for indices: [Int], training: Bool) throws -> Tensor
    /// Accumulates parameter gradients from d(loss)/d(logits) of the last training `logits` call.
    func backward(_ dLogits: Tensor)
    /// Tokens of each row, when a row's cost grows with its length: the trainer then forms micro-batches of
    /// similar lengths (nil: rows cost the same).
    var rowLengths: [Int]? { get }
}

extension TrainableClassifier {
    public var rowLengths: [Int]? { nil }
}

/// A linear classifier (d → 2) on fixed features: the `head` training mode on cached activations.
/// Features are standardised with the training rows' mean and deviation, so one learning rate
/// suits every model's activation scale.
public final class HeadClassifier: TrainableClassifier {
    public let weight: Parameter  // [2, d]
    public let bias: Parameter    // [2]
    private var features: Tensor
    private var cachedInput: Tensor?

    /// `features` [n, d]; standardisation statistics from the rows in `fitRows`.
    public init(features: Tensor, fitRows: [Int]) {
        var standardised = features
        FeatureStandardisation(features: features, fitRows: fitRows).apply(&standardised)
        self.features = standardised
        weight = Parameter(name: "head.weight", value: Tensor(zeros: [2, features.columns]))
        bias = Parameter(name: "head.bias", value: Tensor(zeros: [2]), decays: false)
    }

    public var parameters: [Parameter] { [weight, bias] }

    public func logits(for indices: [Int], training: Bool) throws -> Tensor {
        let d = features.columns
        var x = Tensor(zeros: [indices.count, d])
        x.data.withUnsafeMutableBufferPointer { px in
            features.data.withUnsafeBufferPointer { pf in
                for (k, i) in indices.enumerated() { (px.baseAddress! + k * d).update(from: pf.baseAddress! + i * d, count: d) }
            }
        }
        var out = Tensor(broadcasting: bias.value, rows: indices.count)   // b
        BLAS.gemm(x, weight.value, transposeB: true, beta: 1, into: &out)  // + x·Wᵀ
        cachedInput = training ? x : nil
        return out
    }

    public func backward(_ dLogits: Tensor) {
        guard let x = cachedInput else { preconditionFailure("head: backward without a training forward") }
        BLAS.gemm(dLogits, x, transposeA: true, beta: 1, into: &weight.gradient)  // dW += dLogitsᵀ·x
        bias.gradient.addRowSums(of: dLogits)                                     // db += Σ dLogits
        cachedInput = nil
    }
}
