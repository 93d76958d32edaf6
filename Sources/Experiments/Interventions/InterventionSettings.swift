/// Hyperparameters of the interventions, defaults from the EleutherAI post.
public struct InterventionSettings: Codable, Hashable, Sendable {
    /// Layer of the strong model whose mean-pooled activations the probes read (nil: the middle layer).
    public var probeLayer: Int? = nil
    public var knnK = 50
    /// λ of the logistic probe's λ‖w‖² on standardised activations.
    public var logisticPenalty = 1e-2
    /// Fraction of strong-train removed by filtering.
    public var filterFraction = 0.1
    /// Fraction of strong-train the confident selection keeps (nil: `defaultConfidentFraction`; optional so that
    /// configurations saved before it existed read back and keep their run names).
    public var confidentFraction: Double? = nil
    public static let defaultConfidentFraction = 0.5
    /// k of both TopoFilter steps.
    public var topoK = 50
    public var strongToStrongIterations = 2
    /// Intermediate rungs between weak and strong (nil: the strong model truncated to half its layers).
    public var bootstrapVia: [String]? = nil
    /// Separately pretrained rungs of `bootstrap-pretrained` (nil: the catalog models between weak and strong in size).
    public var bootstrapPretrainedVia: [String]? = nil
    public var sweepK = [5, 10, 20, 50, 100, 200]
    public var sweepPenalty = [1e-4, 1e-3, 1e-2, 1e-1, 1]

    public init() {}
}
