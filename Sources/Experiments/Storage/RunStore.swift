import Foundation
import GRDB

/// The SQLite index of every run and its metrics (the run directories hold the full outputs).
/// Query it with any SQLite client, or with `w2s results`.
public final class RunStore: Sendable {
    public let url: URL
    private let queue: DatabaseQueue

    public struct RunRecord: Sendable, Codable {
        public var id: String
        public var created: String
        public var dataset: String
        public var seed: Int
        public var weakModel: String
        public var strongModel: String
        public var mode: String
        public var loss: String
        public var method: String
        public var status: String
        public var directory: String

        public init(id: String, created: String, dataset: String, seed: Int, weakModel: String, strongModel: String,
                    mode: String, loss: String, method: String, status: String, directory: String) {
            self.id = id; self.created = created; self.dataset = dataset; self.seed = seed; self.weakModel = weakModel
            self.strongModel = strongModel; self.mode = mode; self.loss = loss; self.method = method; self.status = status
            self.directory = directory
        }
    }

    public struct MetricRecord: Sendable, Codable {
        public var runID: String
        public var stage: String
        public var name: String
        public var value: Double
    }

    public init(url: URL) throws {
        self.url = url
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        do {
            queue = try DatabaseQueue(path: url.path)
            var migrator = DatabaseMigrator()
            migrator.registerMigration("v1") { db in
                try db.execute(sql: """
                    CREATE TABLE runs (
                        id TEXT PRIMARY KEY, created TEXT NOT NULL, dataset TEXT NOT NULL, seed INTEGER NOT NULL,
                        weak_model TEXT NOT NULL, strong_model TEXT NOT NULL, mode TEXT NOT NULL,
                        loss TEXT NOT NULL, method TEXT NOT NULL, status TEXT NOT NULL, directory TEXT NOT NULL);
                    CREATE TABLE metrics (
                        run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, stage TEXT NOT NULL,
                        name TEXT NOT NULL, value REAL NOT NULL, PRIMARY KEY (run_id, stage, name));
                    CREATE TABLE stage_timings (
                        run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, stage TEXT NOT NULL,
                        seconds REAL NOT NULL, cached INTEGER NOT NULL, PRIMARY KEY (run_id, stage));
                    """)
            }
            try migrator.migrate(queue)
        } catch {
            throw ExperimentError.io(url, "cannot open the run store (\(error)); move it aside to start a new one")
        }
    }

    public func upsert(_ run: RunRecord) throws {
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO runs (id, created, dataset, seed, weak_model, strong_model, mode, loss, method, status, directory)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET status = excluded.status, directory = excluded.directory
                """, arguments: [run.id, run.created, run.dataset, run.seed, run.weakModel, run.strongModel, run.mode,
                                 run.loss, run.method, run.status, run.directory])
        }
    }

    public func record(runID: String, stage: String, metrics: [String: Double]) throws {
        try queue.write { db in
            for (name, value) in metrics where value.isFinite {
                try db.execute(sql: "INSERT OR REPLACE INTO metrics (run_id, stage, name, value) VALUES (?, ?, ?, ?)",
                               arguments: [runID, stage, name, value])
            }
        }
    }

    public func recordTiming(runID: String, stage: String, seconds: Double, cached: Bool) throws {
        try queue.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO stage_timings (run_id, stage, seconds, cached) VALUES (?, ?, ?, ?)",
                           arguments: [runID, stage, seconds, cached ? 1 : 0])
        }
    }

    public func runs(dataset: String? = nil) throws -> [RunRecord] {
        try queue.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT * FROM runs WHERE (? IS NULL OR dataset = ?) ORDER BY created, id
                """, arguments: [dataset, dataset])
            return rows.map { row in
                RunRecord(id: row["id"], created: row["created"], dataset: row["dataset"], seed: row["seed"],
                          weakModel: row["weak_model"], strongModel: row["strong_model"], mode: row["mode"],
                          loss: row["loss"], method: row["method"], status: row["status"], directory: row["directory"])
            }
        }
    }

    public func metrics(runID: String) throws -> [MetricRecord] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM metrics WHERE run_id = ? ORDER BY stage, name", arguments: [runID])
                .map { MetricRecord(runID: $0["run_id"], stage: $0["stage"], name: $0["name"], value: $0["value"]) }
        }
    }

    /// Rows of an arbitrary read-only query, as strings (for `w2s results --sql`).
    public func query(_ sql: String) throws -> (columns: [String], rows: [[String]]) {
        try queue.read { db in
            let statement = try db.makeStatement(sql: sql)
            guard statement.isReadonly else { throw ExperimentError.invalid("only read-only queries are allowed") }
            let rows = try Row.fetchAll(statement)
            let columns = statement.columnNames
            return (columns, rows.map { row in columns.indices.map { i in row[i].map { "\($0)" } ?? "NULL" } })
        }
    }
}
