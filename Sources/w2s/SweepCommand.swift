import ArgumentParser
import Datasets
import Experiments
import Foundation
import Transformers

/// `w2s sweep plan | run | status | submit`: a grid of runs, planned once and run by index on this machine or as a
/// Slurm job array on a cluster that shares the runs directory.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Plan a grid of runs (datasets × seeds × any `w2s run` options), run it here (--jobs) or on Slurm (one job array).",
        discussion: """
        w2s sweep plan --name grid --dataset sst2,boolq --seeds 0,1,2 --loss xent,logconf   # saves runs/sweeps/grid.json
        w2s sweep run --name grid                 # every pending run, here; --shard 0/4 or --index 7 for one part
        w2s sweep status --name grid              # finished / running / interrupted / failed / pending
        w2s sweep submit --name grid --slurm      # one sbatch job array over the unfinished runs (--dry-run shows it)
        Plan index i is always the same run (named by its content hash); finished runs are skipped, so running or
        submitting again only does what is left. Each run writes only its own directory: any number of processes or
        cluster nodes can share one runs directory.
        """,
        subcommands: [Plan.self, Run.self, Status.self, Submit.self])

    /// The sweep's name and where it lives.
    struct Target: ParsableArguments {
        @Option(help: "The sweep's name (letters, digits, '.', '_', '-').") var name: String
        @OptionGroup(title: "Storage") var storage: StorageOptions

        var runsRoot: URL { URL(fileURLWithPath: storage.runsDir).standardizedFileURL }

        func validate() throws {
            do { try SweepPlan.checkName(name) } catch { throw ValidationError("--name: \(error)") }
        }

        func plan() throws -> SweepPlan { try SweepPlan.load(runsRoot: runsRoot, name: name) }
        func status() throws -> SweepStatus { SweepStatus(plan: try plan(), store: try RunStore(root: runsRoot)) }
    }

    struct Plan: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Expand `w2s run` options (datasets × seeds) into a saved plan of runs.")
        @Option(help: "The sweep's name (letters, digits, '.', '_', '-').") var name: String
        @Flag(help: "Add these runs to an existing plan (e.g. another mode or size); runs already planned are kept once.") var append = false
        @OptionGroup(title: "Data") var data: RunCommand.DataOptions
        @OptionGroup var experiment: ExperimentOptions

        func validate() throws {
            do { try SweepPlan.checkName(name) } catch { throw ValidationError("--name: \(error)") }
        }

        func run() throws {
            let root = URL(fileURLWithPath: experiment.storage.runsDir).standardizedFileURL
            let configs = try experiment.configs(datasets: data.datasets.values, sizes: SplitSizes(counts: data.sizes.values))
            let command = CommandLine.arguments.joined(separator: " ")
            var plan: SweepPlan
            if FileManager.default.fileExists(atPath: SweepPlan.url(runsRoot: root, name: name).path) {
                plan = try SweepPlan.load(runsRoot: root, name: name)
                let new = configs.filter { c in !plan.runs.contains { $0.runName == c.runName } }
                guard append || new.isEmpty else {
                    throw ValidationError("sweep '\(name)' already exists with other runs: pass --append to add these \(new.count), or choose another --name")
                }
                plan.add(new)
                if !new.isEmpty { plan.commands.append(command) }
                print("sweep \(name): \(new.count) new runs, \(plan.runs.count) in all")
            } else {
                plan = try SweepPlan(name: name, runs: configs, command: command)
                print("sweep \(name): \(plan.runs.count) runs planned")
            }
            try plan.save(runsRoot: root)
            print("plan: \(SweepPlan.url(runsRoot: root, name: name).path)")
            print("next: w2s sweep run --name \(name) --runs-dir \(experiment.storage.runsDir)   (or: w2s sweep submit --name \(name) --slurm)")
        }
    }

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a sweep's pending runs here: all of them, one plan index, or one shard.",
            discussion: """
            Finished runs are skipped; a run that fails is recorded as failed with its error and the others go on \
            (the command then exits non-zero). --jobs N runs N processes at once, each with OpenBLAS limited to \
            cores/N threads. A head-mode run peaks at about 1.6 GB (MPNet, 500 examples per split), a LoRA run at a \
            few GB, so memory is rarely the limit on 24 GiB; on 2 cores the runs share the same two cores, so --jobs 2 \
            mainly overlaps one run's file and tokenizer work with another's compute.
            """)
        @OptionGroup var target: Target
        @Option(help: "Run only this plan index (what a Slurm array task runs), even if its record says running.") var index: Int?
        @Option(help: "Run only shard i of n (plan indices ≡ i mod n), e.g. 0/4.") var shard: String?
        @Option(help: "Runs at once, each in its own process.") var jobs = 1
        @Flag(help: "No progress display inside runs.") var quiet = false

        func validate() throws {
            guard jobs >= 1 else { throw ValidationError("--jobs must be ≥ 1") }
            guard index == nil || shard == nil else { throw ValidationError("give --index or --shard, not both") }
            if let index, index < 0 { throw ValidationError("--index must be ≥ 0") }
            if let shard { _ = try Self.parseShard(shard) }
        }

        static func parseShard(_ text: String) throws -> (Int, Int) {
            let parts = text.split(separator: "/").map { Int($0) }
            guard parts.count == 2, let i = parts[0], let n = parts[1], n >= 1, (0..<n).contains(i) else {
                throw ValidationError("--shard takes i/n with 0 ≤ i < n, e.g. 0/4 (got '\(text)')")
            }
            return (i, n)
        }

        func run() throws {
            let status = try target.status()
            let plan = status.plan
            var selected: [Int]
            if let index {
                guard plan.runs.indices.contains(index) else {
                    throw ValidationError("--index \(index): sweep '\(plan.name)' has runs 0…\(plan.runs.count - 1)")
                }
                selected = [index]
            } else if let shard {
                let (i, n) = try Self.parseShard(shard)
                selected = plan.shard(i, of: n)
            } else {
                selected = Array(plan.runs.indices)
            }
            let finished = selected.filter { status.states[$0] == .finished }
            let running = index == nil ? selected.filter { status.states[$0] == .running } : []
            let todo = selected.filter { !finished.contains($0) && !running.contains($0) }
            note("sweep \(plan.name): \(selected.count) selected, \(finished.count) already finished"
                 + (running.isEmpty ? "" : ", \(running.count) running elsewhere (skipped)") + ", \(todo.count) to run")
            guard !todo.isEmpty else { return }
            var progress = SweepProgress(total: todo.count)
            if jobs == 1 {
                for i in todo {
                    let config = plan.runs[i]
                    note(progress.line(starting: "[\(i)] \(config.runName)"))
                    let pipeline = WeakToStrongPipeline(config: config, runsRoot: target.runsRoot,
                                                        dataDirectory: try target.storage.dataDirectory(for: config.registeredDatasets),
                                                        progress: ProgressDisplay(quiet: quiet))
                    do { try pipeline.run(); progress.finished() } catch {
                        progress.failed()
                        note("✗ [\(i)] \(config.runName) failed: \(error)")
                    }
                }
            } else {
                try runInProcesses(todo, plan: plan, progress: &progress)
            }
            note(progress.line(starting: "done") + "\n" + (try target.status().summary))
            if progress.failures > 0 { throw ExitCode.failure }
        }

        /// Each run in a child `w2s sweep run --index i`, `jobs` at a time.
        /// A child finds each run's dataset folder itself, as this process would; an explicit --data-dir is passed on.
        func runInProcesses(_ todo: [Int], plan: SweepPlan, progress: inout SweepProgress) throws {
            var queue = todo[...]
            var active: [(index: Int, process: Process)] = []
            let threads = max(1, ProcessInfo.processInfo.activeProcessorCount / jobs)
            while !queue.isEmpty || !active.isEmpty {
                while active.count < jobs, let i = queue.popFirst() {
                    let process = Process()
                    process.executableURL = currentExecutable()
                    process.arguments = ["sweep", "run", "--name", plan.name, "--runs-dir", target.runsRoot.path, "--index", "\(i)", "--quiet"]
                        + (target.storage.dataDir.map { ["--data-dir", URL(fileURLWithPath: $0).path] } ?? [])
                    var environment = ProcessInfo.processInfo.environment
                    environment["OPENBLAS_NUM_THREADS"] = "\(threads)"
                    process.environment = environment
                    process.standardOutput = FileHandle.nullDevice
                    // Each child's messages go to its own log; its result and error are in the run store.
                    let log = target.runsRoot.appendingPathComponent("sweeps/logs/\(plan.name)-\(i).log")
                    try AtomicFile.createDirectory(log.deletingLastPathComponent())
                    guard FileManager.default.createFile(atPath: log.path, contents: nil) else {
                        throw ValidationError("cannot create the sweep log \(log.path): check that the runs folder is writable and the disk not full")
                    }
                    process.standardError = try FileHandle(forWritingTo: log)
                    try process.run()
                    note(progress.line(starting: "[\(i)] \(plan.runs[i].runName) started"))
                    active.append((i, process))
                }
                usleep(200_000)
                for (i, process) in active where !process.isRunning {
                    if process.terminationStatus == 0 { progress.finished() } else {
                        progress.failed()
                        note("✗ [\(i)] \(plan.runs[i].runName) failed: see `w2s sweep status --name \(plan.name)` and sweeps/logs/\(plan.name)-\(i).log")
                    }
                    note(progress.line(starting: "[\(i)] ended"))
                }
                active.removeAll { !$0.process.isRunning }
            }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Where every run of a sweep stands: finished, running, interrupted, failed, pending.")
        @OptionGroup var target: Target
        @Flag(help: "List every run with its state.") var all = false

        func run() throws {
            let status = try target.status()
            for (i, config) in status.plan.runs.enumerated() {
                let state = status.states[i]
                guard all || state == .failed || state == .interrupted || state == .running else { continue }
                let record = status.records[i]
                let detail = state == .failed ? ": \(record?.error ?? "")" : state == .running ? " (on \(record?.host ?? "?"), pid \(record?.pid ?? 0)\(record?.slurmJob.map { ", Slurm task \($0)" } ?? ""))" : ""
                print("[\(i)] \(config.runName) \(state.rawValue)\(detail)")
            }
            print(status.summary)
        }
    }

    struct Submit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Submit a sweep's unfinished runs as one Slurm job array (sbatch); every task runs `w2s sweep run --index`.",
            discussion: """
            The runs directory, the models ($W2S_MODELS) and the datasets must be on a file system every node sees. \
            Submitting again submits only what is not finished (pending, failed, interrupted); runs whose record says \
            running are left alone. The script is kept as <runs>/sweeps/<name>-<time>.sbatch, logs in <runs>/sweeps/logs.
            """)
        @OptionGroup var target: Target
        @Flag(help: "Submit with Slurm's sbatch (the one engine for now).") var slurm = false
        @Option(help: "At most this many array tasks at once (%P).") var parallel: Int?
        @Option(help: "CPUs per task.") var cpusPerTask = 2
        @Option(help: "Memory per task (sbatch --mem).") var mem = "6G"
        @Option(help: "Time limit per task (sbatch --time).") var time = "04:00:00"
        @Option(help: "Slurm partition.") var partition: String?
        @Option(help: "Slurm account.") var account: String?
        @Option(parsing: .singleValue, help: "A further sbatch option, passed through (repeatable), e.g. --sbatch-arg=--qos=short.")
        var sbatchArg: [String] = []
        @Flag(help: "Print the script instead of submitting it.") var dryRun = false

        func validate() throws {
            guard slurm else { throw ValidationError("choose the engine: --slurm (or run here with `w2s sweep run`)") }
            guard cpusPerTask >= 1, (parallel ?? 1) >= 1 else { throw ValidationError("--cpus-per-task and --parallel must be ≥ 1") }
        }

        func run() throws {
            let status = try target.status()
            // A run whose record says running on another node is lost if its Slurm task has left the queue.
            let queued = slurmQueue()
            let lost = status.indices(.running).filter { i in
                guard let job = status.records[i]?.slurmJob, let queued else { return false }
                return !queued.contains(job)
            }
            let indices = (status.toRun + lost).sorted()
            guard !indices.isEmpty else {
                print("nothing to submit: \(status.summary)")
                return
            }
            if !lost.isEmpty { print("resubmitting \(lost.count) runs whose Slurm task is gone from the queue: \(lost.map(String.init).joined(separator: ","))") }
            let running = status.indices(.running).filter { !lost.contains($0) }
            if !running.isEmpty { print("leaving \(running.count) running runs alone: \(running.map(String.init).joined(separator: ","))") }
            let plan = status.plan
            var datasets: [String] = []
            for i in indices { for name in plan.runs[i].registeredDatasets where !datasets.contains(name) { datasets.append(name) } }
            let dataDirectory = datasets.isEmpty ? nil : try target.storage.dataDirectory(for: datasets).standardizedFileURL.path
            var environment = ["W2S_MODELS": ModelStore.defaultRoot().standardizedFileURL.path]
            if let data = ProcessInfo.processInfo.environment["W2S_DATA"] { environment["W2S_DATA"] = data }
            let script = SlurmScript(sweep: plan.name, indices: indices, parallel: parallel, cpusPerTask: cpusPerTask, memory: mem, time: time,
                                     partition: partition, account: account, extra: sbatchArg, executable: currentExecutable().path,
                                     runsDirectory: target.runsRoot.path, dataDirectory: dataDirectory, environment: environment)
            if dryRun {
                print(script.text, terminator: "")
                return
            }
            try AtomicFile.createDirectory(URL(fileURLWithPath: script.logDirectory))
            let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
            let url = target.runsRoot.appendingPathComponent("sweeps/\(plan.name)-\(stamp).sbatch")
            try AtomicFile.write(Data(script.text.utf8), to: url)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["sbatch", "--parsable", url.path]
            let out = Pipe(), err = Pipe()
            process.standardOutput = out; process.standardError = err
            try process.run()
            let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            guard process.terminationStatus == 0, let job = output.split(whereSeparator: { $0 == ";" || $0.isNewline }).first else {
                throw ValidationError(process.terminationStatus == 127 || errors.contains("No such file")
                    ? "sbatch not found: submit from a machine with Slurm's client (or run here with `w2s sweep run --name \(plan.name)`)"
                    : "sbatch refused \(url.path): \(errors.trimmingCharacters(in: .whitespacesAndNewlines))")
            }
            print("script: \(url.path)")
            print("submitted job \(job): array \(script.arraySpecification)")
        }
    }
}

