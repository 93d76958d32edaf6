import Foundation

/// Result of a paired significance test across datasets (or seeds).
public struct TestResult: Codable, Sendable, Hashable {
    public var statistic: Double
    public var pValue: Double
    public var degreesOfFreedom: Double?
    /// How the p-value was obtained ("t distribution", "exact", "normal approximation with tie correction").
    public var method: String
    public var count: Int
}

public enum Alternative: String, Codable, Sendable {
    case twoSided = "two-sided", greater, less
}

/// Paired t-test of mean(a − b) = 0.
public func pairedTTest(_ a: [Double], _ b: [Double], alternative: Alternative = .twoSided) -> TestResult {
    precondition(a.count == b.count && a.count >= 2, "paired t-test needs two equally long samples of at least 2")
    let d = zip(a, b).map { $0 - $1 }
    let n = Double(d.count)
    let mean = d.reduce(0, +) / n
    let variance = d.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
    let t = mean / (variance / n).squareRoot()
    let df = n - 1
    // Two-sided tail of Student's t: I_{df/(df+t²)}(df/2, 1/2).
    let twoSided = t.isFinite ? regularizedIncompleteBeta(df / 2, 0.5, df / (df + t * t)) : (mean == 0 ? 1 : 0)
    let p: Double
    switch alternative {
    case .twoSided: p = twoSided
    case .greater: p = t > 0 ? twoSided / 2 : 1 - twoSided / 2
    case .less: p = t < 0 ? twoSided / 2 : 1 - twoSided / 2
    }
    return TestResult(statistic: t, pValue: p, degreesOfFreedom: df, method: "t distribution", count: d.count)
}

/// How the Wilcoxon p-value is computed. `.automatic` follows scipy 1.17: the exact distribution when n ≤ 50
/// with no tied and no zero differences; with ties or zeros, exact enumeration when the sample (zeros
/// included) has at most 13 pairs (scipy's deterministic permutation test), else the normal approximation.
public enum WilcoxonMethod: String, Codable, Sendable { case automatic, exact, normalApproximation }

/// Wilcoxon signed-rank test of a − b, zero differences dropped (scipy's default zero_method "wilcox").
/// Exact: the distribution of W+ over all 2ⁿ sign patterns of the observed (mid-)ranks, counted by dynamic
/// programming over doubled ranks, so it stays exact with ties. Normal approximation: tie-corrected
/// variance, no continuity correction (scipy's default). The statistic is W+ (sum of ranks of positive
/// differences) for one-sided tests, min(W+, W−) for two-sided.
public func wilcoxonSignedRank(_ a: [Double], _ b: [Double], alternative: Alternative = .twoSided,
                               method requested: WilcoxonMethod = .automatic) -> TestResult {
    precondition(a.count == b.count, "Wilcoxon needs paired samples")
    let all = zip(a, b).map { $0 - $1 }
    let d = all.filter { $0 != 0 }
    let n = d.count
    guard n > 0 else { return TestResult(statistic: 0, pValue: 1, degreesOfFreedom: nil, method: "all differences zero", count: 0) }
    let order = d.indices.sorted { abs(d[$0]) < abs(d[$1]) }
    var doubledRanks = [Int](repeating: 0, count: n)   // 2 × mid-rank, an integer
    var tieTerm = 0.0, hasTies = false
    var i = 0
    while i < n {
        var j = i
        while j + 1 < n && abs(d[order[j + 1]]) == abs(d[order[i]]) { j += 1 }
        for k in i...j { doubledRanks[order[k]] = i + j + 2 }
        let t = Double(j - i + 1)
        if t > 1 { hasTies = true; tieTerm += t * t * t - t }
        i = j + 1
    }
    let doubledPlus = zip(d, doubledRanks).filter { $0.0 > 0 }.map(\.1).reduce(0, +)
    let doubledTotal = n * (n + 1)
    let plus = Double(doubledPlus) / 2
    let total = Double(doubledTotal) / 2
    let minus = total - plus
    let hasZeros = all.count != n
    let useExact: Bool
    switch requested {
    case .exact: useExact = true
    case .normalApproximation: useExact = false
    case .automatic: useExact = (hasTies || hasZeros) ? all.count <= 13 : n <= 50
    }
    if useExact {
        // counts[s] = number of sign patterns whose doubled W+ equals s.
        var counts = [Double](repeating: 0, count: doubledTotal + 1)
        counts[0] = 1
        for r in doubledRanks { for s in stride(from: doubledTotal, through: r, by: -1) { counts[s] += counts[s - r] } }
        let patterns = pow(2.0, Double(n))
        func atMost(_ s: Int) -> Double { s < 0 ? 0 : counts[0...min(doubledTotal, s)].reduce(0, +) / patterns }
        func atLeast(_ s: Int) -> Double { 1 - atMost(s - 1) }
        let p: Double
        switch alternative {
        case .twoSided: p = min(1, 2 * min(atMost(doubledPlus), atLeast(doubledPlus)))
        case .greater: p = atLeast(doubledPlus)
        case .less: p = atMost(doubledPlus)
        }
        let statistic = alternative == .twoSided ? min(plus, minus) : plus
        return TestResult(statistic: statistic, pValue: p, degreesOfFreedom: nil, method: "exact", count: n)
    }
    let mean = total / 2
    let variance = Double(n * (n + 1) * (2 * n + 1)) / 24 - tieTerm / 48
    let method = "normal approximation with tie correction"
    switch alternative {
    case .twoSided:
        let w = min(plus, minus)
        let z = (w - mean) / variance.squareRoot()
        return TestResult(statistic: w, pValue: min(1, 2 * normalCDF(-abs(z))), degreesOfFreedom: nil, method: method, count: n)
    case .greater:
        return TestResult(statistic: plus, pValue: normalCDF(-(plus - mean) / variance.squareRoot()), degreesOfFreedom: nil, method: method, count: n)
    case .less:
        return TestResult(statistic: plus, pValue: normalCDF((plus - mean) / variance.squareRoot()), degreesOfFreedom: nil, method: method, count: n)
    }
}

