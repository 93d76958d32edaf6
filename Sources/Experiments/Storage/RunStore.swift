import Foundation
import GRDB

/// The index of every run in a runs directory and its metrics.
///
/// Each run writes only its own `record.json` (atomically; see `RunRecord`), and readers merge the records when
/// they read. Nothing is shared between writers, so any number of `w2s` processes, on one machine or on many
/// over a shared file system, run side by side without locks: SQLite's locking is not safe over NFS, and a
/// shared database made concurrent runs fail with "database is locked". For SQL, the records are loaded into an
/// in-memory SQLite database (`w2s results --sql`), and `writeIndex()` exports it as `runs.sqlite` for any
/// SQLite client (written whole and renamed into place, so a reader never sees it half-written).
public final class RunStore: Sendable {
    public let root: URL
    public static let recordName = "record.json"
    public static let indexName = "runs.sqlite"

    public struct MetricRecord: Sendable, Codable, Hashable {
        public var runID: String
        public var stage: String
        public var name: String
        public var value: Double
    }

    public init(root: URL) throws {
        self.root = root
        try AtomicFile.createDirectory(root)
    }

    public func recordURL(_ runID: String) -> URL {
        root.appendingPathComponent(runID).appendingPathComponent(Self.recordName)
    }

    // MARK: Writing (one run, its own file)

    /// Marks a run as running. A finished record of the same run (same configuration, so the same results) is
    /// left in place until the rerun finishes, so readers never lose it meanwhile.
    @discardableResult
    public func begin(_ config: ExperimentConfig) throws -> RunRecord {
        let record = RunRecord(config: config)
        if let existing = try? AtomicFile.readJSON(RunRecord.self, from: recordURL(record.id)), existing.status == .finished {
            return record
        }
        try AtomicFile.writeJSON(record, to: recordURL(record.id))
        return record
    }

    /// Writes "finished" and every metric and timing in one atomic replacement of the record.
    public func finish(_ record: RunRecord, summary: RunSummary) throws {
        var done = record
        done.status = .finished
        done.error = nil
        done.finished = ISO8601DateFormatter().string(from: Date())
        done.metrics = summary.storedMetrics
        done.timings = Dictionary(uniqueKeysWithValues: summary.stageSeconds.map {
            ($0.key, RunRecord.StageTiming(seconds: $0.value, cached: summary.cachedStages.contains($0.key),
                                           cpuSeconds: summary.stageCPUSeconds?[$0.key]))
        })
        try AtomicFile.writeJSON(done, to: recordURL(record.id))
    }

    /// Writes a record as it is (imports, tests, tools that rebuild records).
    public func write(_ record: RunRecord) throws {
        try AtomicFile.writeJSON(record, to: recordURL(record.id))
    }

    /// Marks a run as failed with its error (best effort: the error itself may be that nothing can be written).
    public func fail(_ record: RunRecord, error: Error) {
        if let existing = try? AtomicFile.readJSON(RunRecord.self, from: recordURL(record.id)), existing.status == .finished { return }
        var failed = record
        failed.status = .failed
        failed.error = "\(error)"
        failed.finished = ISO8601DateFormatter().string(from: Date())
        try? AtomicFile.writeJSON(failed, to: recordURL(record.id))
    }

    // MARK: Reading (merge every run's record)

