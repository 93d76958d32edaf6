import Foundation

/// Learning rate as a function of the optimizer step (0-based).
public enum LearningRateSchedule: Codable, Hashable, Sendable {
    /// Linear warm-up to `peak` over `warmupSteps`, then cosine decay to zero at `totalSteps`.
    case cosine(peak: Float, warmupSteps: Int, totalSteps: Int)
    case constant(Float)

    public func rate(at step: Int) -> Float {
        switch self {
        case let .constant(rate): return rate
        case let .cosine(peak, warmup, total):
            if step < warmup { return peak * Float(step + 1) / Float(warmup) }
            let progress = Float(step - warmup) / Float(max(1, total - warmup))
            return peak * 0.5 * (1 + cos(Float.pi * min(1, progress)))
        }
    }
}
