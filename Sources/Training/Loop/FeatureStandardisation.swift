import Tensors

/// Per-column mean and deviation of features over fitting rows, and the map x ↦ (x − mean) / deviation: a linear
/// head on standardised features learns at one rate whatever the model's activation scale (MiniLM's and MPNet's
/// pooled features differ in scale by column and by model). Statistics in Double; a deviation below 1e-6 counts as
/// 1e-6, so a constant column maps to 0 rather than to a division by zero.
public struct FeatureStandardisation: Sendable, Equatable {
    public let mean: [Double]
    public let deviation: [Double]

    /// Statistics of `features` [n, d] over `fitRows`.
    public init(features: Tensor, fitRows: [Int]) {
        let d = features.columns
        var sum = [Double](repeating: 0, count: d), square = [Double](repeating: 0, count: d)
        for r in fitRows { for j in 0..<d { let x = Double(features.data[r * d + j]); sum[j] += x; square[j] += x * x } }
        let count = Double(max(1, fitRows.count))
        let mean = sum.map { $0 / count }
        self.mean = mean
        deviation = (0..<d).map { j in max(1e-6, (square[j] / count - mean[j] * mean[j]).squareRoot()) }
    }

    /// Standardises every row of `x` [n, d] in place.
    public func apply(_ x: inout Tensor) {
        let d = mean.count
        precondition(x.columns == d, "standardisation fitted on \(d) columns, given \(x.columns)")
        for r in 0..<x.rows { for j in 0..<d { x.data[r * d + j] = Float((Double(x.data[r * d + j]) - mean[j]) / deviation[j]) } }
    }

    /// d(loss)/d(input) from d(loss)/d(standardised) [n, d], in place: each column divided by its deviation.
    public func backward(_ dx: inout Tensor) {
        let d = mean.count
        for r in 0..<dx.rows { for j in 0..<d { dx.data[r * d + j] = Float(Double(dx.data[r * d + j]) / deviation[j]) } }
    }
}
