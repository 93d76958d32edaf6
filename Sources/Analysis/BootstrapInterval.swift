import Determinism

/// A percentile bootstrap interval over test examples for PGR on AUC (or a difference of AUCs).
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
    precondition(weak.count == labels.count && student.count == labels.count && ceiling.count == labels.count,
                 "bootstrap: one score per label")
    return clusterBootstrap(scores: [weak, student, ceiling], labels: labels, groups: groups, resamples: resamples,
                            confidence: confidence, seed: seed) { auc in
        performanceGapRecovered(weak: auc[0], student: auc[1], ceiling: auc[2])
    }
}

/// AUC(a) − AUC(b) on the same test examples (e.g. ceiling − weak: the gap a weak-to-strong run can recover),
/// with the paired cluster bootstrap of `bootstrapPGRInterval` (same draws for the same seed and groups). A gap is
/// established when its interval excludes 0. Nil when fewer than half of the resamples hold both classes.
public func bootstrapAUCDifferenceInterval(_ a: [Float], minus b: [Float], labels: [Int], groups: [Int]? = nil,
                                           resamples: Int = 1000, confidence: Double = 0.95, seed: UInt64 = 0) -> BootstrapInterval? {
    precondition(a.count == labels.count && b.count == labels.count, "bootstrap: one score per label")
    return clusterBootstrap(scores: [a, b], labels: labels, groups: groups, resamples: resamples,
                            confidence: confidence, seed: seed) { auc in auc[0] - auc[1] }
}

/// A percentile interval of `statistic` (of each score list's AUC on a resample) over resamples that draw the groups
/// of test examples with replacement, every score list on the same draw. Resamples where a class is missing or the
/// statistic is undefined are dropped and counted; nil when fewer than half remain.
func clusterBootstrap(scores: [[Float]], labels: [Int], groups: [Int]?, resamples: Int, confidence: Double, seed: UInt64,
                      statistic: ([Double]) -> Double?) -> BootstrapInterval? {
    let n = labels.count
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
    var drawn = scores.map { _ in [Float]() }, y: [Int] = []
    for k in drawn.indices { drawn[k].reserveCapacity(2 * n) }
    y.reserveCapacity(2 * n)
    for _ in 0..<resamples {
        for k in drawn.indices { drawn[k].removeAll(keepingCapacity: true) }
        y.removeAll(keepingCapacity: true)
        // As many groups as there are, drawn with replacement (the resample's size varies with group sizes).
        for _ in 0..<members.count {
            for j in members[Int(random.next() % UInt64(members.count))] {
                for k in drawn.indices { drawn[k].append(scores[k][j]) }
                y.append(labels[j])
            }
        }
        var aucs: [Double] = []
        for k in drawn.indices {
            guard let auc = rocAUC(scores: drawn[k], labels: y) else { break }
            aucs.append(auc)
        }
        guard aucs.count == drawn.count, let value = statistic(aucs) else { continue }
        values.append(value)
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
