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
extension PackFile.Precision: ExpressibleByArgument {}
extension HeadInput: ExpressibleByArgument {}

/// `--train-layers`: a number of top layers, or `all`.
struct LayerCount: ExpressibleByArgument, Equatable {
    /// nil = all layers.
    let top: Int?
    init(top: Int?) { self.top = top }
    init?(argument: String) {
        if argument == "all" { top = nil; return }
        guard let k = Int(argument) else { return nil }
        top = k
    }
    var defaultValueDescription: String { top.map(String.init) ?? "all" }
}

/// A student loss by the name `LossKind(parsing:)` reads, with the default α; `TrainingOptions.losses` applies
/// `--alpha` and `--alpha-warmup`.
extension LossKind: ExpressibleByArgument {
    public init?(argument: String) {
        guard let loss = try? LossKind(parsing: argument) else { return nil }
        self = loss
    }

    /// The name `LossKind(parsing:)` reads for this loss.
    var argument: String { parsedName }

    public var defaultValueDescription: String { argument }

    public static var allValueStrings: [String] { LossKind.names }
}
