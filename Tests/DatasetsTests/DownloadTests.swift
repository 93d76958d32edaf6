import XCTest
import Foundation
import Datasets

/// `DatasetDownloader` against mirrors of ../shared/datasets: a local folder, and a loopback HTTP server with byte
/// ranges (scripts/mirror-server.py, bound to 127.0.0.1, started and stopped here, exiting by itself after 120 s)
/// that can drop the first connection or ignore Range.
final class DownloadTests: XCTestCase {
    var work: URL!
    var servers: [Process] = []

    override func setUpWithError() throws {
        work = FileManager.default.temporaryDirectory.appendingPathComponent("w2s-download-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        for server in servers where server.isRunning { server.terminate(); server.waitUntilExit() }
        try? FileManager.default.removeItem(at: work)
    }

    func shared() throws -> URL {
        try XCTUnwrap(DataDirectory.shared(), "../shared/datasets not found from \(FileManager.default.currentDirectoryPath)")
    }

    /// PIQA: two files (496 kB and 4 kB), small enough to download many times.
    let piqa = try! DatasetRegistry.standard.definition("piqa")

    func downloader(into target: URL, mirror: DatasetMirror?) -> DatasetDownloader {
        var d = DatasetDownloader(dataDirectory: target, mirror: mirror)
        d.connectTimeout = 5
        d.stallSeconds = 10
        d.retryDelay = 0.1
        return d
    }

    /// Every file under `folder`, relative, hidden ones included (partial files, the lock).
    func contents(_ folder: URL) -> [String] {
        guard let e = FileManager.default.enumerator(atPath: folder.path) else { return [] }
        return e.compactMap { $0 as? String }.filter { path in
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: folder.appendingPathComponent(path).path, isDirectory: &isDirectory)
            return exists && !isDirectory.boolValue
        }.sorted()
    }

    /// A mirror folder with copies of `definition`'s files from shared.
    func mirrorCopy(of definition: DatasetDefinition) throws -> URL {
        let mirror = work.appendingPathComponent("mirror")
        for file in definition.source.files {
            let to = mirror.appendingPathComponent(definition.folder).appendingPathComponent(file.name)
            try FileManager.default.createDirectory(at: to.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(contentsOf: try shared().appendingPathComponent(definition.folder).appendingPathComponent(file.name)).write(to: to)
        }
        return mirror
    }

    /// Starts scripts/mirror-server.py on 127.0.0.1 over `root`; returns its base address and request log.
    func startServer(root: URL, _ options: [String] = []) throws -> (url: String, log: URL) {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/mirror-server.py")
        let portFile = work.appendingPathComponent("port-\(servers.count)"), log = work.appendingPathComponent("requests-\(servers.count).log")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, "--root", root.path, "--port-file", portFile.path, "--log", log.path, "--lifetime", "120"] + options
        try process.run()
        servers.append(process)
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if let text = try? String(contentsOf: portFile, encoding: .utf8), let port = Int(text) {
                return ("http://127.0.0.1:\(port)", log)
            }
            XCTAssertTrue(process.isRunning, "mirror server exited")
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw XCTSkip("the mirror server did not start within 30 s")
    }

