import Determinism

/// A percentile bootstrap interval over test examples for PGR on AUC.
///
/// A test set of a few hundred examples leaves AUC uncertain by ±0.02–0.03, which is as large as the whole
/// weak–ceiling gap on many datasets, so a PGR without its interval invites over-reading. Each resample draws
/// the test examples with replacement *once* and scores weak, student and ceiling on the same draw (they
/// are paired), then computes PGR; resamples where a class is missing or the ceiling does not beat the weak
/// model (PGR undefined) are dropped and counted.
public struct BootstrapInterval: Codable, Sendable, Hashable {
    public var lower: Double
    public var upper: Double
    /// Confidence level, e.g. 0.95.
    public var confidence: Double
    /// Resamples drawn, and those where PGR was defined (the percentiles come from these).
    public var resamples: Int
    public var usable: Int
}

/// PGR = (AUC_student − AUC_weak) / (AUC_ceiling − AUC_weak), bootstrapped over test examples.
/// `groups`: one id per example naming its source question or passage (nil: every example its own group).
/// Examples of one group are drawn together (a cluster bootstrap): the candidate answers of one question or
/// the questions of one passage are not independent, and resampling them one by one makes the interval too
/// narrow. With every group of size one this is the ordinary paired bootstrap, draw for draw.
/// Nil when fewer than half of the resamples give a defined PGR (the gap is then not established).
public func bootstrapPGRInterval(weak: [Float], student: [Float], ceiling: [Float], labels: [Int], groups: [Int]? = nil,
                                 resamples: Int = 1000, confidence: Double = 0.95, seed: UInt64 = 0) -> BootstrapInterval? {
    let n = labels.count
    precondition(weak.count == n && student.count == n && ceiling.count == n, "bootstrap: one score per label")
    precondition(groups.map { $0.count == n } ?? true, "bootstrap: one group per label")
    precondition(resamples > 0 && confidence > 0 && confidence < 1)
    // Members of each group, groups in order of first appearance.
    var members: [[Int]] = []
    if let groups {
        var index: [Int: Int] = [:]
        for (i, g) in groups.enumerated() {
            if let k = index[g] { members[k].append(i) } else { index[g] = members.count; members.append([i]) }
        }
    } else {
        members = (0..<n).map { [$0] }
    }
    guard members.count > 1 else { return nil }
    var random = SplitMix64(seed: seed)
    var values: [Double] = []
    values.reserveCapacity(resamples)
    var w: [Float] = [], s: [Float] = [], c: [Float] = [], y: [Int] = []
    w.reserveCapacity(2 * n); s.reserveCapacity(2 * n); c.reserveCapacity(2 * n); y.reserveCapacity(2 * n)
    for _ in 0..<resamples {
        w.removeAll(keepingCapacity: true); s.removeAll(keepingCapacity: true)
        c.removeAll(keepingCapacity: true); y.removeAll(keepingCapacity: true)
        // As many groups as there are, drawn with replacement (the resample's size varies with group sizes).
        for _ in 0..<members.count {
            for j in members[Int(random.next() % UInt64(members.count))] {
                w.append(weak[j]); s.append(student[j]); c.append(ceiling[j]); y.append(labels[j])
            }
        }
        guard let aw = rocAUC(scores: w, labels: y), let asd = rocAUC(scores: s, labels: y),
              let ac = rocAUC(scores: c, labels: y),
              let pgr = performanceGapRecovered(weak: aw, student: asd, ceiling: ac) else { continue }
        values.append(pgr)
    }
    guard values.count * 2 >= resamples else { return nil }
    values.sort()
    let tail = (1 - confidence) / 2
    return BootstrapInterval(lower: percentile(values, tail), upper: percentile(values, 1 - tail),
                             confidence: confidence, resamples: resamples, usable: values.count)
}

/// Linear interpolation between order statistics (numpy's default percentile method) of sorted values.
func percentile(_ sorted: [Double], _ q: Double) -> Double {
    let position = q * Double(sorted.count - 1)
    let below = Int(position.rounded(.down)), above = min(below + 1, sorted.count - 1)
    return sorted[below] + (sorted[above] - sorted[below]) * (position - Double(below))
}
