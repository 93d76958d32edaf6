import Foundation

/// Where a dataset's raw files come from: one public repository read at a pinned commit, and for each file the
/// converter reads its path there, byte size and sha256 (from the dataset's MANIFEST.txt in shared/datasets).
/// `w2s datasets download` fetches exactly these files and keeps them only if size and sha256 match.
public struct DatasetSource: Sendable {
    public enum Repository: Sendable, Equatable, CustomStringConvertible {
        /// A GitHub repository, "OWNER/REPO".
        case github(String)
        /// A Hugging Face dataset repository, "OWNER/NAME".
        case huggingFaceDataset(String)

        /// The address of one file at one commit: raw.githubusercontent.com/OWNER/REPO/COMMIT/PATH, or
        /// huggingface.co/datasets/OWNER/NAME/resolve/COMMIT/PATH.
        public func url(commit: String, path: String) -> URL {
            switch self {
            case let .github(repository):
                return URL(string: "https://raw.githubusercontent.com/\(repository)/\(commit)/\(DatasetSource.encodedPath(path))")!
            case let .huggingFaceDataset(repository):
                return URL(string: "https://huggingface.co/datasets/\(repository)/resolve/\(commit)/\(DatasetSource.encodedPath(path))")!
            }
        }

        /// The repository's page, as a MANIFEST names it.
        public var page: String {
            switch self {
            case let .github(repository): return "https://github.com/\(repository)"
            case let .huggingFaceDataset(repository): return "https://huggingface.co/datasets/\(repository)"
            }
        }

        public var description: String {
            switch self {
            case let .github(repository): return repository
            case let .huggingFaceDataset(repository): return "hf:" + repository
            }
        }
    }

    /// One raw file.
    public struct File: Sendable, Equatable {
        /// Relative to the dataset folder, as the converter reads it (and as `<mirror>/<folder>/` holds it).
        public let name: String
        /// Path inside the repository at `commit`.
        public let path: String
        public let bytes: Int64
        /// 64 lowercase hex digits.
        public let sha256: String

        public init(_ name: String, path: String, bytes: Int64, sha256: String) {
            self.name = name; self.path = path; self.bytes = bytes; self.sha256 = sha256
        }
    }

    /// Terms of use as found in the source (or stated upstream, and then said so).
    public struct Licence: Sendable {
        public let terms: String
        /// Non-commercial use only (or reported so upstream): `w2s datasets list` and `download` say so.
        public let nonCommercial: Bool

        public init(_ terms: String, nonCommercial: Bool = false) { self.terms = terms; self.nonCommercial = nonCommercial }
        public static func nonCommercial(_ terms: String) -> Licence { Licence(terms, nonCommercial: true) }
    }

    public let repository: Repository
    /// The full 40-digit commit the files were read at.
    public let commit: String
    public let licence: Licence
    public let files: [File]

    public init(repository: Repository, commit: String, licence: Licence, files: [File]) {
        self.repository = repository; self.commit = commit; self.licence = licence; self.files = files
    }

    public static func github(_ repository: String, commit: String, licence: Licence, files: [File]) -> DatasetSource {
        DatasetSource(repository: .github(repository), commit: commit, licence: licence, files: files)
    }

    /// The pinned public address of `file`.
    public func url(of file: File) -> URL { repository.url(commit: commit, path: file.path) }

    /// "OWNER/REPO@abcdef1": where the files came from, short.
    public var origin: String { "\(repository)@\(commit.prefix(7))" }

    public var totalBytes: Int64 { files.reduce(0) { $0 + $1.bytes } }

    /// A relative path with each component percent-encoded (spaces and the like), slashes kept.
    static func encodedPath(_ path: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: ";?#%")
        return path.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.addingPercentEncoding(withAllowedCharacters: allowed) ?? String($0) }.joined(separator: "/")
    }
}