/// The ids of every job and array task in Slurm's queue ("JOB" or "JOB_TASK"), or nil when squeue cannot tell.
func slurmQueue() -> Set<String>? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["squeue", "--noheader", "--array", "--format=%i"]
    let out = Pipe()
    process.standardOutput = out; process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return nil }
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { return nil }
    return Set(text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) })
}

/// Progress over a whole sweep: done, failed, and an ETA from the mean time of the runs finished so far.
struct SweepProgress {
    let total: Int
    let started = Date()
    private(set) var done = 0
    private(set) var failures = 0

    init(total: Int) { self.total = total }

    mutating func finished() { done += 1 }
    mutating func failed() { done += 1; failures += 1 }

    func line(starting text: String) -> String {
        let elapsed = Date().timeIntervalSince(started)
        let eta = done > 0 ? " ETA \(Self.clock(elapsed / Double(done) * Double(total - done)))" : ""
        return "sweep \(done)/\(total) done\(failures > 0 ? ", \(failures) failed" : ""), \(Self.clock(elapsed)) elapsed\(eta) · \(text)"
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%dh%02dm", s / 3600, s % 3600 / 60) : String(format: "%dm%02ds", s / 60, s % 60)
    }
}

/// This binary, as an absolute path (child processes and sbatch scripts run it again).
func currentExecutable() -> URL {
    URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
}

func note(_ text: String) {
    StandardError.write(text + "\n")
}
