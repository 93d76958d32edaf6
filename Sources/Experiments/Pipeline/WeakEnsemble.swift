import Determinism
import Foundation

/// How the labels of several weak supervisors (`--weak A,B,…`) become the one weak label the students learn.
public enum WeakCombination: String, Codable, Sendable, CaseIterable {
    /// Every member trained on all of weak-train; the label is the mean of the members' probabilities.
    case mean
    /// Boosting after EnsemW2S (Agrawal et al. 2024), two-class AdaBoost (SAMME): members trained in the order
    /// given; member t trains on weak-train resampled by the boosting weights (member 1: uniform, so all of it),
    /// its weighted error ε_t on weak-train (hard prediction at ½ against ground truth) gives its vote
    /// α_t = ln((1 − ε_t)/ε_t) (0 when ε_t ≥ ½) and multiplies the weight of every example it got wrong by e^{α_t};
    /// the label is Σ α_t p_t / Σ α_t, the AdaBoost vote with each member's probability in place of its hard vote.
    case boost

    /// The --help text of each combination.
    public var help: String {
        switch self {
        case .mean: return "mean of the members' probabilities"
        case .boost: return "AdaBoost-style (SAMME) weights after EnsemW2S (Agrawal et al. 2024): each member trains on weak-train resampled by the weights its predecessors' errors set, votes with α = ln((1−ε)/ε) of its weighted weak-train error ε, label Σα·p/Σα"
        }
    }
}

/// The arithmetic of the weak ensembles, free of training (checked on hand-computed cases in WeakEnsembleTests).
public enum WeakEnsemble {
    /// ε is kept inside [floor, 1 − floor] so that a member without errors gets a large but finite vote.
    public static let errorFloor = 1e-6

    public struct BoostRound: Equatable, Sendable {
        /// Weighted error: the weight of the examples the member got wrong.
        public let error: Double
        /// The member's vote ln((1 − ε)/ε), or 0 when ε ≥ ½ (no better than chance: no vote, weights unchanged).
        public let alpha: Double
        /// The next member's sample weights: w_i·e^{α·[wrong_i]}, normalised to sum 1.
        public let nextWeights: [Double]
    }

    /// One boosting round for a member whose hard predictions were right where `correct` is true, under sample
    /// weights `weights` (normalised here).
    public static func boostRound(weights: [Double], correct: [Bool]) -> BoostRound {
        precondition(weights.count == correct.count && !weights.isEmpty, "one weight per example")
        let total = weights.reduce(0, +)
        let w = weights.map { $0 / total }
        let error = zip(w, correct).filter { !$0.1 }.map(\.0).reduce(0, +)
        let clamped = min(max(error, errorFloor), 1 - errorFloor)
        let alpha = clamped < 0.5 ? log((1 - clamped) / clamped) : 0
        let raised = zip(w, correct).map { weight, right in right ? weight : weight * exp(alpha) }
        let sum = raised.reduce(0, +)
        return BoostRound(error: error, alpha: alpha, nextWeights: raised.map { $0 / sum })
    }

    /// Σ_t weights_t·p_t / Σ_t weights_t per example; equal weights give the mean. All-zero weights (no member
    /// beat chance) fall back to the mean.
    public static func combine(_ probabilities: [[Float]], weights: [Double]) -> [Float] {
        precondition(probabilities.count == weights.count && !weights.isEmpty, "one weight per member")
        let total = weights.reduce(0, +)
        let w = total > 0 ? weights.map { $0 / total } : weights.map { _ in 1 / Double(weights.count) }
        return (0..<probabilities[0].count).map { i in
            Float(zip(probabilities, w).map { Double($0.0[i]) * $0.1 }.reduce(0, +))
        }
    }

    /// `count` draws with replacement, P(i) ∝ weights[i] (inverse CDF on SplitMix64 uniforms), sorted: the rows
    /// the next member trains on. Uniform weights still resample; the first member uses all rows instead.
    public static func resample(weights: [Double], count: Int, seed: UInt64) -> [Int] {
        var cumulative: [Double] = []
        var running = 0.0
        for w in weights { running += w; cumulative.append(running) }
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            let u = Double(rng.next() >> 11) * 0x1.0p-53 * running
            var low = 0, high = cumulative.count - 1
            while low < high {
                let mid = (low + high) / 2
                if cumulative[mid] > u { high = mid } else { low = mid + 1 }
            }
            return low
        }.sorted()
    }
}