    /// Every run's record, oldest first; unreadable records are skipped and named in `problems`.
    public func load(dataset: String? = nil) -> (runs: [RunRecord], problems: [String]) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        var runs: [RunRecord] = [], problems: [String] = []
        let host = ProcessInfo.processInfo.hostName
        for name in names.sorted() where !name.hasPrefix(".") {
            let url = recordURL(name)
            guard FileManager.default.fileExists(atPath: url.path) else { continue }
            do {
                var record = try AtomicFile.readJSON(RunRecord.self, from: url)
                if let dataset, record.dataset != dataset { continue }
                if record.status == .running, record.host == host, kill(record.pid, 0) != 0, errno == ESRCH {
                    record.status = .interrupted
                }
                runs.append(record)
            } catch {
                problems.append("\(error)")
            }
        }
        runs.sort { ($0.created, $0.id) < ($1.created, $1.id) }
        return (runs, problems)
    }

    public func runs(dataset: String? = nil) -> [RunRecord] { load(dataset: dataset).runs }

    /// The runs of one dataset and/or training mode (nil: any).
    public func runs(dataset: String?, mode: TrainingMode?) -> [RunRecord] {
        runs(dataset: dataset).filter { mode == nil || $0.mode == mode!.rawValue }
    }

    public func metrics(runID: String) throws -> [MetricRecord] {
        let record = try AtomicFile.readJSON(RunRecord.self, from: recordURL(runID))
        return record.metrics.sorted { $0.key < $1.key }.flatMap { stage, values in
            values.sorted { $0.key < $1.key }.map { MetricRecord(runID: runID, stage: stage, name: $0.key, value: $0.value) }
        }
    }

    // MARK: SQL

    /// Tables `runs`, `metrics` (run_id, stage = arm id, name, value) and `stage_timings`, loaded from the records.
    /// `runs.sizes` is the split sizes asked for (weak-train/strong-train/validation/test; a small pool caps them);
    /// `runs.splits` the sizes it used (from its `metrics.json`; NULL until it finishes); `runs.head_input` what a
    /// finetuned model's head read (raw, standardised; NULL in head mode).
    public func index() throws -> DatabaseQueue {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: """
                CREATE TABLE runs (
                    id TEXT PRIMARY KEY, created TEXT NOT NULL, dataset TEXT NOT NULL, seed INTEGER NOT NULL,
                    weak_model TEXT NOT NULL, strong_model TEXT NOT NULL, mode TEXT NOT NULL, setting TEXT NOT NULL,
                    losses TEXT NOT NULL, methods TEXT NOT NULL, status TEXT NOT NULL, error TEXT, host TEXT NOT NULL,
                    finished TEXT, directory TEXT NOT NULL, lora_rank INTEGER, train_layers TEXT, frozen_precision TEXT,
                    sizes TEXT, head_input TEXT, splits TEXT);
                CREATE TABLE metrics (
                    run_id TEXT NOT NULL REFERENCES runs(id), stage TEXT NOT NULL,
                    name TEXT NOT NULL, value REAL NOT NULL, PRIMARY KEY (run_id, stage, name));
                CREATE TABLE stage_timings (
                    run_id TEXT NOT NULL REFERENCES runs(id), stage TEXT NOT NULL,
                    seconds REAL NOT NULL, cached INTEGER NOT NULL, cpu_seconds REAL, PRIMARY KEY (run_id, stage));
                """)
            for r in runs() {
                let directory = root.appendingPathComponent(r.id)
                let c = try? AtomicFile.readJSON(ExperimentConfig.self, from: directory.appendingPathComponent("config.json"))
                let summary = r.status == .finished
                    ? try? AtomicFile.readJSON(RunSummary.self, from: directory.appendingPathComponent("metrics.json")) : nil
                try db.execute(sql: "INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                               arguments: [r.id, r.created, r.dataset, r.seed, r.weakModel, r.strongModel, r.mode, r.setting,
                                           r.losses.joined(separator: ","), r.methods.joined(separator: ","), r.status.rawValue,
                                           r.error, r.host, r.finished, directory.path,
                                           c.flatMap { $0.mode == .lora ? $0.loraRank : nil }, c?.trainLayersLabel, c?.frozenPrecisionLabel,
                                           c.map { "\($0.sizes.weakTrain)/\($0.sizes.strongTrain)/\($0.sizes.validation)/\($0.sizes.test)" },
                                           c?.finetunedHeadInput?.rawValue,
                                           summary?.splitSizes])
                for (stage, values) in r.metrics {
                    for (name, value) in values {
                        try db.execute(sql: "INSERT INTO metrics VALUES (?, ?, ?, ?)", arguments: [r.id, stage, name, value])
                    }
                }
                for (stage, t) in r.timings {
                    try db.execute(sql: "INSERT INTO stage_timings VALUES (?, ?, ?, ?, ?)",
                                   arguments: [r.id, stage, t.seconds, t.cached ? 1 : 0, t.cpuSeconds])
                }
            }
        }
        return queue
    }

    /// Rows of an arbitrary read-only query, as strings (for `w2s results --sql`).
    public func query(_ sql: String) throws -> (columns: [String], rows: [[String]]) {
        try index().read { db in
            let statement: Statement
            do { statement = try db.makeStatement(sql: sql) } catch {
                throw ExperimentError.invalid("cannot run the query: \((error as? DatabaseError)?.message ?? "\(error)"). Tables: runs, metrics, stage_timings")
            }
            guard statement.isReadonly else { throw ExperimentError.invalid("only read-only queries are allowed") }
            let rows = try Row.fetchAll(statement)
            let columns = statement.columnNames
            return (columns, rows.map { row in columns.indices.map { i in row[i].map { "\($0)" } ?? "NULL" } })
        }
    }

    /// Exports the index as `runs.sqlite` in the runs directory for any SQLite client; returns its URL.
    @discardableResult
    public func writeIndex() throws -> URL {
        let url = root.appendingPathComponent(Self.indexName)
        let temporary = root.appendingPathComponent(".\(Self.indexName).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp")
        do {
            try index().writeWithoutTransaction { db in try db.execute(sql: "VACUUM INTO ?", arguments: [temporary.path]) }
        } catch {
            unlink(temporary.path)
            throw ExperimentError.io(url, "cannot write the SQLite index: \(error)")
        }
        guard rename(temporary.path, url.path) == 0 else {
            let code = errno
            unlink(temporary.path)
            throw ExperimentError.system(url, "write", errno: code)
        }
        return url
    }
}
