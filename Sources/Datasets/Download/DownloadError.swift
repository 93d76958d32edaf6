import Foundation

/// Why a download stopped. Each message names the file and what to do.
public enum DownloadError: Error, CustomStringConvertible {
    case badMirror(String, reason: String)
    /// The folder mirror has no such file.
    case notOnMirror(file: String, location: String)
    /// The bytes fetched are not the pinned file (size or sha256); they were deleted.
    case mismatch(file: String, source: String, bytes: Int64, sha256: String?, expectedBytes: Int64, expectedSHA256: String, fromMirror: Bool)
    /// The server answered with an HTTP error (404, 500, …).
    case http(file: String, source: String, message: String, fromMirror: Bool)
    /// The transfer failed after every attempt; `partialBytes` are kept for the next try to resume from.
    case transfer(file: String, source: String, message: String, attempts: Int, partialBytes: Int64)
    case tool(String)
    case io(path: String, message: String)

    public var description: String {
        switch self {
        case let .badMirror(text, reason):
            return "mirror '\(text)': \(reason). Pass --mirror (or set \(DatasetMirror.environmentVariable)) to an http(s):// address or a folder laid out as <dataset>/<file>, like shared/datasets."
        case let .notOnMirror(file, location):
            return "\(file): the mirror has no \(location). Copy the file there as published (the layout is <dataset>/<file>, like shared/datasets), or drop --mirror / \(DatasetMirror.environmentVariable) to download from the public source."
        case let .mismatch(file, source, bytes, sha256, expectedBytes, expectedSHA256, fromMirror):
            let got = sha256.map { "\(bytes) bytes with sha256 \($0)" } ?? "\(bytes) bytes"
            let fix = fromMirror
                ? "The mirror's copy is not the published file: replace it with the original (the pinned sha256 is in the dataset's definition and MANIFEST.txt), or drop --mirror / \(DatasetMirror.environmentVariable)."
                : "The download was corrupted or the source changed: run the command again; if it fails the same way, use a verified copy with --mirror and report the changed source."
            return "\(file) from \(source) is not the pinned file: got \(got), expected \(expectedBytes) bytes with sha256 \(expectedSHA256). Nothing was kept. \(fix)"
        case let .http(file, source, message, fromMirror):
            let fix = fromMirror
                ? "Check that the mirror serves <dataset>/<file> (the layout of shared/datasets), or drop --mirror / \(DatasetMirror.environmentVariable)."
                : "The pinned address did not answer with the file: check your network or proxy, or download from a mirror with --mirror."
            return "\(file): \(source) answered \(message). \(fix)"
        case let .transfer(file, source, message, attempts, partialBytes):
            let kept = partialBytes > 0 ? " \(partialBytes) bytes are kept; running the command again resumes from there." : ""
            return "\(file): downloading \(source) failed \(attempts) times (last: \(message)).\(kept) Check your network or proxy (curl honours https_proxy), or download from a mirror with --mirror."
        case let .tool(message):
            return message
        case let .io(path, message):
            return "\(path): \(message). Choose a writable folder with --data-dir or \(DataDirectory.environmentVariable)."
        }
    }
}
