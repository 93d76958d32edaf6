import Foundation

public enum DatasetError: Error, CustomStringConvertible {
    case unknownDataset(String, known: [String])
    case missingFiles(dataset: String, folder: URL, files: [String])
    case noDataDirectory(tried: [String])
    case malformed(file: URL, line: Int, what: String)
    case missingColumn(file: URL, column: String, available: [String])
    case badLabel(file: URL, line: Int, value: String, allowed: String)
    case oneClass(file: URL, label: String)
    case empty(file: URL)
    case notUTF8(file: URL, line: Int)
    case unsupportedFormat(file: URL)
    case missingUserFile(file: URL)
    case userFileChanged(file: URL)

    public var description: String {
        switch self {
        case let .unknownDataset(name, known):
            return "unknown dataset '\(name)'. Known: \(known.joined(separator: ", ")). For your own data pass a .jsonl/.csv/.tsv file."
        case let .missingFiles(dataset, folder, files):
            return "dataset \(dataset): expected \(files.joined(separator: ", ")) in \(folder.path). Point --data-dir at a folder holding \(dataset)/ with the files as published."
        case let .noDataDirectory(tried):
            return "no dataset folder found (tried \(tried.joined(separator: ", "))). Pass --data-dir or set W2S_DATA."
        case let .malformed(file, line, what):
            return "\(file.path):\(line): \(what). Fix or remove that line."
        case let .missingColumn(file, column, available):
            return "\(file.path): no column '\(column)' (columns: \(available.joined(separator: ", "))). Name the right one with --text-column/--label-column."
        case let .badLabel(file, line, value, allowed):
            return "\(file.path):\(line): label '\(value)' is not one of \(allowed). Binary tasks need exactly two classes."
        case let .oneClass(file, label):
            return "\(file.path): every example has label \(label); a binary task needs both classes."
        case let .empty(file):
            return "\(file.path) holds no examples."
        case let .notUTF8(file, line):
            return "\(file.path):\(line): bytes that are not UTF-8. Re-encode the file as UTF-8."
        case let .unsupportedFormat(file):
            return "\(file.path): unsupported file type; use .jsonl, .csv or .tsv."
        case let .missingUserFile(file):
            return "\(file.path): no such file. Pass an existing .jsonl, .csv or .tsv file, or a dataset name from `w2s datasets list`."
        case let .userFileChanged(file):
            return "\(file.path) changed since this run was configured. Start the command again: the new contents make a new run."
        }
    }
}
