import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `stat` says about a file: if any of it changes, the file may have changed and is hashed again.
/// ctime is included because a write that restores the old mtime (or size) still moves it.
struct FileSignature: Codable, Equatable, Sendable {
    var size: Int64
    var mtimeNanoseconds: Int64
    var ctimeNanoseconds: Int64
    var inode: UInt64
    var device: UInt64

    /// nil when the file does not exist (or cannot be stat'ed). Follows symbolic links.
    init?(_ url: URL) {
        var info = stat()
        guard stat(url.path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        size = Int64(info.st_size)
        #if canImport(Darwin)
        mtimeNanoseconds = Int64(info.st_mtimespec.tv_sec) * 1_000_000_000 + Int64(info.st_mtimespec.tv_nsec)
        ctimeNanoseconds = Int64(info.st_ctimespec.tv_sec) * 1_000_000_000 + Int64(info.st_ctimespec.tv_nsec)
        #else
        mtimeNanoseconds = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        ctimeNanoseconds = Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec)
        #endif
        inode = UInt64(info.st_ino)
        device = UInt64(info.st_dev)
    }
}

/// A file's sha256 and the signature it had while it was hashed.
struct VerifiedFile: Codable, Equatable, Sendable {
    var signature: FileSignature
    var sha256: String
}

/// `.w2s-verified.json` in a model directory: the sha256 of each file the loaders read, with the size,
/// mtime, ctime and inode each had when it was hashed. While those still match, the hashes are reused
/// without reading the files again. The hashes are always compared with the catalog's pins, so a stale or
/// edited stamp can cost a rehash but cannot make a modified model pass.
struct VerificationStamp: Codable, Sendable {
    static let fileName = ".w2s-verified.json"
    static let currentVersion = 1

    var version: Int
    var files: [String: VerifiedFile]

    static func read(in directory: URL) -> VerificationStamp? {
        guard let data = try? Data(contentsOf: directory.appendingPathComponent(fileName)),
              let stamp = try? JSONDecoder().decode(VerificationStamp.self, from: data),
              stamp.version == currentVersion else { return nil }
        return stamp
    }

    /// Writes the stamp atomically (a unique temporary file, then rename over the old one), so readers in
    /// other processes see the old stamp or the new one, never a mix. Best effort: false if the directory
    /// is not writable.
    @discardableResult
    func write(in directory: URL) -> Bool {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard let data = try? encoder.encode(self) else { return false }
        let target = directory.appendingPathComponent(Self.fileName)
        let temporary = directory.appendingPathComponent("\(Self.fileName).tmp-\(getpid())-\(UUID().uuidString)")
        do { try data.write(to: temporary) } catch { return false }
        if rename(temporary.path, target.path) == 0 { return true }
        unlink(temporary.path)
        return false
    }
}

/// The hashes one `ModelStore` value (and its copies) already verified, for directories where the stamp
/// cannot be written. Entries are reused only while the files' signatures match.
final class VerificationMemo: @unchecked Sendable {
    private let lock = NSLock()
    private var files: [String: VerifiedFile] = [:]

    func get(_ url: URL) -> VerifiedFile? {
        lock.lock(); defer { lock.unlock() }
        return files[url.standardizedFileURL.path]
    }

    func set(_ url: URL, _ file: VerifiedFile) {
        lock.lock(); defer { lock.unlock() }
        files[url.standardizedFileURL.path] = file
    }
}
