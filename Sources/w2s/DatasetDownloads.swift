import ArgumentParser
import Datasets
import Experiments
import Foundation

/// `w2s datasets download` and the demo's missing datasets: which definitions a list of names means, the
/// download itself through `DatasetDownloader`, and its display (a progress line per file on a terminal,
/// a line per file otherwise).
enum DatasetDownloads {
    static let mirrorHelp = "Download from a mirror instead of the public sources: an http(s):// address or a folder laid out like shared/datasets (<dataset>/<file>); the files are verified all the same (default: $\(DatasetMirror.environmentVariable))."

    /// Registry names, a shared folder name (`ethics`: all its tasks) or `all`; none means all.
    static func definitions(_ names: [String]) throws -> [DatasetDefinition] {
        let registry = DatasetRegistry.standard
        if names.isEmpty || names.contains("all") { return registry.definitions }
        var chosen: [DatasetDefinition] = []
        for name in names {
            let matches = registry.definitions.filter { $0.name == name || $0.folder == name }
            guard !matches.isEmpty else {
                throw ValidationError("unknown dataset '\(name)'. Known: \(registry.names().joined(separator: ", ")), or all.")
            }
            for d in matches where !chosen.contains(where: { $0.name == d.name }) { chosen.append(d) }
        }
        return chosen
    }

    /// Downloads and verifies `definitions` into `dataDirectory`; prints one summary line per dataset.
    static func run(_ definitions: [DatasetDefinition], into dataDirectory: URL, mirror: DatasetMirror?, quiet: Bool) throws {
        let display = DownloadDisplay(quiet: quiet)
        let downloader = DatasetDownloader(dataDirectory: dataDirectory, mirror: mirror, events: display.show)
        print("datasets in \(dataDirectory.path), from \(mirror.map { "the mirror \($0)" } ?? "their pinned public sources"):")
        var failures: [String] = []
        for definition in definitions {
            let name = definition.name.padding(toLength: 20, withPad: " ", startingAt: 0)
            do {
                let report = try downloader.download(definition)
                let state = report.fetched.isEmpty ? "already present, verified"
                    : "\(report.fetched.count) file\(report.fetched.count == 1 ? "" : "s") (\(DownloadDisplay.megabytes(report.bytesFetched))) downloaded, verified"
                print("  \(name)  \(state.padding(toLength: 40, withPad: " ", startingAt: 0))  from \(definition.source.origin)"
                      + (definition.source.licence.nonCommercial ? "  [non-commercial]" : ""))
            } catch {
                display.clear()
                print("  \(name)  FAILED")
                StandardError.write("✗ \(definition.name): \(error)\n")
                failures.append(definition.name)
            }
        }
        let restricted = definitions.filter(\.source.licence.nonCommercial).map(\.name)
        if !restricted.isEmpty {
            print("note: \(restricted.joined(separator: ", ")) \(restricted.count == 1 ? "is" : "are") licensed for non-commercial use only (`w2s datasets list` shows each licence).")
        }
        guard failures.isEmpty else {
            StandardError.write("\(failures.count) of \(definitions.count) datasets failed: \(failures.joined(separator: ", ")); what is verified stays, so running the command again fetches only the rest.\n")
            throw ExitCode.failure
        }
    }
}

/// Download progress on standard error: a live line per file on a terminal, a start and an end line otherwise.
final class DownloadDisplay {
    private let quiet: Bool
    private let isTerminal = isatty(STDERR_FILENO) != 0
    private var lineOpen = false
    private var lastDraw = Date.distantPast
    private var started = Date()

    init(quiet: Bool) { self.quiet = quiet }

    static func megabytes(_ bytes: Int64) -> String {
        bytes < 100_000 ? String(format: "%.1f kB", Double(bytes) / 1000) : String(format: "%.1f MB", Double(bytes) / 1_000_000)
    }

    func show(_ event: DownloadEvent) {
        guard !quiet else { return }
        switch event {
        case let .fetching(file, source, bytes, resumingFrom):
            started = Date()
            let resume = resumingFrom > 0 ? ", resuming at \(Self.megabytes(resumingFrom))" : ""
            if isTerminal { draw(file, done: resumingFrom, total: bytes) }
            else { write("  \(file): \(Self.megabytes(bytes)) from \(source)\(resume)\n") }
        case let .progress(file, done, total):
            guard isTerminal, Date().timeIntervalSince(lastDraw) > 0.1 || done == total else { return }
            draw(file, done: done, total: total)
        case let .fetched(file, bytes):
            let seconds = Date().timeIntervalSince(started)
            clear()
            write("  \(file): \(Self.megabytes(bytes)) verified (size, sha256)\(seconds > 0.5 ? String(format: " in %.1fs", seconds) : "")\n")
        case let .note(message):
            clear()
            write("  \(message)\n")
        }
    }

    /// Ends a live progress line before other output.
    func clear() {
        guard lineOpen else { return }
        write("\r\u{1B}[K")
        lineOpen = false
    }

    private func draw(_ file: String, done: Int64, total: Int64) {
        lastDraw = Date()
        let width = 24
        let filled = total > 0 ? Int(Int64(width) * min(done, total) / total) : 0
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        let percent = total > 0 ? 100 * Double(done) / Double(total) : 0
        write("\r\u{1B}[K  \(file.padding(toLength: 36, withPad: " ", startingAt: 0)) \(bar) \(Self.megabytes(done)) / \(Self.megabytes(total))  \(String(format: "%3.0f%%", percent))")
        lineOpen = true
    }

    private func write(_ text: String) { StandardError.write(text) }
}
