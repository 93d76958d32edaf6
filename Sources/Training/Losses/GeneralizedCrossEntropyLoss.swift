import Foundation
import Tensors

/// Generalized cross-entropy (Zhang & Sabuncu 2018, "Generalized Cross Entropy Loss for Training Deep Neural Networks
/// with Noisy Labels"): L_q(f, c) = (1 − f_c^q) / q for a hard label c, between cross-entropy (q → 0) and the
/// noise-robust mean absolute error (q = 1). On a soft target t (probability of class 1) the loss is the expectation
/// over the label, t·L_q(f, 1) + (1 − t)·L_q(f, 0). Mean over the batch.
///
/// ∂L_q(f, c)/∂z_j = −f_c^q·(δ_cj − f_j), so ∂/∂z₁ = −t·f₁^q·f₀ + (1 − t)·f₀^q·f₁ and ∂/∂z₀ = −∂/∂z₁.
public struct GeneralizedCrossEntropyLoss: ClassificationLoss {
    /// The paper's q (its experiments on CIFAR-10/100 and Fashion-MNIST).
    public static let defaultQ: Float = 0.7

    public let q: Float
    public init(q: Float = GeneralizedCrossEntropyLoss.defaultQ) {
        precondition(q > 0 && q <= 1, "GCE needs 0 < q ≤ 1")
        self.q = q
    }

    public mutating func lossAndGradient(logits: Tensor, targets: [Float], step: Int, totalSteps: Int,
                                         gradient: inout Tensor) -> Float {
        let n = targets.count
        var total: Float = 0
        for i in 0..<n {
            let (l0, l1) = TwoClass.logProbabilities(logits.data[2 * i], logits.data[2 * i + 1])
            let p0 = exp(l0), p1 = exp(l1)
            let p0q = exp(q * l0), p1q = exp(q * l1)   // f_c^q from the log-probability: no 0^q underflow surprises
            let t = targets[i]
            total += (t * (1 - p1q) + (1 - t) * (1 - p0q)) / q
            let d1 = -t * p1q * p0 + (1 - t) * p0q * p1
            gradient.data[2 * i + 1] = d1 / Float(n)
            gradient.data[2 * i] = -d1 / Float(n)
        }
        return total / Float(n)
    }
}
