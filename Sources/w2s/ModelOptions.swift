import ArgumentParser
import Experiments
import Transformers

/// The weak supervisor, the strong model and their input length (`run`, `demo`).
struct ModelOptions: ParsableArguments {
    /// Tokens per example the models can take: 512 is the position limit of the installed BERT and MPNet models.
    static let maxLengthLimits = 8...512

    @Option(help: "Weak supervisor model (NAME or NAME@k for its first k layers), or several, comma separated: a weak ensemble (see --weak-ensemble); each member appears as an arm weak:NAME, PGR is measured against the ensemble.")
    var weak = ExperimentDefaults.weakModel
    @Option(help: ArgumentHelp("How several --weak models are combined into the students' labels (default: \(ExperimentDefaults.weakCombination.rawValue)): "
                               + WeakCombination.allCases.map { "\($0.rawValue) — \($0.help)" }.joined(separator: "; ") + ".",
                               valueName: "combination"))
    var weakEnsemble: WeakCombination?
    @Option(help: "Strong student/ceiling model.") var strong = ExperimentDefaults.strongModel
    @Option(help: "Maximum tokens per example (special tokens included), \(maxLengthLimits.lowerBound)…\(maxLengthLimits.upperBound).")
    var maxLength = ExperimentDefaults.maxLength

    /// The weak supervisors, in the order given.
    var weakModels: [String] { weak.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) } }

    /// What `ExperimentConfig.weakCombination` holds: nil with one weak model.
    var weakCombination: WeakCombination? { weakModels.count > 1 ? weakEnsemble ?? ExperimentDefaults.weakCombination : nil }

    func validate() throws {
        try requireDistinctItems(weakModels, option: "--weak", items: "model")
        for model in weakModels { try requireModelReference(model, option: "--weak") }
        if weakEnsemble != nil && weakModels.count < 2 {
            throw ValidationError("--weak-ensemble combines several weak models: give them as --weak A,B (got one, \(weak))")
        }
        try requireModelReference(strong, option: "--strong")
        guard Self.maxLengthLimits.contains(maxLength) else {
            throw ValidationError("--max-length must lie in \(Self.maxLengthLimits.lowerBound)…\(Self.maxLengthLimits.upperBound), "
                                  + "\(Self.maxLengthLimits.upperBound) being the position limit of the installed BERT/MPNet models (got \(maxLength))")
        }
    }
}

/// Throws unless `text` reads as NAME or NAME@k.
func requireModelReference(_ text: String, option: String) throws {
    do { _ = try ModelReference(parsing: text) } catch { throw ValidationError("\(option): \(error)") }
}
