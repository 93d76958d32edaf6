import ArgumentParser
import Experiments
import Transformers

/// The weak supervisor, the strong model and their input length (`run`, `demo`).
struct ModelOptions: ParsableArguments {
    @Option(help: "Weak supervisor model (NAME or NAME@k for its first k layers).") var weak = ExperimentDefaults.weakModel
    @Option(help: "Strong student/ceiling model.") var strong = ExperimentDefaults.strongModel
    @Option(help: "Maximum tokens per example (special tokens included).")
    var maxLength = ExperimentDefaults.maxLength

    func validate() throws {
        try requireModelReference(weak, option: "--weak")
        try requireModelReference(strong, option: "--strong")
    }
}

/// Throws unless `text` reads as NAME or NAME@k.
func requireModelReference(_ text: String, option: String) throws {
    do { _ = try ModelReference(parsing: text) } catch { throw ValidationError("\(option): \(error)") }
}
