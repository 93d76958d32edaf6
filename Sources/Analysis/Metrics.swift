/// Fraction of examples whose probability lands on the right side of `threshold`.
public func accuracy(probabilities: [Float], labels: [Int], threshold: Float = 0.5) -> Double {
    precondition(probabilities.count == labels.count)
    guard !labels.isEmpty else { return .nan }
    let correct = zip(probabilities, labels).filter { ($0.0 > threshold ? 1 : 0) == $0.1 }.count
    return Double(correct) / Double(labels.count)
}

/// Performance gap recovered, (student − weak) / (ceiling − weak): 0 when the student only matches its
/// supervisor, 1 when it matches the ground-truth ceiling; negative or above 1 are possible. Nil when
/// the ceiling does not beat the weak model (the gap is zero or negative, so the ratio means nothing).
public func performanceGapRecovered(weak: Double, student: Double, ceiling: Double) -> Double? {
    let gap = ceiling - weak
    guard gap > 1e-12, weak.isFinite, student.isFinite, ceiling.isFinite else { return nil }
    return (student - weak) / gap
}

/// How often the student's hard prediction equals its supervisor's, split by whether the supervisor
/// was right: a student that generalizes disagrees mostly where the supervisor is wrong.
public struct Agreement: Codable, Sendable, Hashable {
    public var overall: Double
    public var whereSupervisorCorrect: Double
    public var whereSupervisorWrong: Double
    public var supervisorCorrectCount: Int
    public var supervisorWrongCount: Int
}

/// `threshold`: where a score becomes class 1 (½ for probabilities, 0 for logit margins).
public func agreement(student: [Float], supervisor: [Float], groundTruth: [Int], threshold: Float = 0.5) -> Agreement {
    precondition(student.count == supervisor.count && student.count == groundTruth.count)
    var agreeRight = 0, right = 0, agreeWrong = 0, wrong = 0
    for i in groundTruth.indices {
        let s = student[i] > threshold ? 1 : 0, w = supervisor[i] > threshold ? 1 : 0
        if w == groundTruth[i] { right += 1; if s == w { agreeRight += 1 } }
        else { wrong += 1; if s == w { agreeWrong += 1 } }
    }
    func ratio(_ a: Int, _ b: Int) -> Double { b == 0 ? .nan : Double(a) / Double(b) }
    return Agreement(overall: ratio(agreeRight + agreeWrong, right + wrong), whereSupervisorCorrect: ratio(agreeRight, right),
                     whereSupervisorWrong: ratio(agreeWrong, wrong), supervisorCorrectCount: right, supervisorWrongCount: wrong)
}