/// Holm's step-down adjustment (Holm 1979) of one family of p-values, so that "adjusted p < α" holds the
/// family-wise error rate at α whatever the dependence between the tests (arms sharing one baseline are dependent).
/// Sorted ascending, the k-th smallest (k from 0) becomes the running maximum of min(1, (m − k)·p), m the family's
/// size. A nil (no test) is not part of the family and stays nil.
public func holmAdjusted(_ pValues: [Double?]) -> [Double?] {
    let tested = pValues.indices.filter { pValues[$0] != nil }.sorted { (pValues[$0]!, $0) < (pValues[$1]!, $1) }
    let m = Double(tested.count)
    var adjusted = [Double?](repeating: nil, count: pValues.count)
    var running = 0.0
    for (k, index) in tested.enumerated() {
        running = max(running, min(1, (m - Double(k)) * pValues[index]!))
        adjusted[index] = running
    }
    return adjusted
}

/// Mean and sample standard deviation (n − 1), e.g. across seeds.
public func meanAndStandardDeviation(_ values: [Double]) -> (mean: Double, standardDeviation: Double) {
    guard !values.isEmpty else { return (.nan, .nan) }
    let mean = values.reduce(0, +) / Double(values.count)
    guard values.count > 1 else { return (mean, 0) }
    let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
    return (mean, variance.squareRoot())
}

public func normalCDF(_ z: Double) -> Double { 0.5 * erfc(-z / 2.0.squareRoot()) }

/// I_x(a, b) by Lentz's continued fraction, using the symmetry I_x(a,b) = 1 − I_{1−x}(b,a) for convergence.
public func regularizedIncompleteBeta(_ a: Double, _ b: Double, _ x: Double) -> Double {
    if x <= 0 { return 0 }
    if x >= 1 { return 1 }
    let logGammas: Double = lgamma(a + b) - lgamma(a) - lgamma(b)
    let logPowers: Double = a * log(x) + b * log(1 - x)
    let logFront = logGammas + logPowers
    if x > (a + 1) / (a + b + 2) { return 1 - regularizedIncompleteBeta(b, a, 1 - x) }
    let tiny = 1e-300
    var c = 1.0, d = 1 - (a + b) * x / (a + 1)
    if abs(d) < tiny { d = tiny }
    d = 1 / d
    var result = d
    for m in 1...300 {
        let m = Double(m)
        let evenDenominator: Double = (a + 2 * m - 1) * (a + 2 * m)
        let even: Double = m * (b - m) * x / evenDenominator
        d = 1 + even * d; if abs(d) < tiny { d = tiny }
        c = 1 + even / c; if abs(c) < tiny { c = tiny }
        d = 1 / d; result *= d * c
        let oddDenominator: Double = (a + 2 * m) * (a + 2 * m + 1)
        let odd: Double = -(a + m) * (a + b + m) * x / oddDenominator
        d = 1 + odd * d; if abs(d) < tiny { d = tiny }
        c = 1 + odd / c; if abs(c) < tiny { c = tiny }
        d = 1 / d
        let delta = d * c
        result *= delta
        if abs(delta - 1) < 1e-15 { break }
    }
    return exp(logFront) * result / a
}
