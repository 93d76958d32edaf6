/// One point of the probe hyperparameter sweep.
public struct ProbeSweepPoint: Codable, Sendable, Hashable {
    public var probe: String
    public var layer: Int
    /// k for kNN, λ for logistic regression.
    public var parameter: Double
    public var testAUC: Double
    /// Probe AUC minus the weak labels' AUC on the same test set (what the post plots).
    public var minusWeakAUC: Double
}
