import Foundation

/// A one-line progress display per stage with ETA on a terminal; plain periodic lines otherwise.
public final class ProgressDisplay: @unchecked Sendable {
    private let isTerminal = isatty(STDERR_FILENO) != 0
    private var stage = ""
    private var started = Date()
    private var lastPrint = Date.distantPast
    public var quiet = false

    public init(quiet: Bool = false) { self.quiet = quiet }

    public func begin(_ stage: String) {
        self.stage = stage
        started = Date()
        lastPrint = .distantPast
    }

    public func update(_ done: Int, _ total: Int, detail: String = "") {
        guard !quiet, total > 0 else { return }
        let now = Date()
        guard now.timeIntervalSince(lastPrint) > (isTerminal ? 0.2 : 10) || done == total else { return }
        lastPrint = now
        let elapsed = now.timeIntervalSince(started)
        let eta = done > 0 ? elapsed / Double(done) * Double(total - done) : .nan
        let width = 24
        let filled = min(width, width * done / total)
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        let line = String(format: "%@ %@ %d/%d  %@ elapsed, ETA %@ %@", stage.padding(toLength: 34, withPad: " ", startingAt: 0),
                          bar, done, total, Self.clock(elapsed), eta.isFinite ? Self.clock(eta) : "?", detail)
        if isTerminal { StandardError.write("\r\u{1B}[K" + line) }
        else { StandardError.write(line + "\n") }
    }

    public func finish(_ message: String) {
        guard !quiet else { return }
        let line = String(format: "%@ %@ (%@)", stage.padding(toLength: 34, withPad: " ", startingAt: 0), message,
                          Self.clock(Date().timeIntervalSince(started)))
        StandardError.write((isTerminal ? "\r\u{1B}[K" : "") + line + "\n")
    }

    public func note(_ message: String) {
        guard !quiet else { return }
        StandardError.write(message + "\n")
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%dh%02dm", s / 3600, (s % 3600) / 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
