import Foundation

/// How a benchmark writes its classes: the code of the positive class (→ 1), of the negative class (→ 0), and
/// the codes of classes the binary task drops. Any other code is a bad label naming the file and line.
struct LabelCodes {
    let positive: String
    let negative: String
    var dropped: Set<String> = []

    static let zeroOne = LabelCodes(positive: "1", negative: "0")

    /// 1 or 0, or nil for a dropped class. Surrounding spaces are ignored.
    func label(_ code: String, _ url: URL, line: Int) throws -> Int? {
        switch code.trimmingCharacters(in: .whitespaces) {
        case positive: return 1
        case negative: return 0
        case let other where dropped.contains(other): return nil
        default:
            throw DatasetError.badLabel(file: url, line: line, value: code,
                                        allowed: ([negative, positive] + dropped.sorted()).joined(separator: "/"))
        }
    }
}
