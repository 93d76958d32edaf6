import Foundation

/// Writes that never leave a half-written file: write a sibling temporary file, flush it to the disk, rename
/// it over the destination (atomic within one file system, also on NFS), then flush the folder entry, so a
/// crash of the process or of the machine leaves either the old file or the whole new one.
public enum AtomicFile {
    /// Temporary files are named `.NAME.<pid>.<random>.tmp`; one older than this was left by a killed process.
    static let staleAfter: TimeInterval = 15 * 60

    public static func write(_ data: Data, to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        try createDirectory(directory)
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp")
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ExperimentError.system(url, "write", errno: errno) }
        var failure: Int32 = 0
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 { if errno == EINTR { continue }; failure = errno; return }
                offset += n
            }
        }
        if failure == 0, fsync(fd) != 0 { failure = errno }
        if close(fd) != 0, failure == 0 { failure = errno }
        if failure == 0, rename(temporary.path, url.path) != 0 { failure = errno }
        guard failure == 0 else {
            unlink(temporary.path)
            throw ExperimentError.system(url, "write", errno: failure)
        }
        syncDirectory(directory)
    }

    /// Creates a folder and its parents; errors name the folder and the cause (a file in the way, permissions, space).
    public static func createDirectory(_ url: URL) throws {
        var missing: [URL] = []
        var current = url.standardizedFileURL
        var isDirectory: ObjCBool = false
        while !FileManager.default.fileExists(atPath: current.path, isDirectory: &isDirectory) {
            missing.append(current)
            current.deleteLastPathComponent()
        }
        guard isDirectory.boolValue else { throw ExperimentError.system(url, "create the folder", errno: ENOTDIR) }
        for folder in missing.reversed() where mkdir(folder.path, 0o755) != 0 && errno != EEXIST {
            throw ExperimentError.system(url, "create the folder", errno: errno)
        }
    }

    /// Makes a rename in `directory` survive a machine crash.
    static func syncDirectory(_ directory: URL) {
        let fd = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }

    /// Deletes temporary files that killed processes left in `directory` (older than `staleAfter`; a live
    /// writer's file is seconds old). Returns how many were removed.
    @discardableResult
    public static func removeStaleTemporaries(in directory: URL, now: Date = Date()) -> Int {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return 0 }
        var removed = 0
        for name in names where name.hasPrefix(".") && name.hasSuffix(".tmp") {
            let url = directory.appendingPathComponent(name)
            guard let modified = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date,
                  now.timeIntervalSince(modified) > staleAfter else { continue }
            if unlink(url.path) == 0 { removed += 1 }
        }
        return removed
    }

    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    public static func writeJSON<T: Encodable>(_ value: T, to url: URL) throws {
        try write(try encoder.encode(value), to: url)
    }

    public static func readJSON<T: Decodable>(_ type: T.Type, from url: URL) throws -> T {
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw ExperimentError.io(url, "cannot read: \(error.localizedDescription)") }
        do {
            let decoder = JSONDecoder()
            decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            return try decoder.decode(type, from: data)
        } catch {
            throw ExperimentError.corrupt(url, "\(error)")
        }
    }
}
