import Foundation

/// A copy of the raw files laid out as shared/datasets (`<mirror>/<folder>/<file>`, e.g. `ethics/justice/justice_train.csv`):
/// an HTTP(S) server or a local folder, for an offline site or CI. Files from a mirror are verified against the
/// same pinned sizes and sha256 as those from the public sources.
public enum DatasetMirror: Sendable, Equatable, CustomStringConvertible {
    case http(URL)
    case folder(URL)

    public static let environmentVariable = "W2S_DATA_MIRROR"

    /// `http://…`, `https://…`, `file://…` or a folder path; a folder must exist.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw DownloadError.badMirror(text, reason: "it is empty") }
        let lower = trimmed.lowercased()
        if lower.hasPrefix("http://") || lower.hasPrefix("https://") {
            guard let url = URL(string: trimmed), let host = url.host, !host.isEmpty else {
                throw DownloadError.badMirror(text, reason: "it is not a valid address")
            }
            self = .http(url)
            return
        }
        let path: String
        if lower.hasPrefix("file://") {
            guard let url = URL(string: trimmed), url.isFileURL else { throw DownloadError.badMirror(text, reason: "it is not a valid file:// address") }
            path = url.path
        } else if trimmed.contains("://") {
            throw DownloadError.badMirror(text, reason: "only http://, https:// and file:// addresses or a folder path are supported")
        } else {
            path = trimmed
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DownloadError.badMirror(text, reason: "there is no such folder")
        }
        self = .folder(URL(fileURLWithPath: path).standardizedFileURL)
    }

    /// `--mirror` if given, else `$W2S_DATA_MIRROR` if set, else none (the public sources).
    public static func choose(option: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> DatasetMirror? {
        if let option { return try DatasetMirror(parsing: option) }
        if let env = environment[environmentVariable], !env.trimmingCharacters(in: .whitespaces).isEmpty {
            return try DatasetMirror(parsing: env)
        }
        return nil
    }

    /// Where the mirror holds `file` of a dataset in `folder`.
    public func location(folder: String, file: String) -> URL {
        switch self {
        case let .http(base):
            var text = base.absoluteString
            while text.hasSuffix("/") { text.removeLast() }
            return URL(string: text + "/" + DatasetSource.encodedPath(folder + "/" + file))!
        case let .folder(root):
            return root.appendingPathComponent(folder).appendingPathComponent(file)
        }
    }

    public var description: String {
        switch self {
        case let .http(url): return url.absoluteString
        case let .folder(url): return url.path
        }
    }
}
