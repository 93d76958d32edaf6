import ArgumentParser
import Foundation

/// An option value written as a comma-separated list, `--seeds 0,1,2`: every item must parse as an `Element`.
///
/// Spaces around items are ignored. An empty argument is the empty list (the options that need items say so in their
/// `validate()`); an empty item (`1,,2`, `1,`) or an item that does not parse rejects the whole value.
struct CommaSeparated<Element: ExpressibleByArgument>: ExpressibleByArgument {
    var values: [Element]

    init(_ values: [Element]) { self.values = values }

    init?(argument: String) {
        guard !argument.allSatisfy(\.isWhitespace) else { self.init([]); return }
        var values: [Element] = []
        for item in argument.split(separator: ",", omittingEmptySubsequences: false) {
            let text = item.trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty, let value = Element(argument: text) else { return nil }
            values.append(value)
        }
        self.init(values)
    }

    var defaultValueDescription: String { values.map(\.defaultValueDescription).joined(separator: ",") }

    static var allValueStrings: [String] { Element.allValueStrings }

    static var defaultCompletionKind: CompletionKind {
        Element.allValueStrings.isEmpty ? .default : .list(Element.allValueStrings)
    }
}

// MARK: Checks for validate()

/// The items listed more than once, in order of their first repetition.
func repeated<T: Hashable>(_ values: [T]) -> [T] {
    var seen = Set<T>(), reported = Set<T>(), result: [T] = []
    for v in values where !seen.insert(v).inserted && reported.insert(v).inserted { result.append(v) }
    return result
}

/// Throws when `values` is empty (unless `allowEmpty`) or lists an item twice; `describe` names an item as written.
func requireDistinctItems<T: Hashable>(_ values: [T], option: String, items: String,
                                       describe: (T) -> String = { "\($0)" }, allowEmpty: Bool = false) throws {
    guard allowEmpty || !values.isEmpty else { throw ValidationError("\(option) needs at least one \(items)") }
    let twice = repeated(values)
    guard twice.isEmpty else {
        throw ValidationError("\(option) lists \(twice.map { "'\(describe($0))'" }.joined(separator: ", ")) more than once")
    }
}

/// Throws unless `value` is a finite number greater than zero.
func requirePositive(_ value: Float?, option: String) throws {
    guard let value else { return }
    guard value.isFinite, value > 0 else { throw ValidationError("\(option) must be a finite number > 0 (got \(value))") }
}

/// Throws unless `value` is at least `minimum`.
func requireAtLeast(_ minimum: Int, _ value: Int?, option: String) throws {
    guard let value else { return }
    guard value >= minimum else { throw ValidationError("\(option) must be ≥ \(minimum) (got \(value))") }
}
