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
    /// Generalized cross-entropy (Zhang & Sabuncu 2018) on the soft labels: t·L_q(1) + (1−t)·L_q(0), L_q = (1 − f^q)/q.
    case gce(q: Float = GeneralizedCrossEntropyLoss.defaultQ)
    /// Symmetric cross-entropy (Wang et al. 2019): α·CE + β·RCE, RCE = −Σ_k f_k·max(log t_k, −4).
    case sce(alpha: Float = SymmetricCrossEntropyLoss.defaultAlpha, beta: Float = SymmetricCrossEntropyLoss.defaultBeta)

    /// Every name `init(parsing:)` reads, in the order help texts list them: the one list of loss names.
    public static let names = ["xent", "logconf", "logconf-balanced", "entropy", "window", "gce", "sce"]

    public var name: String {
        switch self {
        case .xent: return "xent"
        case .logconf: return "logconf"
        case .entropy: return "entropy"
        case .window: return "window"
        case .gce: return "gce"
        case .sce: return "sce"
        }
    }

    /// The name `init(parsing:)` reads for this loss (one of `names`).
    public var parsedName: String {
        if case .logconf(_, _, .batchBalanced) = self { return "logconf-balanced" }
        return name
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
        case let .gce(q):
            return "gce" + (q != GeneralizedCrossEntropyLoss.defaultQ ? "(q=\(g(q)))" : "")
        case let .sce(a, b):
            if a != SymmetricCrossEntropyLoss.defaultAlpha { changed.append("α=\(g(a))") }
            if b != SymmetricCrossEntropyLoss.defaultBeta { changed.append("β=\(g(b))") }
            return "sce" + (changed.isEmpty ? "" : "(\(changed.joined(separator: ",")))")
        }
    }

    public var description: String {
        switch self {
        case .xent: return "xent"
        case let .logconf(a, w, t): return "logconf(α=\(a), warm-up \(Int(w * 100))%, \(t))"
        case let .entropy(a, w): return "entropy(α=\(a), warm-up \(Int(w * 100))%)"
        case let .window(t): return "window(t=\(t.map { "\($0)" } ?? "median weak confidence"))"
        case let .gce(q): return "gce(q=\(q))"
        case let .sce(a, b): return "sce(α=\(a), β=\(b), log 0 → \(SymmetricCrossEntropyLoss.logFloor))"
        }
    }

    /// Parses one of `names` ("ce" also reads as "xent").
    /// `warmupFraction`: the share of training over which α rises linearly from 0 to α_max (logconf, entropy);
    /// `gceQ`: q of gce; `sceAlpha`, `sceBeta`: the weights of CE and RCE in sce.
    public init(parsing text: String, alphaMax: Float = 0.5, warmupFraction: Float = 0.2,
                gceQ: Float = GeneralizedCrossEntropyLoss.defaultQ, sceAlpha: Float = SymmetricCrossEntropyLoss.defaultAlpha,
                sceBeta: Float = SymmetricCrossEntropyLoss.defaultBeta) throws {
        switch text {
        case "xent", "ce": self = .xent
        case "logconf": self = .logconf(alphaMax: alphaMax, warmupFraction: warmupFraction)
        case "logconf-balanced": self = .logconf(alphaMax: alphaMax, warmupFraction: warmupFraction, threshold: .batchBalanced)
        case "entropy": self = .entropy(alphaMax: alphaMax, warmupFraction: warmupFraction)
        case "window": self = .window()
        case "gce":
            guard gceQ > 0, gceQ <= 1 else { throw TrainingError.invalid("gce needs 0 < q ≤ 1 (got \(gceQ))") }
            self = .gce(q: gceQ)
        case "sce":
            guard sceAlpha >= 0, sceBeta >= 0, sceAlpha + sceBeta > 0, sceAlpha.isFinite, sceBeta.isFinite else {
                throw TrainingError.invalid("sce needs finite weights α, β ≥ 0, not both 0 (got α = \(sceAlpha), β = \(sceBeta))")
            }
            self = .sce(alpha: sceAlpha, beta: sceBeta)
        default:
            let names = Self.names
            throw TrainingError.invalid("unknown loss '\(text)': use \(names.dropLast().joined(separator: ", ")) or \(names.last!)")
        }
    }

    /// Builds the loss; `weakTargets` are the training targets (for the window's default threshold).
    public func make(weakTargets: [Float]) -> any ClassificationLoss {
        switch self {
        case .xent: return CrossEntropyLoss()
        case let .logconf(a, w, t): return LogConfidenceLoss(alphaMax: a, warmupFraction: w, threshold: t)
        case let .entropy(a, w): return EntropyLoss(alphaMax: a, warmupFraction: w)
        case let .window(t): return ConfidenceWindowLoss(threshold: t ?? ConfidenceWindowLoss.medianConfidence(weakTargets))
        case let .gce(q): return GeneralizedCrossEntropyLoss(q: q)
        case let .sce(a, b): return SymmetricCrossEntropyLoss(alpha: a, beta: b)
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
