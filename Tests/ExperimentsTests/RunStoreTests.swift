import XCTest
import Foundation
import Datasets
import Experiments

/// The run store under the load a sweep puts on it: several `w2s` processes on one runs directory, readers
/// while they write, and runs killed at random moments (the real binary, real runs on small SST-2 subsets).
final class RunStoreTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("w2s-store-\(UUID())")
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    func binary() throws -> URL { try w2sBinary() }

    func w2s(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = try binary()
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        return process
    }

    /// Runs to the end; (exit status, standard error, standard output).
    func run(_ arguments: [String]) throws -> (status: Int32, errors: String, output: String) {
        let process = try w2s(arguments)
        let out = Pipe(), err = Pipe()
        process.standardOutput = out; process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile(), errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: errors, as: UTF8.self), String(decoding: output, as: UTF8.self))
    }

    func small(_ dataset: String, seed: Int) -> [String] {
        ["run", "--dataset", dataset, "--seeds", "\(seed)", "--sizes", "40,40,20,40", "--weak", "all-MiniLM-L6-v2@1",
         "--strong", "all-MiniLM-L6-v2@2", "--max-length", "32", "--loss", "xent,logconf", "--runs-dir", root.path, "--quiet"]
    }

    func testConcurrentProcessesLoseNothingAndReadersNeverSeeALock() throws {
        // Four writers at once (two of them the very same run) and a reader polling while they work.
        let jobs = [small("sst2", seed: 1), small("sst2", seed: 2), small("sst2", seed: 3), small("sst2", seed: 3)]
        let writers = try jobs.map { arguments -> (Process, Pipe) in
            let process = try w2s(arguments)
            let errors = Pipe()
            process.standardError = errors
            try process.run()
            return (process, errors)
        }
        var reads = 0
        while writers.contains(where: { $0.0.isRunning }) || reads < 3 {
            let read = try run(["results", "--runs-dir", root.path])
            XCTAssertEqual(read.status, 0, read.errors)
            XCTAssertFalse(read.errors.lowercased().contains("locked"), read.errors)
            reads += 1
        }
        for (process, errors) in writers {
            let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, 0, message)
        }
        let store = try RunStore(root: root)
        let runs = store.runs()
        XCTAssertEqual(runs.count, 3)
        XCTAssertTrue(runs.allSatisfy { $0.status == .finished })
        for r in runs {
            XCTAssertEqual(Set(r.metrics.keys), ["weak", "ceiling", "student-xent", "student-logconf"], r.id)
            for (arm, values) in r.metrics { XCTAssertNotNil(values["test_auc"], "\(r.id) \(arm)") }
            XCTAssertNotNil(r.metrics["student-logconf"]?["agreement"], r.id)
        }
        let count = try run(["results", "--runs-dir", root.path, "--sql", "SELECT count(*) FROM runs WHERE status = 'finished'"])
        XCTAssertEqual(count.output.split(separator: "\n").last, "3")
        XCTAssertTrue(FileManager.default.fileExists(atPath: root.appendingPathComponent("runs.sqlite").path))
    }

    /// `kill -9` at a series of moments, each while a run (all its stages cached, so the time goes to the
    /// summary and the store write) is finishing: the store shows either no run, a running/interrupted run
    /// without metrics, or a finished run with all of them; never a finished run with part of its metrics.
    func testKillDuringTheStoreWriteNeverLeavesPartialResults() throws {
        let arguments = small("sst2", seed: 4)
        XCTAssertEqual(try run(arguments).status, 0)
        let store = try RunStore(root: root)
        let id = try XCTUnwrap(store.runs().first?.id)
        let full = try store.metrics(runID: id).count
        // How long a cached rerun lives, so the kills spread over its whole life whatever the machine's load.
        try? FileManager.default.removeItem(at: store.recordURL(id))
        let started = Date()
        XCTAssertEqual(try run(arguments).status, 0)
        let lifetime = Date().timeIntervalSince(started)
        var outcomes: [RunRecord.Status?] = []
        for delay in (0..<32).map({ Int(lifetime * 1e6 * Double($0) / 28) }) {
            try? FileManager.default.removeItem(at: store.recordURL(id))
            let process = try w2s(arguments)
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(useconds_t(delay))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let record = store.runs().first
            outcomes.append(record?.status)
            switch record?.status {
            case nil: break
            case .finished?: XCTAssertEqual(try store.metrics(runID: id).count, full, "killed after \(delay) µs")
            case .running?, .interrupted?: XCTAssertEqual(try store.metrics(runID: id).count, 0, "killed after \(delay) µs")
                XCTAssertEqual(record?.status, .interrupted, "a dead process's run is shown as interrupted")
            case .failed?: XCTFail("a kill is not a failure")
            }
        }
        XCTAssertTrue(outcomes.contains(.interrupted) && outcomes.contains(.finished), "the kills must land on both sides: \(outcomes)")
        // The next run finishes it, and leaves no temporary file behind in the run directory.
        XCTAssertEqual(try run(arguments).status, 0)
        XCTAssertEqual(store.runs().first?.status, .finished)
        XCTAssertEqual(try store.metrics(runID: id).count, full)
    }

    /// A failed run is recorded as failed with its error; stale temporary files of killed writers are removed,
    /// fresh ones (a live writer's) are kept.
    func testFailedRunsAndStaleTemporaries() throws {
        let failing = try run(small("sst2", seed: 5).map { $0 == "all-MiniLM-L6-v2@2" ? "all-MiniLM-L6-v2@9" : $0 })
        XCTAssertNotEqual(failing.status, 0)
        XCTAssertTrue(failing.errors.contains("more layers than the model has"), failing.errors)
        let store = try RunStore(root: root)
        let record = try XCTUnwrap(store.runs().first)
        XCTAssertEqual(record.status, .failed)
        XCTAssertTrue(record.error?.contains("more layers") ?? false, "\(String(describing: record.error))")

        let folder = root.appendingPathComponent("scratch")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let stale = folder.appendingPathComponent(".metrics.json.123.456.tmp"), fresh = folder.appendingPathComponent(".metrics.json.124.457.tmp")
        try Data("half".utf8).write(to: stale); try Data("half".utf8).write(to: fresh)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3600)], ofItemAtPath: stale.path)
        XCTAssertEqual(AtomicFile.removeStaleTemporaries(in: folder), 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: stale.path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: fresh.path))
    }

    /// `w2s results --sql`: the runs table carries how each run finetuned (rank, top K, frozen-state precision, head input), read
    /// from its config.json, so a sweep over K can be tabulated by a query.
    func testSQLRunsTableNamesTheFinetuningSetting() throws {
        let store = try RunStore(root: root)
        let configs = [ExperimentConfig(dataset: "sst2", mode: .head),
                       ExperimentConfig(dataset: "sst2", mode: .lora, trainLayers: nil),
                       ExperimentConfig(dataset: "sst2", mode: .lora, loraRank: 4, trainLayers: 2, frozenStatePrecision: .fp16, headInput: .raw),
                       ExperimentConfig(dataset: "sst2", sizes: SplitSizes(weakTrain: 300, strongTrain: 300, validation: 150, test: 300),
                                        mode: .full, trainLayers: 1)]
        for c in configs {
            try store.begin(c)
            try AtomicFile.writeJSON(c, to: root.appendingPathComponent(c.runName).appendingPathComponent("config.json"))
        }
        let (columns, rows) = try store.query("SELECT mode, lora_rank, train_layers, frozen_precision, sizes, head_input FROM runs ORDER BY mode, train_layers")
        XCTAssertEqual(columns, ["mode", "lora_rank", "train_layers", "frozen_precision", "sizes", "head_input"])
        XCTAssertEqual(rows, [["full", "NULL", "1", "fp32", "300/300/150/300", "standardised"],
                              ["head", "NULL", "NULL", "NULL", "1000/1000/300/1000", "NULL"],
                              ["lora", "4", "2", "fp16", "1000/1000/300/1000", "raw"],
                              ["lora", "8", "all", "NULL", "1000/1000/300/1000", "standardised"]])
    }

    /// One dataset that cannot run (a file of four examples: its splits cannot hold both classes) is recorded as
    /// failed; the other runs, its table is printed, and the command exits non-zero naming the failure.
    func testOneFailingDatasetDoesNotStopTheOthers() throws {
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let tiny = root.appendingPathComponent("tiny.csv")
        try "text,label\ngood film,1\nbad film,0\ngreat film,1\nawful film,0\n".write(to: tiny, atomically: true, encoding: .utf8)
        // A pool of 60 cannot fill 40/40/20/40: the splits scale down, and the runs table says what was used.
        let capped = root.appendingPathComponent("capped.csv")
        try ("text,label\n" + (0..<60).map { "\($0 % 2 == 0 ? "good" : "bad") film number \($0),\($0 % 2 == 0 ? 1 : 0)" }.joined(separator: "\n") + "\n")
            .write(to: capped, atomically: true, encoding: .utf8)
        let result = try run(small("\(tiny.path),sst2,\(capped.path)", seed: 0))
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.errors.contains("1 of 3 runs failed") && result.errors.contains("tiny"), result.errors)
        let (_, splits) = try RunStore(root: root).query("SELECT dataset, sizes, splits FROM runs ORDER BY dataset")
        XCTAssertEqual(splits, [["capped", "40/40/20/40", "16/16/8/16"], ["sst2", "40/40/20/40", "40/40/20/40"],
                                ["tiny", "40/40/20/40", "NULL"]])
        XCTAssertTrue(result.output.contains("| sst2 | student all-MiniLM-L6-v2@2 | xent"), result.output)
        let runs = try RunStore(root: root).runs()
        XCTAssertEqual(Dictionary(uniqueKeysWithValues: runs.map { ($0.dataset, $0.status) }), ["tiny": .failed, "sst2": .finished, "capped": .finished])
        XCTAssertTrue(runs.first { $0.dataset == "tiny" }?.error?.contains("one class") ?? false)
    }

    /// File-system errors name the path and the cause instead of a raw error domain.
    func testAFileWhereTheRunsFolderShouldBeIsAClearError() throws {
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let file = root.appendingPathComponent("not-a-folder")
        try Data("x".utf8).write(to: file)
        XCTAssertThrowsError(try RunStore(root: file.appendingPathComponent("runs"))) { error in
            XCTAssertTrue("\(error)".contains("not-a-folder/runs") && "\(error)".contains("is a file, not a folder"), "\(error)")
        }
    }
}
