import COpenBLAS
import Foundation

/// OpenBLAS settings that only its environment variables control, read once when the library loads (before any of
/// our code runs). `w2s` sets them and executes itself again, so each run gets them without a wrapper script.
///
/// - `OPENBLAS_CORETYPE`: Debian's OpenBLAS 0.3.21 (a DYNAMIC_ARCH build) picks its kernels from the CPU's family
///   and model numbers. A model it does not know falls back to "Prescott", its SSE3 kernels, whatever the CPU can
///   do: on an Intel Xeon of family 6 model 207 (Emerald Rapids, AVX-512) GEMMs ran at 58–64 GFLOP/s on 2 threads
///   instead of 288–310 with the SkylakeX kernels, and encoder passes 3–4× slower. Set from the CPU's flags, only
///   where OpenBLAS fell back to Prescott.
/// - `OPENBLAS_THREAD_TIMEOUT`: after each GEMM, OpenBLAS's idle workers spin in `sched_yield` for 2²⁸ cycles
///   (~0.1 s) before they sleep, so while our own workers run attention, GELU or layer norm on the 2 cores, they
///   compete with a spinning thread (15–20% of `perf` samples in `sched_yield` on MiniLM). 4, the smallest value,
///   makes them sleep at once; waking them costs microseconds per GEMM of milliseconds.
///
/// BENCHMARKS.md, "2026-11-29 (evening)", has the measurements. A variable the user set is left as it is.
public enum OpenBLASEnvironment {
    /// The variables this type manages.
    public static let variables = ["OPENBLAS_CORETYPE", "OPENBLAS_THREAD_TIMEOUT"]

    /// The kernel set in use, as OpenBLAS names it ("SkylakeX", "Haswell", "Prescott", …).
    public static var coreName: String { String(cString: openblas_get_corename()) }

    /// The kernel set this CPU supports best among those OpenBLAS 0.3.21 has for x86-64, from the kernel's CPU flags
    /// (they list AVX-512 only where the OS saves its registers): SkylakeX for AVX-512 F/CD/BW/DQ/VL, Haswell for
    /// AVX2 with FMA; nil when the CPU has neither.
    public static func bestCoreType(cpuFlags: Set<Substring>) -> String? {
        if ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(cpuFlags.contains) { return "SkylakeX" }
        if ["avx2", "fma"].allSatisfy(cpuFlags.contains) { return "Haswell" }
        return nil
    }

    /// The variables to set for this process: those unset that differ from OpenBLAS's defaults as described above.
    public static func missingSettings() -> [(name: String, value: String)] {
        var settings: [(name: String, value: String)] = []
        #if os(Linux) && arch(x86_64)
        if getenv("OPENBLAS_CORETYPE") == nil, coreName == "Prescott",
           let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
           let flagsLine = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
           let best = bestCoreType(cpuFlags: Set(flagsLine.split(separator: " "))) {
            settings.append(("OPENBLAS_CORETYPE", best))
        }
        if getenv("OPENBLAS_THREAD_TIMEOUT") == nil { settings.append(("OPENBLAS_THREAD_TIMEOUT", "4")) }
        #endif
        return settings
    }

    /// Call first thing in `main`: when a setting is missing, sets it and replaces this process by a fresh run of the
    /// same executable with the same arguments, which finds them set and returns here at once. Returns otherwise,
    /// also when the restart fails (the defaults are slower, not wrong).
    public static func restartWithSettingsIfNeeded() {
        #if os(Linux)
        let settings = missingSettings()
        guard !settings.isEmpty else { return }
        for (name, value) in settings { setenv(name, value, 1) }
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        for (name, _) in settings { unsetenv(name) }   // exec failed: carry on as we are
        #endif
    }
}
