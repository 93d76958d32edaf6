import XCTest
import Foundation
import Datasets
import Experiments

final class SweepTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("w2s-sweep-\(UUID())")
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    func configs(_ datasets: [String], seeds: [UInt64]) -> [ExperimentConfig] {
        datasets.flatMap { d in seeds.map { ExperimentConfig(dataset: d, seed: $0) } }
    }

    func testPlanKeepsEachRunOnceAndShardsCoverThePlanExactlyOnce() throws {
        var plan = try SweepPlan(name: "grid", runs: configs(["sst2", "boolq"], seeds: [0, 1, 2]), command: "w2s sweep plan …")
        XCTAssertEqual(plan.runs.count, 6)
        XCTAssertEqual(plan.add(configs(["sst2", "cola"], seeds: [0, 1, 2])), 3, "sst2's three runs are planned already")
        XCTAssertEqual(plan.runs.count, 9)
        XCTAssertEqual(plan.shard(1, of: 4), [1, 5])
        XCTAssertEqual((0..<4).flatMap { plan.shard($0, of: 4) }.sorted(), Array(0..<9))
        try plan.save(runsRoot: root)
        let loaded = try SweepPlan.load(runsRoot: root, name: "grid")
        XCTAssertEqual(loaded.runs.map(\.runName), plan.runs.map(\.runName))
        for bad in ["", "../x", "a b", ".hidden"] { XCTAssertThrowsError(try SweepPlan(name: bad, command: ""), bad) }
        XCTAssertThrowsError(try SweepPlan.load(runsRoot: root, name: "other")) { error in
            XCTAssertTrue("\(error)".contains("planned: grid"), "\(error)")
        }
    }

    func testStatusAndWhatAResubmissionRuns() throws {
        let plan = try SweepPlan(name: "s", runs: configs(["sst2"], seeds: [0, 1, 2, 3, 4]), command: "")
        let store = try RunStore(root: root)
        func write(_ i: Int, _ status: RunRecord.Status, pid: Int32 = getpid()) throws {
            var r = RunRecord(config: plan.runs[i], status: status)
            r.pid = pid
            try store.write(r)
        }
        try write(0, .finished); try write(1, .failed); try write(2, .running)
        // A running record whose process is gone on this machine: interrupted.
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run(); gone.waitUntilExit()
        try write(3, .running, pid: gone.processIdentifier)
        let status = SweepStatus(plan: plan, store: store)
        XCTAssertEqual(status.states, [.finished, .failed, .running, .interrupted, .pending])
        XCTAssertEqual(status.toRun, [1, 3, 4])
        XCTAssertEqual(status.summary, "sweep s: 1 finished, 1 running, 1 interrupted, 1 failed, 1 pending (of 5)")
    }

    func testSlurmScriptRunsOneArrayTaskPerRun() {
        var script = SlurmScript(sweep: "grid", indices: [0, 1, 2, 3], parallel: 2, cpusPerTask: 4, memory: "8G", time: "01:00:00",
                                 partition: "cpu", account: nil, extra: ["--qos=short"], executable: "/opt/w2s it's/w2s",
                                 runsDirectory: "/shared/runs", dataDirectory: "/shared/data", environment: ["W2S_MODELS": "/shared/models"])
        XCTAssertEqual(script.arraySpecification, "0-3%2")
        let text = script.text
        for line in ["#SBATCH --array=0-3%2", "#SBATCH --cpus-per-task=4", "#SBATCH --mem=8G", "#SBATCH --time=01:00:00",
                     "#SBATCH --partition=cpu", "#SBATCH --qos=short", "#SBATCH --output=/shared/runs/sweeps/logs/grid-%A_%a.out",
                     "export W2S_MODELS='/shared/models'",
                     "exec '/opt/w2s it'\\''s/w2s' 'sweep' 'run' '--name' 'grid' '--runs-dir' '/shared/runs' '--index' \"$SLURM_ARRAY_TASK_ID\" '--quiet' --data-dir '/shared/data'"] {
            XCTAssertTrue(text.contains(line + "\n"), "missing: \(line)\n\(text)")
        }
        XCTAssertFalse(text.contains("--account"))
        script.indices = [5, 1, 7]; script.parallel = nil
        XCTAssertEqual(script.arraySpecification, "1,5,7", "a resubmission names the unfinished runs only")
    }

    /// `w2s sweep run --jobs 2` on the real binary: one planned run fails (a model depth that does not exist), the
    /// others finish; running the sweep again runs only what is not finished.
    func testSweepRunRecordsFailuresAndResumes() throws {
        let w2s = try w2sBinary()
        func run(_ arguments: [String]) throws -> (Int32, String) {
            let process = Process()
            process.executableURL = w2s
            process.arguments = arguments
            let err = Pipe()
            process.standardError = err; process.standardOutput = FileHandle.nullDevice
            try process.run()
            let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (process.terminationStatus, errors)
        }
        let common = ["--sizes", "40,40,20,40", "--weak", "all-MiniLM-L6-v2@1", "--max-length", "32", "--loss", "xent", "--runs-dir", root.path]
        XCTAssertEqual(try run(["sweep", "plan", "--name", "g", "--dataset", "sst2", "--seeds", "0,1", "--strong", "all-MiniLM-L6-v2@2"] + common).0, 0)
        XCTAssertNotEqual(try run(["sweep", "plan", "--name", "g", "--dataset", "sst2", "--seeds", "0", "--strong", "all-MiniLM-L6-v2@9"] + common).0, 0,
                          "without --append a plan is never changed")
        XCTAssertEqual(try run(["sweep", "plan", "--name", "g", "--append", "--dataset", "sst2", "--seeds", "0", "--strong", "all-MiniLM-L6-v2@9"] + common).0, 0)
        let first = try run(["sweep", "run", "--name", "g", "--runs-dir", root.path, "--jobs", "2"])
        XCTAssertNotEqual(first.0, 0)
        XCTAssertTrue(first.1.contains("sweep g: 2 finished, 0 running, 0 interrupted, 1 failed, 0 pending (of 3)"), first.1)
        let status = SweepStatus(plan: try SweepPlan.load(runsRoot: root, name: "g"), store: try RunStore(root: root))
        XCTAssertTrue(status.records[2]?.error?.contains("more layers") ?? false)
        let second = try run(["sweep", "run", "--name", "g", "--runs-dir", root.path])
        XCTAssertTrue(second.1.contains("3 selected, 2 already finished, 1 to run"), second.1)
    }
}
