import Foundation
import Tensors

/// Symmetric cross-entropy (Wang et al. 2019, "Symmetric Cross Entropy for Robust Learning with Noisy Labels"):
/// α·CE(t, f) + β·RCE(t, f), where the reverse cross-entropy RCE = −Σ_k f_k·log t_k swaps the roles of prediction and
/// label. log 0 is undefined, so log t_k is clamped from below at A (the paper's A = −4): ℓ_k = max(log t_k, A). With a
/// soft target t the two classes' targets are (1 − t, t); a hard label gives RCE = −A·(1 − f_c), a scaled MAE.
/// Mean over the batch.
///
/// ℓ is a constant of the target, so ∂RCE/∂z_j = −f_j·(ℓ_j − Σ_k f_k ℓ_k); for two classes ∂/∂z₁ = −f₀f₁(ℓ₁ − ℓ₀).
public struct SymmetricCrossEntropyLoss: ClassificationLoss {
    /// The paper's setting for CIFAR-10, its benchmark with the fewest classes: α = 0.1, β = 1.
    public static let defaultAlpha: Float = 0.1
    public static let defaultBeta: Float = 1.0
    /// The paper's clamp of log 0.
    public static let logFloor: Float = -4

    public let alpha: Float
    public let beta: Float
    public init(alpha: Float = SymmetricCrossEntropyLoss.defaultAlpha, beta: Float = SymmetricCrossEntropyLoss.defaultBeta) {
        self.alpha = alpha; self.beta = beta
    }

    /// max(log x, A): the clamped log of a target probability.
    static func clampedLog(_ x: Float) -> Float { x > 0 ? max(log(x), logFloor) : logFloor }

    public mutating func lossAndGradient(logits: Tensor, targets: [Float], step: Int, totalSteps: Int,
                                         gradient: inout Tensor) -> Float {
        let n = targets.count
        var total: Float = 0
        for i in 0..<n {
            let (l0, l1) = TwoClass.logProbabilities(logits.data[2 * i], logits.data[2 * i + 1])
            let p0 = exp(l0), p1 = exp(l1), t = targets[i]
            let ce = -((1 - t) * l0 + t * l1)
            let r0 = Self.clampedLog(1 - t), r1 = Self.clampedLog(t)
            let rce = -(p0 * r0 + p1 * r1)
            total += alpha * ce + beta * rce
            let d1 = alpha * (p1 - t) - beta * p0 * p1 * (r1 - r0)
            gradient.data[2 * i + 1] = d1 / Float(n)
            gradient.data[2 * i] = -d1 / Float(n)
        }
        return total / Float(n)
    }
}
