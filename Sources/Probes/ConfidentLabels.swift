/// Selection of the most confident soft labels: the "confident" baseline of weak-to-strong follow-ups, which trains
/// the student only on the examples whose weak label is furthest from ½.
public enum ConfidentLabels {
    /// Indices (ascending) of the round(fraction · n) labels with the largest |p − ½|, at least one; ties: lower index first.
    public static func mostConfident(labels: [Float], fraction: Double) throws -> [Int] {
        guard !labels.isEmpty else { throw ProbeError.invalid("confident selection: no labels") }
        guard fraction > 0, fraction <= 1 else {
            throw ProbeError.invalid("confident selection: the fraction kept must lie in (0, 1] (got \(fraction))")
        }
        let count = max(1, Int((Double(labels.count) * fraction).rounded()))
        return LabelFilter.mostDisagreeing(labels.map { abs($0 - 0.5) }, count: count).sorted()
    }
}
