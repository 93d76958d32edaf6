import Foundation

/// The misfit of Charikar, Pabbaraju & Shiragur 2024 ("Quantifying the Gain in Weak-to-Strong Generalization"): how far
/// the student's predictions lie from its weak supervisor's. Their theorem (squared loss, a convex strong class): the
/// student's squared error is at most the supervisor's minus the misfit, so the gain over the supervisor is at least
/// the misfit, and about equal to it in their experiments. Here, on held-out examples, from logit margins:
///
/// - `squared`: mean (σ(m_student) − σ(m_weak))², the paper's squared-loss misfit on probabilities;
/// - `kl`: mean KL(σ(m_weak) ‖ σ(m_student)) in nats, the cross-entropy (Bregman) form of Mulgund & Pabbaraju 2025 —
///   the student's cross-entropy against the weak labels minus their entropy.
public struct Misfit: Codable, Sendable, Hashable {
    public var squared: Double
    public var kl: Double

    public init(squared: Double, kl: Double) { self.squared = squared; self.kl = kl }

    /// `student` and `supervisor`: logit margins z₁ − z₀ of the same examples.
    public init(student: [Float], supervisor: [Float]) {
        precondition(student.count == supervisor.count, "misfit: \(student.count) student vs \(supervisor.count) supervisor margins")
        guard !student.isEmpty else { self.init(squared: .nan, kl: .nan); return }
        var squared = 0.0, kl = 0.0
        for (s, w) in zip(student, supervisor) {
            let s = Double(s), w = Double(w)
            let ps = sigmoid(s), pw = sigmoid(w)
            squared += (ps - pw) * (ps - pw)
            // KL(w‖s) = CE(p_w, s) − CE(p_w, w), each −p·log σ(m) − (1 − p)·log σ(−m) = p·softplus(−m) + (1 − p)·softplus(m).
            kl += pw * (softplus(-s) - softplus(-w)) + (1 - pw) * (softplus(s) - softplus(w))
        }
        self.init(squared: squared / Double(student.count), kl: max(0, kl / Double(student.count)))
    }
}

/// Mean squared error of the probabilities σ(margin) against 0/1 labels (the Brier score): the error whose gain the
/// misfit theorem bounds.
public func brierScore(margins: [Float], labels: [Int]) -> Double {
    precondition(margins.count == labels.count, "brierScore: \(margins.count) margins vs \(labels.count) labels")
    guard !labels.isEmpty else { return .nan }
    return zip(margins, labels).reduce(0.0) { total, pair in
        let d = sigmoid(Double(pair.0)) - Double(pair.1)
        return total + d * d
    } / Double(labels.count)
}

/// Pearson's correlation coefficient of paired values; nil with fewer than three pairs (two points always lie on a
/// line) or when either side is constant.
public func pearsonCorrelation(_ x: [Double], _ y: [Double]) -> Double? {
    precondition(x.count == y.count, "pearsonCorrelation: \(x.count) vs \(y.count) values")
    guard x.count >= 3 else { return nil }
    let mx = x.reduce(0, +) / Double(x.count), my = y.reduce(0, +) / Double(y.count)
    var sxy = 0.0, sxx = 0.0, syy = 0.0
    for (a, b) in zip(x, y) { sxy += (a - mx) * (b - my); sxx += (a - mx) * (a - mx); syy += (b - my) * (b - my) }
    guard sxx > 0, syy > 0 else { return nil }
    return sxy / (sxx * syy).squareRoot()
}

@inline(__always) func sigmoid(_ m: Double) -> Double { m >= 0 ? 1 / (1 + exp(-m)) : exp(m) / (1 + exp(m)) }
@inline(__always) func softplus(_ x: Double) -> Double { x > 0 ? x + log1p(exp(-x)) : log1p(exp(x)) }
