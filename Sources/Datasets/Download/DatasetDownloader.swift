import Determinism
import Foundation

/// What a download is doing, for a progress display.
public enum DownloadEvent {
    /// Fetching `file` (`folder/name`) from `source`, `resumingFrom` bytes already there.
    case fetching(file: String, source: String, bytes: Int64, resumingFrom: Int64)
    case progress(file: String, done: Int64, total: Int64)
    case fetched(file: String, bytes: Int64)
    /// Something worth a line: a retry, a restart, a repair, waiting for another download.
    case note(String)
}

/// What one dataset's download did.
public struct DownloadReport: Sendable {
    public var fetched: [String] = []
    public var alreadyPresent: [String] = []
    public var bytesFetched: Int64 = 0
}

/// Downloads a dataset's raw files (its `DatasetSource`) into a data directory, from their pinned public
/// addresses or a mirror, and keeps a file only if its size and sha256 are the pinned ones.
///
/// - Atomic: a file is fetched to `.NAME.partial` beside its final name, verified, flushed and renamed; the
///   registry reads only final names, so a partial download is never read as data.
/// - Resumable: an interrupted transfer leaves the partial file, and the next attempt (in this call or a later
///   one) continues with an HTTP Range request from its size (curl `--continue-at`); a server that ignores Range
///   makes it start again from byte 0.
/// - Idempotent: files already present with the pinned size and sha256 are not fetched again; one that differs is.
/// - One download per data directory at a time (an advisory lock on `.w2s-download.lock`).
///
/// HTTP goes through curl as a subprocess (Debian's curl): it honours the system's proxy variables and CA store,
/// resumes with Range, fails cleanly on HTTP errors, and needs no FoundationNetworking in the binary.
public struct DatasetDownloader {
    public let dataDirectory: URL
    public let mirror: DatasetMirror?
    /// Attempts per file for transient failures (a dropped connection, a stall, a 5xx); each resumes.
    public var attempts = 3
    public var connectTimeout = 30
    /// A transfer slower than 1 byte/s for this long is abandoned (and resumed by the next attempt).
    public var stallSeconds = 60
    public var retryDelay: TimeInterval = 1
    public var events: (DownloadEvent) -> Void

    public init(dataDirectory: URL, mirror: DatasetMirror? = nil, events: @escaping (DownloadEvent) -> Void = { _ in }) {
        self.dataDirectory = dataDirectory
        self.mirror = mirror
        self.events = events
    }

    /// The state of one catalog file on disk.
    public enum FileState: Equatable, Sendable {
        case verified
        case missing
        case wrongSize(Int64)
        case wrongHash(String)
    }

    /// Size first (cheap), then sha256 unless `hash` is false.
    public static func state(of file: DatasetSource.File, at url: URL, hash: Bool = true) -> FileState {
        guard let size = fileSize(url) else { return .missing }
        guard size == file.bytes else { return .wrongSize(size) }
        guard hash else { return .verified }
        guard let digest = try? fileSHA256(url) else { return .missing }
        return digest == file.sha256 ? .verified : .wrongHash(digest)
    }

    /// Every raw file of `definition` in the data directory, verified; what is missing or differs is fetched.
    @discardableResult
    public func download(_ definition: DatasetDefinition) throws -> DownloadReport {
        let lock = try DownloadLock(dataDirectory: dataDirectory, events: events)
        defer { lock.release() }
        var report = DownloadReport()
        for file in definition.source.files {
            let display = definition.folder + "/" + file.name
            let destination = dataDirectory.appendingPathComponent(definition.folder).appendingPathComponent(file.name)
            switch Self.state(of: file, at: destination) {
            case .verified:
                report.alreadyPresent.append(display)
                continue
            case .missing: break
            case let .wrongSize(size): events(.note("\(display): \(size) bytes, not the pinned \(file.bytes); downloading it again"))
            case .wrongHash: events(.note("\(display): sha256 differs from the pinned one; downloading it again"))
            }
            try fetch(file, display: display, folder: definition.folder, to: destination, source: definition.source)
            report.fetched.append(display)
            report.bytesFetched += file.bytes
        }
        return report
    }

    /// The partial file beside `destination`.
    public static func partialURL(for destination: URL) -> URL {
        destination.deletingLastPathComponent().appendingPathComponent("." + destination.lastPathComponent + ".partial")
    }

