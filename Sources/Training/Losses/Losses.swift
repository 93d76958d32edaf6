import Foundation
import Tensors

/// CE(f, y) = −[(1−y)·log f₀ + y·log f₁], mean over the batch; ∂/∂z = f − y.
public struct CrossEntropyLoss: ClassificationLoss {
    public init() {}
    public mutating func lossAndGradient(logits: Tensor, targets: [Float], step: Int, totalSteps: Int,
                                         gradient: inout Tensor) -> Float {
        let n = targets.count
        var total: Float = 0
        for i in 0..<n {
            let (l0, l1) = TwoClass.logProbabilities(logits.data[2 * i], logits.data[2 * i + 1])
            let y = targets[i]
            total -= (1 - y) * l0 + y * l1
            gradient.data[2 * i] = (exp(l0) - (1 - y)) / Float(n)
            gradient.data[2 * i + 1] = (exp(l1) - y) / Float(n)
        }
        return total / Float(n)
    }
}

/// Burns et al.'s auxiliary confidence loss: CE(f, (1−α)·f_w + α·f̂_t), f̂_t = I[f > t] the student's
/// own hardened prediction (a constant target). α rises linearly from 0 to α_max over the first
/// `warmupFraction` of the steps.
public struct LogConfidenceLoss: ClassificationLoss {
    public enum Threshold: Codable, Hashable, Sendable, CustomStringConvertible {
        /// Median of the most recent `window` student predictions (EleutherAI).
        case median(window: Int)
        /// The batch quantile that gives hardened labels the weak labels' class balance (Burns et al.'s code).
        case batchBalanced
        public var description: String {
            switch self {
            case let .median(w): return "median of last \(w)"
            case .batchBalanced: return "batch-balanced"
            }
        }
    }

    public let alphaMax: Float
    public let warmupFraction: Float
    public let threshold: Threshold
    private(set) var recent: [Float] = []

    public init(alphaMax: Float = 0.5, warmupFraction: Float = 0.2, threshold: Threshold = .median(window: 32)) {
        self.alphaMax = alphaMax; self.warmupFraction = warmupFraction; self.threshold = threshold
    }

    public func alpha(step: Int, totalSteps: Int) -> Float {
        TwoClass.alpha(max: alphaMax, fraction: warmupFraction, step: step, totalSteps: totalSteps)
    }

    /// The hardening threshold for this batch (updates the rolling window first).
    public mutating func currentThreshold(predictions: [Float], targets: [Float]) -> Float {
        switch threshold {
        case let .median(window):
            recent.append(contentsOf: predictions)
            if recent.count > window { recent.removeFirst(recent.count - window) }
            let sorted = recent.sorted()
            let m = sorted.count
            return m % 2 == 1 ? sorted[m / 2] : (sorted[m / 2 - 1] + sorted[m / 2]) / 2
        case .batchBalanced:
            let positiveShare = targets.reduce(0, +) / Float(max(1, targets.count))
            let sorted = predictions.sorted()
            // Threshold below which a (1 − share) fraction of the batch lies.
            let index = min(sorted.count - 1, max(0, Int((1 - positiveShare) * Float(sorted.count)) - 1))
            return positiveShare >= 1 ? -1 : (positiveShare <= 0 ? 2 : sorted[index])
        }
    }

    public mutating func lossAndGradient(logits: Tensor, targets: [Float], step: Int, totalSteps: Int,
                                         gradient: inout Tensor) -> Float {
        let n = targets.count
        let predictions = (0..<n).map { exp(TwoClass.logProbabilities(logits.data[2 * $0], logits.data[2 * $0 + 1]).1) }
        let t = currentThreshold(predictions: predictions, targets: targets)
        let a = alpha(step: step, totalSteps: totalSteps)
        var total: Float = 0
        for i in 0..<n {
            let (l0, l1) = TwoClass.logProbabilities(logits.data[2 * i], logits.data[2 * i + 1])
            let hard: Float = predictions[i] > t ? 1 : 0
            let y = (1 - a) * targets[i] + a * hard
            total -= (1 - y) * l0 + y * l1
            gradient.data[2 * i] = (exp(l0) - (1 - y)) / Float(n)
            gradient.data[2 * i + 1] = (exp(l1) - y) / Float(n)
        }
        return total / Float(n)
    }
}

/// (1−α)·CE(f, f_w) + α·H(f) with H(f) = −Σ f_c log f_c. The entropy term is differentiated through f
/// (∂H/∂z_j = −f_j·(log f_j + H)), unlike a detached version that reduces to scaled cross-entropy.
public struct EntropyLoss: ClassificationLoss {
    public let alphaMax: Float
    public let warmupFraction: Float
    public init(alphaMax: Float = 0.5, warmupFraction: Float = 0.2) { self.alphaMax = alphaMax; self.warmupFraction = warmupFraction }

    public mutating func lossAndGradient(logits: Tensor, targets: [Float], step: Int, totalSteps: Int,
                                         gradient: inout Tensor) -> Float {
        let n = targets.count
        let a = TwoClass.alpha(max: alphaMax, fraction: warmupFraction, step: step, totalSteps: totalSteps)
        var total: Float = 0
        for i in 0..<n {
            let (l0, l1) = TwoClass.logProbabilities(logits.data[2 * i], logits.data[2 * i + 1])
            let p0 = exp(l0), p1 = exp(l1), y = targets[i]
            let ce = -((1 - y) * l0 + y * l1)
            let h = -(p0 * l0 + p1 * l1)
            total += (1 - a) * ce + a * h
            gradient.data[2 * i] = ((1 - a) * (p0 - (1 - y)) + a * (-p0 * (l0 + h))) / Float(n)
            gradient.data[2 * i + 1] = ((1 - a) * (p1 - y) + a * (-p1 * (l1 + h))) / Float(n)
        }
        return total / Float(n)
    }
}

/// Cross-entropy restricted to examples the student is unconfident about: those with |f(x) − ½| > t
/// are excluded. Mean over the included examples (zero when none is).
public struct ConfidenceWindowLoss: ClassificationLoss {
    public let threshold: Float
    public init(threshold: Float) { self.threshold = threshold }

    /// The default threshold: the median of |f_w − ½| over the weak labels.
    public static func medianConfidence(_ weak: [Float]) -> Float {
        let c = weak.map { abs($0 - 0.5) }.sorted()
        guard !c.isEmpty else { return 0.5 }
        return c.count % 2 == 1 ? c[c.count / 2] : (c[c.count / 2 - 1] + c[c.count / 2]) / 2
    }

    public mutating func lossAndGradient(logits: Tensor, targets: [Float], step: Int, totalSteps: Int,
                                         gradient: inout Tensor) -> Float {
        let n = targets.count
        var included: [Int] = []
        for i in 0..<n {
            let p1 = exp(TwoClass.logProbabilities(logits.data[2 * i], logits.data[2 * i + 1]).1)
            if abs(p1 - 0.5) <= threshold { included.append(i) }
            gradient.data[2 * i] = 0; gradient.data[2 * i + 1] = 0
        }
        guard !included.isEmpty else { return 0 }
        var total: Float = 0
        let m = Float(included.count)
        for i in included {
            let (l0, l1) = TwoClass.logProbabilities(logits.data[2 * i], logits.data[2 * i + 1])
            let y = targets[i]
            total -= (1 - y) * l0 + y * l1
            gradient.data[2 * i] = (exp(l0) - (1 - y)) / m
            gradient.data[2 * i + 1] = (exp(l1) - y) / m
        }
        return total / m
    }
}
