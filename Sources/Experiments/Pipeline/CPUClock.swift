import Foundation

/// CPU time of this process (user + system, every thread) since the clock was made. A stage's CPU seconds are what
/// it costs when other work shares the machine (sweeps side by side, a loaded cluster node, a paused process), where
/// its wall time says little; on an idle 2-core machine they are about twice the wall time.
struct CPUClock {
    let start = CPUClock.now()

    var elapsed: Double { Self.now() - start }

    static func now() -> Double {
        var usage = rusage()
        #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}
