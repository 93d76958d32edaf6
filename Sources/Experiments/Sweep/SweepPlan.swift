import Foundation

/// A grid of runs planned once and executed by index, on one machine or as a Slurm job array: the plan is the
/// list of configurations, saved as `<runs>/sweeps/<name>.json`; plan index i is always the same run (its
/// name is its content hash), so any process on any machine that shares the runs directory can run "index i".
public struct SweepPlan: Codable, Sendable {
    public var name: String
    public var created: String
    /// The command lines that planned it, in order (`--append` adds one).
    public var commands: [String]
    public var runs: [ExperimentConfig]

    public init(name: String, runs: [ExperimentConfig] = [], command: String) throws {
        try Self.checkName(name)
        self.name = name
        created = ISO8601DateFormatter().string(from: Date())
        commands = [command]
        self.runs = []
        add(runs)
    }

    /// Sweep names become file names: letters, digits, '.', '_' and '-'.
    public static func checkName(_ name: String) throws {
        guard !name.isEmpty, !name.hasPrefix("."),
              name.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0) }) else {
            throw ExperimentError.invalid("sweep name '\(name)': use letters, digits, '.', '_' and '-' (it names the plan's file)")
        }
    }

    public static func url(runsRoot: URL, name: String) -> URL {
        runsRoot.appendingPathComponent("sweeps/\(name).json")
    }

    public static func load(runsRoot: URL, name: String) throws -> SweepPlan {
        try checkName(name)
        let url = url(runsRoot: runsRoot, name: name)
        guard FileManager.default.fileExists(atPath: url.path) else {
            let known = ((try? FileManager.default.contentsOfDirectory(atPath: runsRoot.appendingPathComponent("sweeps").path)) ?? [])
                .filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
            throw ExperimentError.invalid("no sweep '\(name)' in \(runsRoot.path) (\(known.isEmpty ? "none planned" : "planned: " + known.joined(separator: ", "))); plan it with `w2s sweep plan --name \(name) …`")
        }
        return try AtomicFile.readJSON(SweepPlan.self, from: url)
    }

    public func save(runsRoot: URL) throws {
        try AtomicFile.writeJSON(self, to: Self.url(runsRoot: runsRoot, name: name))
    }

    /// Adds the runs not planned yet (by run name); returns how many were new.
    @discardableResult
    public mutating func add(_ configs: [ExperimentConfig]) -> Int {
        var known = Set(runs.map(\.runName))
        let new = configs.filter { known.insert($0.runName).inserted }
        runs += new
        return new.count
    }

    /// The plan indices of `--shard i/n`: every n-th run starting at i.
    public func shard(_ i: Int, of n: Int) -> [Int] {
        runs.indices.filter { $0 % n == i }
    }
}

/// Where every run of a sweep stands, read from the run store.
public struct SweepStatus: Sendable {
    public enum State: String, Sendable, CaseIterable {
        case finished, running, interrupted, failed, pending
    }

    public let plan: SweepPlan
    /// One state per plan index.
    public let states: [State]
    public let records: [RunRecord?]

    public init(plan: SweepPlan, store: RunStore) {
        self.plan = plan
        let byID = Dictionary(store.runs().map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        records = plan.runs.map { byID[$0.runName] }
        states = records.map { record in
            switch record?.status {
            case nil: return .pending
            case .finished?: return .finished
            case .running?: return .running
            case .interrupted?: return .interrupted
            case .failed?: return .failed
            }
        }
    }

    public func indices(_ state: State) -> [Int] { states.indices.filter { states[$0] == state } }

    /// Every run not finished and not running: what a resubmission should run.
    public var toRun: [Int] { states.indices.filter { [.pending, .interrupted, .failed].contains(states[$0]) } }

    public var summary: String {
        let counts = State.allCases.map { state in "\(indices(state).count) \(state.rawValue)" }
        return "sweep \(plan.name): \(counts.joined(separator: ", ")) (of \(plan.runs.count))"
    }
}