    private func fetch(_ file: DatasetSource.File, display: String, folder: String, to destination: URL, source: DatasetSource) throws {
        let directory = destination.deletingLastPathComponent()
        try Self.createDirectory(directory)
        let partial = Self.partialURL(for: destination)
        let location = mirror?.location(folder: folder, file: file.name) ?? source.url(of: file)
        let sourceName = location.isFileURL ? location.path : location.absoluteString

        // A partial file from an earlier run: complete and right → keep; too long or wrong → start again.
        if let have = Self.fileSize(partial), have >= file.bytes {
            if have == file.bytes, (try? fileSHA256(partial)) == file.sha256 {
                try finish(partial, to: destination, directory: directory)
                events(.fetched(file: display, bytes: file.bytes))
                return
            }
            unlink(partial.path)
        }

        if case .folder = mirror {
            try copy(from: location, to: partial, file: file, display: display)
        } else {
            try curl(location, to: partial, file: file, display: display, fromMirror: mirror != nil)
        }

        let size = Self.fileSize(partial) ?? 0
        let digest = size == file.bytes ? try fileSHA256(partial) : nil
        guard size == file.bytes, digest == file.sha256 else {
            unlink(partial.path)
            throw DownloadError.mismatch(file: display, source: sourceName, bytes: size, sha256: digest,
                                         expectedBytes: file.bytes, expectedSHA256: file.sha256, fromMirror: mirror != nil)
        }
        try finish(partial, to: destination, directory: directory)
        events(.fetched(file: display, bytes: file.bytes))
    }

    /// Flushes the verified partial file and renames it over the destination.
    private func finish(_ partial: URL, to destination: URL, directory: URL) throws {
        let fd = open(partial.path, O_RDONLY | O_CLOEXEC)
        if fd >= 0 { fsync(fd); close(fd) }
        guard rename(partial.path, destination.path) == 0 else {
            let message = String(cString: strerror(errno))
            unlink(partial.path)
            throw DownloadError.io(path: destination.path, message: "cannot move the verified download into place (\(message))")
        }
        let directoryFD = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 { fsync(directoryFD); close(directoryFD) }
    }

    /// From a folder mirror: a plain copy (a local copy needs no resume).
    private func copy(from location: URL, to partial: URL, file: DatasetSource.File, display: String) throws {
        guard FileManager.default.fileExists(atPath: location.path) else {
            throw DownloadError.notOnMirror(file: display, location: location.path)
        }
        events(.fetching(file: display, source: location.path, bytes: file.bytes, resumingFrom: 0))
        unlink(partial.path)
        guard let input = FileHandle(forReadingAtPath: location.path) else {
            throw DownloadError.io(path: location.path, message: "cannot read the mirror's file")
        }
        defer { try? input.close() }
        guard FileManager.default.createFile(atPath: partial.path, contents: nil),
              let output = FileHandle(forWritingAtPath: partial.path) else {
            throw DownloadError.io(path: partial.path, message: "cannot create the file")
        }
        defer { try? output.close() }
        var done: Int64 = 0
        do {
            // Never more than the pinned size + 1 byte: enough to tell a longer file, bounded for a huge one.
            while done <= file.bytes, let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty {
                try output.write(contentsOf: chunk)
                done += Int64(chunk.count)
                events(.progress(file: display, done: min(done, file.bytes), total: file.bytes))
            }
        } catch {
            unlink(partial.path)
            throw DownloadError.io(path: partial.path, message: "copying from the mirror failed (\(error.localizedDescription))")
        }
    }

    /// Over HTTP(S) with curl, resuming from the partial file; transient failures are retried `attempts` times.
    private func curl(_ url: URL, to partial: URL, file: DatasetSource.File, display: String, fromMirror: Bool) throws {
        var attempt = 0
        var lastMessage = ""
        var restartedForRange = false
        while attempt < attempts {
            attempt += 1
            var have = Self.fileSize(partial) ?? 0
            if have > file.bytes { unlink(partial.path); have = 0 }
            events(.fetching(file: display, source: url.absoluteString, bytes: file.bytes, resumingFrom: have))
            var arguments = ["--fail", "--location", "--silent", "--show-error",
                             "--proto", "=http,https", "--proto-redir", "=http,https",
                             "--connect-timeout", "\(connectTimeout)", "--speed-limit", "1", "--speed-time", "\(stallSeconds)",
                             "--output", partial.path]
            if have > 0 { arguments += ["--continue-at", "\(have)"] }
            arguments.append(url.absoluteString)
            let (status, message) = try runCurl(arguments, partial: partial, file: file, display: display)
            let size = Self.fileSize(partial) ?? 0
            switch status {
            case 0 where size < file.bytes:
                lastMessage = "the server sent \(size) of \(file.bytes) bytes"
            case 0:
                return  // complete (or too long: verification says so)
            case 33:
                // The server ignores Range (answers 200 with the whole file): curl refuses to append it. Start again.
                unlink(partial.path)
                lastMessage = "the server does not resume (it ignores Range)"
                events(.note("\(display): the server cannot resume (no Range support); starting again from byte 0"))
                if !restartedForRange { restartedForRange = true; attempt -= 1 }
                continue
            case 22 where !message.contains("error: 5"):
                throw DownloadError.http(file: display, source: url.absoluteString, message: Self.curlMessage(message), fromMirror: fromMirror)
            case 3, 23, 26, 27, 37, 51, 60, 77:
                // A bad address, a local write/read error, out of memory, or a TLS certificate problem: retrying won't help.
                throw DownloadError.transfer(file: display, source: url.absoluteString, message: Self.curlMessage(message),
                                             attempts: attempt, partialBytes: Self.fileSize(partial) ?? 0)
            default:
                lastMessage = Self.curlMessage(message)
            }
            if attempt < attempts {
                events(.note("\(display): \(lastMessage); trying again\(Self.fileSize(partial).map { $0 > 0 ? " from byte \($0)" : "" } ?? "")"))
                Thread.sleep(forTimeInterval: retryDelay)
            }
        }
        throw DownloadError.transfer(file: display, source: url.absoluteString, message: lastMessage, attempts: attempt,
                                     partialBytes: Self.fileSize(partial) ?? 0)
    }

