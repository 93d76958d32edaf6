import ArgumentParser
import Experiments
import Transformers

/// The weak supervisor, the strong model and their input length (`run`, `demo`).
struct ModelOptions: ParsableArguments {
    /// Tokens per example the models can take: 512 is the position limit of the installed BERT and MPNet models.
    static let maxLengthLimits = 8...512

    @Option(help: "Weak supervisor model (NAME or NAME@k for its first k layers).") var weak = ExperimentDefaults.weakModel
    @Option(help: "Strong student/ceiling model.") var strong = ExperimentDefaults.strongModel
    @Option(help: "Maximum tokens per example (special tokens included), \(maxLengthLimits.lowerBound)…\(maxLengthLimits.upperBound).")
    var maxLength = ExperimentDefaults.maxLength

    func validate() throws {
        try requireModelReference(weak, option: "--weak")
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
