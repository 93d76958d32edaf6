import Foundation

public enum DatasetError: Error, CustomStringConvertible {
    case unknownDataset(String, known: [String])
    /// Raw files of a registered dataset absent from `dataDirectory/folder`.
    case missingFiles(dataset: String, dataDirectory: URL, folder: String, files: [String])
    case malformed(file: URL, line: Int, what: String)
    case missingColumn(file: URL, column: String, available: [String])
    case badLabel(file: URL, line: Int, value: String, allowed: String)
    /// An empty, null, NaN or infinite value where every row needs one (`found` says which).
    case missingValue(file: URL, line: Int, column: String, found: String)
    /// A quoted CSV field opened on `line` does not close where its field ends.
    case unterminatedQuote(file: URL, line: Int)
    case duplicateColumn(file: URL, line: Int, column: String)
    case oneClass(file: URL, label: String)
    case empty(file: URL)
    case notUTF8(file: URL, line: Int)
    case unsupportedFormat(file: URL)
    case missingUserFile(file: URL)
    case isDirectory(file: URL)
    case unreadable(file: URL, reason: String)
    case carriageReturnLineEndings(file: URL)
    case userFileChanged(file: URL)

    public var description: String {
        switch self {
        case let .unknownDataset(name, known):
            return "unknown dataset '\(name)'. Known: \(known.joined(separator: ", ")). For your own data pass a .jsonl/.csv/.tsv file."
        case let .missingFiles(dataset, dataDirectory, folder, files):
            return "dataset \(dataset) is not in \(dataDirectory.path) (missing \(files.map { folder + "/" + $0 }.joined(separator: ", "))). Download it, pinned and verified: `\(DataDirectory.downloadCommand(dataset, into: dataDirectory))` (add --mirror URL-or-folder, or set W2S_DATA_MIRROR, to use a mirror); or point --data-dir at a folder holding \(folder)/ with the files as published."
        case let .malformed(file, line, what):
            return "\(file.path):\(line): \(what). Fix or remove that line."
        case let .missingColumn(file, column, available):
            return "\(file.path): no column '\(column)' (columns: \(available.joined(separator: ", "))). Name the right one with --text-column/--label-column."
        case let .badLabel(file, line, value, allowed):
            return "\(file.path):\(line): label '\(value)' is not one of \(allowed). Binary tasks need exactly two classes: fix the label or remove that line."
        case let .missingValue(file, line, column, found):
            return "\(file.path):\(line): column '\(column)' is \(found); every example needs a real value there. Fill it in or remove that line."
        case let .unterminatedQuote(file, line):
            return "\(file.path):\(line): unterminated quote: the quoted field opened on this line does not close where its field ends, so the rows after it would run together into one. Close the quote, and double every quote inside a quoted field (\"\")."
        case let .duplicateColumn(file, line, column):
            return "\(file.path):\(line): the header names column '\(column)' twice. Rename or remove one of them."
        case let .oneClass(file, label):
            return "\(file.path): every example has label \(label); a binary task needs both classes. Add examples of the other class, or name the right column with --label-column."
        case let .empty(file):
            return "\(file.path) holds no examples. Pass a file with a header (CSV/TSV) and labelled rows, or one JSON object per line."
        case let .notUTF8(file, line):
            return "\(file.path):\(line): bytes that are not UTF-8. Re-encode the file as UTF-8."
        case let .unsupportedFormat(file):
            return "\(file.path): unsupported file type; use .jsonl, .csv or .tsv."
        case let .missingUserFile(file):
            return "\(file.path): no such file. Pass an existing .jsonl, .csv or .tsv file, or a dataset name from `w2s datasets list`."
        case let .isDirectory(file):
            return "\(file.path) is a directory, not a data file. Pass the .jsonl, .csv or .tsv file inside it."
        case let .unreadable(file, reason):
            return "\(file.path) cannot be read (\(reason)). Check that it is a readable file."
        case let .carriageReturnLineEndings(file):
            return "\(file.path): lines end with CR only (classic Mac line endings), so the whole file reads as one line. Convert them to LF, e.g. `tr '\\r' '\\n' < old > new`."
        case let .userFileChanged(file):
            return "\(file.path) changed since this run was configured. Start the command again: the new contents make a new run."
        }
    }
}