    /// Runs curl, reporting the partial file's growth; stops it if it writes past the pinned size.
    private func runCurl(_ arguments: [String], partial: URL, file: DatasetSource.File, display: String) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["curl"] + arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch {
            throw DownloadError.tool("cannot start curl (\(error.localizedDescription)); install it: apt-get install curl")
        }
        // Read stderr as it comes so a chatty curl can never fill the pipe and stall.
        let collected = ErrorCollector()
        let reader = Thread { collected.data = errors.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        var lastReported: Int64 = -1
        while process.isRunning {
            Thread.sleep(forTimeInterval: 0.1)
            let size = Self.fileSize(partial) ?? 0
            if size > file.bytes { process.terminate() }
            if size != lastReported {
                lastReported = size
                events(.progress(file: display, done: min(size, file.bytes), total: file.bytes))
            }
        }
        process.waitUntilExit()
        while !collected.isDone { Thread.sleep(forTimeInterval: 0.01) }
        if process.terminationStatus == 127 {
            throw DownloadError.tool("curl is not installed; install it: apt-get install curl")
        }
        return (process.terminationStatus, String(decoding: collected.data, as: UTF8.self))
    }

    /// curl's "curl: (18) transfer closed with …" without the prefix.
    static func curlMessage(_ stderr: String) -> String {
        let line = stderr.split(separator: "\n").last.map(String.init) ?? ""
        let trimmed = line.hasPrefix("curl: ") ? String(line.dropFirst(6)) : line
        return trimmed.isEmpty ? "curl failed" : trimmed
    }

    static func fileSize(_ url: URL) -> Int64? {
        var info = stat()
        guard stat(url.path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int64(info.st_size)
    }

    static func createDirectory(_ url: URL) throws {
        do { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) } catch {
            throw DownloadError.io(path: url.path, message: "cannot create the folder (\(error.localizedDescription))")
        }
    }
}

/// Standard error of a child, filled by a reader thread.
private final class ErrorCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var stored = Data()
    private var done = false
    var data: Data {
        get { lock.lock(); defer { lock.unlock() }; return stored }
        set { lock.lock(); stored = newValue; done = true; lock.unlock() }
    }
    var isDone: Bool { lock.lock(); defer { lock.unlock() }; return done }
}

/// An advisory lock (flock) on `<data directory>/.w2s-download.lock`: two downloads into one folder take turns
/// instead of writing the same partial file.
private struct DownloadLock {
    let fd: Int32

    init(dataDirectory: URL, events: (DownloadEvent) -> Void) throws {
        try DatasetDownloader.createDirectory(dataDirectory)
        let path = dataDirectory.appendingPathComponent(".w2s-download.lock").path
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw DownloadError.io(path: path, message: "cannot create the lock file (\(String(cString: strerror(errno))))")
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            events(.note("waiting for another w2s download into \(dataDirectory.path)"))
            while flock(fd, LOCK_EX) != 0 && errno == EINTR {}
        }
    }

    func release() {
        flock(fd, LOCK_UN)
        close(fd)
    }
}

/// The toolkit's one file hash, its failure said as a download error.
func fileSHA256(_ url: URL) throws -> String {
    do { return try FileSHA256.of(url) } catch { throw DownloadError.tool("\(error)") }
}
