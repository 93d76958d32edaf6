import Experiments
import Foundation

/// Defaults as help texts print them, read from `ExperimentDefaults` (never retyped).
enum HelpText {
    /// 1e-3, 8e-5, 0.5: small numbers the way papers write learning rates.
    static func number(_ x: Float) -> String {
        let value = Double(x)
        guard value != 0, abs(value) < 0.01, value.isFinite else { return String(format: "%g", value) }
        let exponent = Int(floor(log10(abs(value))))
        let mantissa = value / pow(10, Double(exponent))
        let rounded = mantissa.rounded()
        return abs(mantissa - rounded) < 1e-4 ? "\(Int(rounded))e\(exponent)" : String(format: "%ge%d", mantissa, exponent)
    }

    /// A default per training mode, modes sharing a value joined: "1e-3 head, 5e-4 lora/full".
    static func perMode(_ show: (TrainingMode) -> String) -> String {
        var groups: [(value: String, modes: [String])] = []
        for mode in TrainingMode.allCases {
            let value = show(mode)
            if let i = groups.firstIndex(where: { $0.value == value }) { groups[i].modes.append(mode.rawValue) }
            else { groups.append((value, [mode.rawValue])) }
        }
        return groups.map { "\($0.value) \($0.modes.joined(separator: "/"))" }.joined(separator: ", ")
    }

    /// "a, b and c".
    static func list(_ items: [String]) -> String {
        items.count <= 1 ? items.joined() : items.dropLast().joined(separator: ", ") + " and " + items.last!
    }
}
