import Foundation

/// The sbatch script of a sweep: one job array whose task i runs plan index i with `w2s sweep run --index`,
/// every task on the shared runs directory (each run writes only its own directory, so tasks never contend).
public struct SlurmScript: Sendable {
    public var sweep: String
    /// Plan indices to run (the array's task ids).
    public var indices: [Int]
    /// At most this many tasks at once (`%P`), nil: as many as Slurm allows.
    public var parallel: Int?
    public var cpusPerTask: Int
    public var memory: String
    public var time: String
    public var partition: String?
    public var account: String?
    /// Further `#SBATCH` lines, passed through as given (e.g. "--qos=short").
    public var extra: [String]
    /// Absolute paths: the w2s binary, the runs directory, the dataset folder (nil: none needed).
    public var executable: String
    public var runsDirectory: String
    public var dataDirectory: String?
    /// Environment to carry into the tasks (W2S_MODELS, W2S_DATA when set).
    public var environment: [String: String]

    public init(sweep: String, indices: [Int], parallel: Int?, cpusPerTask: Int, memory: String, time: String,
                partition: String?, account: String?, extra: [String], executable: String, runsDirectory: String,
                dataDirectory: String?, environment: [String: String]) {
        self.sweep = sweep; self.indices = indices; self.parallel = parallel; self.cpusPerTask = cpusPerTask
        self.memory = memory; self.time = time; self.partition = partition; self.account = account; self.extra = extra
        self.executable = executable; self.runsDirectory = runsDirectory; self.dataDirectory = dataDirectory
        self.environment = environment
    }

    /// "0-3" for consecutive indices, else "1,5,7".
    public var arraySpecification: String {
        let sorted = indices.sorted()
        let consecutive = sorted.count > 1 && sorted.last! - sorted.first! == sorted.count - 1
        return (consecutive ? "\(sorted.first!)-\(sorted.last!)" : sorted.map(String.init).joined(separator: ","))
            + (parallel.map { "%\($0)" } ?? "")
    }

    public var logDirectory: String { runsDirectory + "/sweeps/logs" }

    public var text: String {
        var lines = ["#!/bin/bash",
                     "# w2s sweep \(sweep): one array task per planned run; written by `w2s sweep submit`.",
                     "#SBATCH --job-name=w2s-\(sweep)",
                     "#SBATCH --array=\(arraySpecification)",
                     "#SBATCH --cpus-per-task=\(cpusPerTask)",
                     "#SBATCH --mem=\(memory)",
                     "#SBATCH --time=\(time)",
                     // Slurm cannot report a log it could not create: the folder exists before submission.
                     "#SBATCH --output=\(logDirectory)/\(sweep)-%A_%a.out"]
        if let partition { lines.append("#SBATCH --partition=\(partition)") }
        if let account { lines.append("#SBATCH --account=\(account)") }
        lines += extra.map { "#SBATCH \($0)" }
        lines.append("set -euo pipefail")
        for (key, value) in environment.sorted(by: { $0.key < $1.key }) { lines.append("export \(key)=\(Self.quote(value))") }
        // BLAS and our own loops use the cores Slurm granted, not the node's.
        lines.append("export OPENBLAS_NUM_THREADS=${SLURM_CPUS_PER_TASK:-\(cpusPerTask)}")
        var command = [executable, "sweep", "run", "--name", sweep, "--runs-dir", runsDirectory, "--index", "$SLURM_ARRAY_TASK_ID", "--quiet"]
            .map { $0 == "$SLURM_ARRAY_TASK_ID" ? "\"$SLURM_ARRAY_TASK_ID\"" : Self.quote($0) }
        if let dataDirectory { command += ["--data-dir", Self.quote(dataDirectory)] }
        lines.append("exec " + command.joined(separator: " "))
        return lines.joined(separator: "\n") + "\n"
    }

    /// Single-quoted for bash.
    static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}
