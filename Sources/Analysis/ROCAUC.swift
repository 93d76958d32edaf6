/// Area under the ROC curve: the probability that a random positive scores above a random negative,
/// ties counting one half (Mann–Whitney U with mid-ranks). Returns nil when a class is absent.
public func rocAUC(scores: [Float], labels: [Int]) -> Double? {
    precondition(scores.count == labels.count, "rocAUC: \(scores.count) scores vs \(labels.count) labels")
    let order = scores.indices.sorted { scores[$0] < scores[$1] }
    var rankSumPositive = 0.0
    var positives = 0
    var i = 0
    while i < order.count {
        var j = i
        while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
        let midRank = Double(i + j) / 2 + 1  // ranks are 1-based
        for t in i...j where labels[order[t]] == 1 {
            rankSumPositive += midRank
            positives += 1
        }
        i = j + 1
    }
    let negatives = labels.count - positives
    guard positives > 0, negatives > 0 else { return nil }
    let u = rankSumPositive - Double(positives) * Double(positives + 1) / 2
    return u / (Double(positives) * Double(negatives))
}
