import Training

/// One line of a run's results: the weak supervisor (with several weak models: their ensemble), one member of a
/// weak ensemble, the ceiling, a student trained with one loss, or one intervention row. `id` is its one name everywhere: stage files, the run store, `w2s compare`,
/// predictions.csv columns, charts and tables.
public struct Arm: Hashable, Codable, Sendable, CustomStringConvertible {
    public enum Role: String, Codable, Sendable { case weak, weakMember, ceiling, student, method }
    public let role: Role
    /// The loss label of a student (parameters that differ from the defaults included: `logconf(warm-up=0.6)`);
    /// "method: variant" of an intervention row.
    public let variant: String

    public static let weak = Arm(role: .weak, variant: "")
    public static let ceiling = Arm(role: .ceiling, variant: "")
    /// What every student's id starts with: `student-<loss label>`.
    public static let studentPrefix = "student-"
    /// One weak supervisor of an ensemble (`--weak A,B`): `weak:<model>`.
    public static func weakMember(_ model: String) -> Arm { Arm(role: .weakMember, variant: model) }
    public static func student(_ loss: LossKind) -> Arm { Arm(role: .student, variant: loss.label) }
    /// An intervention row: `method` as in the tables ("filter 10%", "probe"), `variant` what distinguishes it.
    public static func method(_ method: String, _ variant: String) -> Arm { Arm(role: .method, variant: "\(method):\(variant)") }

    public var id: String {
        switch role {
        case .weak: return "weak"
        case .weakMember: return "weak:\(variant)"
        case .ceiling: return "ceiling"
        case .student: return Self.studentPrefix + variant
        case .method: return "method:\(variant)"
        }
    }

    public var description: String { id }

    /// The intervention's name and variant ("probe", "kNN k=50, layer 6").
    public var methodParts: (method: String, variant: String) {
        guard let colon = variant.firstIndex(of: ":") else { return (variant, "") }
        return (String(variant[..<colon]), String(variant[variant.index(after: colon)...]))
    }

    /// Whether the arm trains and early-stops on ground truth (the weak supervisor, its members, the ceiling): its
    /// validation curve is then already an unbiased learning curve, and a test-AUC curve beside it adds nothing a
    /// stop rule needs (students stop on weak labels: their test curve gives the oracle and last-step rules).
    public var learnsGroundTruth: Bool { role == .weak || role == .weakMember || role == .ceiling }

    /// Whether `id` names a reference point (the weak supervisor, a member of a weak ensemble, the ceiling) rather
    /// than a student or an intervention: what comparisons, counts and multiple-testing families leave out.
    public static func isReferencePoint(_ id: String) -> Bool {
        id == weak.id || id == ceiling.id || id.hasPrefix(weakMember("").id)
    }

    /// A trained stage's name: the arm and the model it trains (progress lines, stage files, timings).
    public func stage(_ model: CustomStringConvertible) -> String { "\(id) (\(model))" }
}
