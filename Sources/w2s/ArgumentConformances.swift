import Analysis
import ArgumentParser
import Experiments
import Training

// The library's choices as typed option values: parsing rejects anything else and `--help` lists the values.

extension TrainingMode: ExpressibleByArgument {}
extension Intervention: ExpressibleByArgument {}
extension WeakCombination: ExpressibleByArgument {}
extension Alternative: ExpressibleByArgument {}
extension ComparisonUnit: ExpressibleByArgument {}
extension ResultsExport.Format: ExpressibleByArgument {}

/// A student loss by the name `LossKind(parsing:)` reads, with the default α; `TrainingOptions.losses` applies
/// `--alpha` and `--alpha-warmup`.
extension LossKind: ExpressibleByArgument {
    public init?(argument: String) {
        guard let loss = try? LossKind(parsing: argument) else { return nil }
        self = loss
    }

    /// The name `LossKind(parsing:)` reads for this loss.
    var argument: String {
        switch self {
        case .xent: return "xent"
        case .logconf(_, _, .batchBalanced): return "logconf-balanced"
        case .logconf: return "logconf"
        case .entropy: return "entropy"
        case .window: return "window"
        }
    }

    public var defaultValueDescription: String { argument }

    public static var allValueStrings: [String] {
        [LossKind.xent, .logconf(), .logconf(threshold: .batchBalanced), .entropy(), .window()].map(\.argument)
    }
}
