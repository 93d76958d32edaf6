import Foundation
import Tensors

/// A loss on two-class logits [n, 2] against soft targets (probability of class 1).
/// Returns the mean loss and writes d(loss)/d(logits) into `gradient` ([n, 2]).
public protocol ClassificationLoss {
    mutating func lossAndGradient(logits: Tensor, targets: [Float], step: Int, totalSteps: Int,
                                  gradient: inout Tensor) -> Float
}

/// Which loss to train with, and its parameters: a value saved with every run's configuration.
public enum LossKind: Codable, Hashable, Sendable, CustomStringConvertible {
    /// Soft-label cross-entropy.
    case xent
    /// Burns et al.'s auxiliary log-confidence loss.
    case logconf(alphaMax: Float = 0.5, warmupFraction: Float = 0.2, threshold: LogConfidenceLoss.Threshold = .median(window: 32))
    /// (1−α)·CE + α·H(f(x)), the entropy term contributing its real gradient.
    case entropy(alphaMax: Float = 0.5, warmupFraction: Float = 0.2)
    /// Cross-entropy on examples the student is unsure about, |f(x) − ½| ≤ t; t nil = median weak-label confidence.
    case window(threshold: Float? = nil)

    public var name: String {
        switch self {
        case .xent: return "xent"
        case .logconf: return "logconf"
        case .entropy: return "entropy"
        case .window: return "window"
        }
    }

    /// The arm's name in tables, the run store and comparisons: the loss's name, followed by the parameters that
    /// differ from the defaults, so that `logconf` with a later α ramp is never compared as plain `logconf`.
    public var label: String {
        func g(_ x: Float) -> String { String(format: "%g", Double(x)) }
        var changed: [String] = []
        switch self {
        case .xent: return "xent"
        case let .logconf(a, w, t):
            if a != 0.5 { changed.append("α=\(g(a))") }
            if w != 0.2 { changed.append("warm-up=\(g(w))") }
            switch t {
            case .batchBalanced: return "logconf-balanced" + (changed.isEmpty ? "" : "(\(changed.joined(separator: ",")))")
            case let .median(window) where window != 32: changed.append("window=\(window)")
            case .median: break
            }
            return "logconf" + (changed.isEmpty ? "" : "(\(changed.joined(separator: ",")))")
        case let .entropy(a, w):
            if a != 0.5 { changed.append("α=\(g(a))") }
            if w != 0.2 { changed.append("warm-up=\(g(w))") }
            return "entropy" + (changed.isEmpty ? "" : "(\(changed.joined(separator: ",")))")
        case let .window(t):
            return "window" + (t.map { "(t=\(g($0)))" } ?? "")
        }
    }

    public var description: String {
        switch self {
        case .xent: return "xent"
        case let .logconf(a, w, t): return "logconf(α=\(a), warm-up \(Int(w * 100))%, \(t))"
        case let .entropy(a, w): return "entropy(α=\(a), warm-up \(Int(w * 100))%)"
        case let .window(t): return "window(t=\(t.map { "\($0)" } ?? "median weak confidence"))"
        }
    }

    /// Parses "xent", "logconf", "logconf-balanced", "entropy", "window".
    /// `warmupFraction`: the share of training over which α rises linearly from 0 to α_max (logconf, entropy).
    public init(parsing text: String, alphaMax: Float = 0.5, warmupFraction: Float = 0.2) throws {
        switch text {
        case "xent", "ce": self = .xent
        case "logconf": self = .logconf(alphaMax: alphaMax, warmupFraction: warmupFraction)
        case "logconf-balanced": self = .logconf(alphaMax: alphaMax, warmupFraction: warmupFraction, threshold: .batchBalanced)
        case "entropy": self = .entropy(alphaMax: alphaMax, warmupFraction: warmupFraction)
        case "window": self = .window()
        default:
            throw TrainingError.invalid("unknown loss '\(text)': use xent, logconf, logconf-balanced, entropy or window")
        }
    }

    /// Builds the loss; `weakTargets` are the training targets (for the window's default threshold).
    public func make(weakTargets: [Float]) -> any ClassificationLoss {
        switch self {
        case .xent: return CrossEntropyLoss()
        case let .logconf(a, w, t): return LogConfidenceLoss(alphaMax: a, warmupFraction: w, threshold: t)
        case let .entropy(a, w): return EntropyLoss(alphaMax: a, warmupFraction: w)
        case let .window(t): return ConfidenceWindowLoss(threshold: t ?? ConfidenceWindowLoss.medianConfidence(weakTargets))
        }
    }
}

public enum TrainingError: Error, CustomStringConvertible {
    case invalid(String)
    case nonFinite(String)
    public var description: String {
        switch self {
        case let .invalid(why): return why
        case let .nonFinite(what): return "training diverged: \(what) is not finite. Lower the learning rate."
        }
    }
}

/// Numerically stable two-class softmax helpers.
enum TwoClass {
    /// (log p0, log p1) from logits.
    @inline(__always)
    static func logProbabilities(_ z0: Float, _ z1: Float) -> (Float, Float) {
        let m = max(z0, z1)
        let lse = m + log(exp(z0 - m) + exp(z1 - m))
        return (z0 - lse, z1 - lse)
    }

    /// Linear warm-up of α from 0 to α_max over the first `fraction` of training, then constant: no jump.
    static func alpha(max alphaMax: Float, fraction: Float, step: Int, totalSteps: Int) -> Float {
        let warm = fraction * Float(totalSteps)
        guard warm > 0 else { return alphaMax }
        return alphaMax * min(1, Float(step) / warm)
    }
}