    func requests(_ log: URL) -> [String] {
        ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    func testFolderMirrorDownloadsAndVerifiesAndASecondRunFetchesNothing() throws {
        let target = work.appendingPathComponent("data")
        let d = downloader(into: target, mirror: try DatasetMirror(parsing: try shared().path))
        let first = try d.download(piqa)
        XCTAssertEqual(first.fetched, ["piqa/valid.jsonl", "piqa/valid-labels.lst"])
        XCTAssertEqual(first.bytesFetched, piqa.source.totalBytes)
        for file in piqa.source.files {
            XCTAssertEqual(DatasetDownloader.state(of: file, at: target.appendingPathComponent("piqa").appendingPathComponent(file.name)), .verified)
        }
        XCTAssertEqual(contents(target), [".w2s-download.lock", "piqa/valid-labels.lst", "piqa/valid.jsonl"], "no partial file left")
        XCTAssertTrue(DatasetRegistry.standard.isPresent("piqa", dataDirectory: target))
        XCTAssertGreaterThan(try DatasetRegistry.standard.pools("piqa", dataDirectory: target).evaluation.count, 3000)

        let modified = try FileManager.default.attributesOfItem(atPath: target.appendingPathComponent("piqa/valid.jsonl").path)[.modificationDate] as? Date
        let second = try d.download(piqa)
        XCTAssertEqual(second.fetched, [])
        XCTAssertEqual(second.alreadyPresent, ["piqa/valid.jsonl", "piqa/valid-labels.lst"])
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: target.appendingPathComponent("piqa/valid.jsonl").path)[.modificationDate] as? Date, modified)
    }

    func testACorruptedByteIsRefusedAndNothingIsLeftBehind() throws {
        let mirror = try mirrorCopy(of: piqa)
        let corrupt = mirror.appendingPathComponent("piqa/valid.jsonl")
        var bytes = try Data(contentsOf: corrupt)
        bytes[1000] ^= 0x01
        try bytes.write(to: corrupt)
        let target = work.appendingPathComponent("data")
        XCTAssertThrowsError(try downloader(into: target, mirror: .folder(mirror)).download(piqa)) { error in
            let message = "\(error)"
            guard case DownloadError.mismatch = error else { return XCTFail(message) }
            XCTAssertTrue(message.contains("piqa/valid.jsonl"), message)
            XCTAssertTrue(message.contains(self.piqa.source.files[0].sha256), "names the pinned sha256: \(message)")
            XCTAssertTrue(message.contains("Nothing was kept"), message)
            XCTAssertTrue(message.contains("mirror"), "says the mirror's copy is wrong: \(message)")
        }
        XCTAssertEqual(contents(target).filter { $0.hasPrefix("piqa") }, [], "nothing of piqa kept")
        XCTAssertFalse(DatasetRegistry.standard.isPresent("piqa", dataDirectory: target))

        // A file cut short is refused the same way, and so is a mirror without the file.
        try bytes.prefix(1000).write(to: corrupt)
        XCTAssertThrowsError(try downloader(into: target, mirror: .folder(mirror)).download(piqa)) { error in
            XCTAssertTrue("\(error)".contains("got 1000 bytes"), "\(error)")
        }
        try FileManager.default.removeItem(at: corrupt)
        XCTAssertThrowsError(try downloader(into: target, mirror: .folder(mirror)).download(piqa)) { error in
            guard case DownloadError.notOnMirror = error else { return XCTFail("\(error)") }
            XCTAssertTrue("\(error)".contains(corrupt.path), "\(error)")
        }
        XCTAssertEqual(contents(target).filter { $0.hasPrefix("piqa") }, [])
    }

    /// A file already in place but modified is fetched again; one right file is left alone.
    func testAModifiedFileIsRepaired() throws {
        let target = work.appendingPathComponent("data")
        let d = downloader(into: target, mirror: .folder(try shared()))
        try d.download(piqa)
        try Data("{}\n".utf8).write(to: target.appendingPathComponent("piqa/valid.jsonl"))
        let report = try d.download(piqa)
        XCTAssertEqual(report.fetched, ["piqa/valid.jsonl"])
        XCTAssertEqual(report.alreadyPresent, ["piqa/valid-labels.lst"])
        XCTAssertEqual(DatasetDownloader.state(of: piqa.source.files[0], at: target.appendingPathComponent("piqa/valid.jsonl")), .verified)
    }

    /// Over HTTP: the first connection closes after 200,000 bytes; the download resumes with a Range request and
    /// verifies; a second download sends no request at all.
    func testHTTPDownloadResumesAnInterruptedTransfer() throws {
        let server = try startServer(root: try shared(), ["--drop-after", "200000"])
        let target = work.appendingPathComponent("data")
        let d = downloader(into: target, mirror: try DatasetMirror(parsing: server.url))
        let report = try d.download(piqa)
        XCTAssertEqual(report.fetched.count, 2)
        XCTAssertTrue(DatasetRegistry.standard.isPresent("piqa", dataDirectory: target))
        XCTAssertEqual(requests(server.log).filter { $0.contains("valid.jsonl") },
                       ["GET /piqa/valid.jsonl - 200", "GET /piqa/valid.jsonl bytes=200000- 206"])
        for file in piqa.source.files {
            XCTAssertEqual(DatasetDownloader.state(of: file, at: target.appendingPathComponent("piqa").appendingPathComponent(file.name)), .verified)
        }
        let before = requests(server.log).count
        XCTAssertEqual(try d.download(piqa).fetched, [])
        XCTAssertEqual(requests(server.log).count, before, "a second download asks the server nothing")
    }

    /// A partial file left by an earlier run (killed, or offline) is continued from its size.
    func testAPartialFileFromAnEarlierRunIsResumed() throws {
        let server = try startServer(root: try shared())
        let target = work.appendingPathComponent("data")
        let partial = DatasetDownloader.partialURL(for: target.appendingPathComponent("piqa/valid.jsonl"))
        try FileManager.default.createDirectory(at: partial.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(contentsOf: try shared().appendingPathComponent("piqa/valid.jsonl")).prefix(123_456).write(to: partial)
        XCTAssertFalse(DatasetRegistry.standard.isPresent("piqa", dataDirectory: target), "a partial file is not data")
        try downloader(into: target, mirror: try DatasetMirror(parsing: server.url + "/")).download(piqa)
        XCTAssertEqual(requests(server.log).filter { $0.contains("valid.jsonl") }, ["GET /piqa/valid.jsonl bytes=123456- 206"])
        XCTAssertTrue(DatasetRegistry.standard.isPresent("piqa", dataDirectory: target))
        XCTAssertFalse(FileManager.default.fileExists(atPath: partial.path))
    }

    /// A server that ignores Range answers with the whole file: the download starts again from byte 0 and succeeds.
    func testAServerIgnoringRangeRestartsCleanly() throws {
        let server = try startServer(root: try shared(), ["--ignore-range"])
        let target = work.appendingPathComponent("data")
        let partial = DatasetDownloader.partialURL(for: target.appendingPathComponent("piqa/valid.jsonl"))
        try FileManager.default.createDirectory(at: partial.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(repeating: 0x41, count: 1000).write(to: partial)  // not even the right bytes
        var notes: [String] = []
        var d = downloader(into: target, mirror: try DatasetMirror(parsing: server.url))
        d.events = { if case let .note(text) = $0 { notes.append(text) } }
        try d.download(piqa)
        XCTAssertEqual(requests(server.log).filter { $0.contains("valid.jsonl") },
                       ["GET /piqa/valid.jsonl bytes=1000- 200", "GET /piqa/valid.jsonl - 200"])
        XCTAssertTrue(notes.contains { $0.contains("cannot resume") }, "\(notes)")
        XCTAssertTrue(DatasetRegistry.standard.isPresent("piqa", dataDirectory: target))
    }

    func testAnHTTPErrorNamesTheFileAndTheFix() throws {
        let server = try startServer(root: work)  // an empty mirror
        let target = work.appendingPathComponent("data")
        XCTAssertThrowsError(try downloader(into: target, mirror: try DatasetMirror(parsing: server.url)).download(piqa)) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("piqa/valid.jsonl") && message.contains("404"), message)
            XCTAssertTrue(message.contains("<dataset>/<file>"), message)
        }
        XCTAssertEqual(contents(target).filter { $0.hasPrefix("piqa") }, [])
    }

    func testMirrorArgumentsAreCheckedWithTheFix() throws {
        XCTAssertEqual(try DatasetMirror(parsing: "http://127.0.0.1:8000/data"), .http(URL(string: "http://127.0.0.1:8000/data")!))
        guard case let .folder(folder) = try DatasetMirror(parsing: "file://" + work.path) else { return XCTFail("file:// is a folder") }
        XCTAssertEqual(folder.path, work.standardizedFileURL.path)
        XCTAssertEqual(DatasetMirror.http(URL(string: "http://h/m/")!).location(folder: "ethics", file: "justice/justice test.csv").absoluteString,
                       "http://h/m/ethics/justice/justice%20test.csv")
        for bad in ["", "ftp://example.org/x", work.appendingPathComponent("nowhere").path, "http://"] {
            XCTAssertThrowsError(try DatasetMirror(parsing: bad), bad) { error in
                XCTAssertTrue("\(error)".contains("--mirror"), "\(error)")
            }
        }
        XCTAssertNil(try DatasetMirror.choose(option: nil, environment: [:]))
        XCTAssertEqual(try DatasetMirror.choose(option: nil, environment: ["W2S_DATA_MIRROR": "https://m.example/d"]), .http(URL(string: "https://m.example/d")!))
    }

    /// --data-dir, then $W2S_DATA, then whichever of the cache and the shared folder holds the dataset (the cache
    /// when neither does); a missing dataset's error names the download command.
    func testDataFolderOrderAndTheMissingDatasetError() throws {
        let shared = try shared()
        let home = work.appendingPathComponent("home")
        let cache = home.appendingPathComponent(".cache/w2s/datasets")
        let environment = ["HOME": home.path]
        XCTAssertEqual(DataDirectory.cache(environment: environment).path, cache.path)
        XCTAssertEqual(try DataDirectory.resolve("/x/y", for: ["sst2"], environment: environment).path, "/x/y")
        XCTAssertEqual(try DataDirectory.resolve(nil, for: ["sst2"], environment: environment.merging(["W2S_DATA": "/d"]) { $1 }).path, "/d")
        XCTAssertEqual(try DataDirectory.resolve(nil, for: ["sst2"], environment: environment).path, shared.path)

        try downloader(into: cache, mirror: .folder(shared)).download(piqa)
        XCTAssertEqual(try DataDirectory.resolve(nil, for: ["piqa"], environment: environment).path, cache.path, "the cache comes first")
        XCTAssertEqual(try DataDirectory.resolve(nil, for: ["sst2"], environment: environment).path, shared.path, "the cache lacks sst2")
        XCTAssertEqual(try DataDirectory.resolve(nil, environment: environment).path, shared.path, "all datasets: the folder holding most")
        XCTAssertEqual(DataDirectory.downloadTarget(nil, environment: environment).path, cache.path)

        // Where no folder holds it: the cache, and the error says how to download it.
        let empty = ["HOME": work.appendingPathComponent("other-home").path]
        let emptyCache = DataDirectory.cache(environment: empty)
        XCTAssertThrowsError(try DatasetRegistry.standard.pools("sst2", dataDirectory: emptyCache)) { error in
            XCTAssertTrue("\(error)".contains("sst2/train.tsv"), "\(error)")
            XCTAssertTrue("\(error)".contains("w2s datasets download sst2 --data-dir"), "another folder than the default target is named: \(error)")
        }
        XCTAssertEqual(DataDirectory.downloadCommand("sst2", into: DataDirectory.downloadTarget(nil)), "w2s datasets download sst2")
        XCTAssertEqual(DataDirectory.downloadCommand("sst2", into: URL(fileURLWithPath: "/my data")), "w2s datasets download sst2 --data-dir '/my data'")
    }
}
