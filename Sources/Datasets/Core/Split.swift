/// The splits of a weak-to-strong experiment (Burns et al.): the weak supervisor trains on `weakTrain` and
/// labels `strongTrain`, on which the strong student trains; `validation` selects checkpoints; `test` (ground
/// truth) scores everything. The raw value is the name used in files (splits.json, predictions.csv).
public enum Split: String, CaseIterable, Codable, Sendable, Comparable {
    case weakTrain = "weak_train"
    case strongTrain = "strong_train"
    case validation
    case test

    /// The splits every strong-model stage sees, in the order their rows are laid out.
    public static let strongSide: [Split] = [.strongTrain, .validation, .test]

    public static func < (a: Split, b: Split) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
