import Foundation

/// Wall-clock timing and process memory, for benchmarks and progress displays.
public enum Stopwatch {
    public static func now() -> Double { Date().timeIntervalSince1970 }

    /// Seconds taken by `body`.
    public static func time(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}

public enum ProcessMemory {
    /// Peak resident set size in bytes (VmHWM), or nil where /proc is unavailable.
    public static func peakResidentBytes() -> Int? { field("VmHWM:") }
    /// Current resident set size in bytes (VmRSS).
    public static func residentBytes() -> Int? { field("VmRSS:") }

    private static func field(_ name: String) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix(name) {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            if parts.count >= 2, let kb = Int(parts[1]) { return kb * 1024 }
        }
        return nil
    }
}
