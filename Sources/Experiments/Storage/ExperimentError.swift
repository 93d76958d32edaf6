import Foundation

public enum ExperimentError: Error, CustomStringConvertible {
    case io(URL, String)
    case corrupt(URL, String)
    case invalid(String)

    public var description: String {
        switch self {
        case let .io(url, why): return "\(url.path): \(why)"
        case let .corrupt(url, why):
            return "\(url.path) is corrupt (\(why)). Delete it; the stage that wrote it will run again."
        case let .invalid(why): return why
        }
    }

    /// A failed system call on `url`, said with its cause and the fix rather than a raw error domain.
    static func system(_ url: URL, _ action: String, errno code: Int32) -> ExperimentError {
        let why: String
        switch code {
        case EACCES, EPERM: why = "permission denied. Make the folder writable, or choose another --runs-dir"
        case ENOSPC, EDQUOT: why = "no space left on the device. Free some space (`w2s cache info` shows what the caches hold), or choose another --runs-dir"
        case EROFS: why = "the file system is read-only. Choose a writable --runs-dir"
        case ENOENT: why = "no such file or folder"
        case ENOTDIR: why = "a part of the path is a file, not a folder"
        default: why = String(cString: strerror(code))
        }
        return .io(url, "cannot \(action): \(why)")
    }
}
