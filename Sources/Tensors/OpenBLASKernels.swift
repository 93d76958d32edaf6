import COpenBLAS
import Foundation

/// Which of OpenBLAS's kernel sets this process runs, and a restart with the right one where OpenBLAS guessed wrong.
///
/// Debian's OpenBLAS 0.3.21 (a DYNAMIC_ARCH build) picks its kernels from the CPU's family and model numbers when the
/// library loads. A model it does not know falls back to "Prescott", its SSE3 kernels, whatever the CPU can do: on
/// an Intel Xeon of family 6 model 207 (Emerald Rapids, with AVX-512) our GEMMs ran at 58–64 GFLOP/s on 2 threads
/// instead of 288–310 with the SkylakeX kernels, and every encoder pass 3–4× slower (BENCHMARKS.md, 2026-11-29
/// evening). The only switch is the environment variable `OPENBLAS_CORETYPE`, read once at load time, before any
/// of our code runs; so the program sets it and executes itself again.
public enum OpenBLASKernels {
    /// The kernel set in use, as OpenBLAS names it.
    public static var coreName: String { String(cString: openblas_get_corename()) }

    /// The kernel set this CPU supports best among those OpenBLAS 0.3.21 has for x86-64, from the kernel's CPU flags
    /// (they list AVX-512 only where the OS saves its registers): SkylakeX for AVX-512 F/CD/BW/DQ/VL, Haswell for
    /// AVX2 with FMA; nil when the flags cannot be read or the CPU has neither.
    public static func bestCoreType(cpuFlags: Set<Substring>) -> String? {
        if ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(cpuFlags.contains) { return "SkylakeX" }
        if ["avx2", "fma"].allSatisfy(cpuFlags.contains) { return "Haswell" }
        return nil
    }

    /// Call first thing in `main`. When OpenBLAS fell back to Prescott on a CPU with AVX2 or AVX-512 and the user
    /// left `OPENBLAS_CORETYPE` unset, sets it and replaces this process by a fresh run of the same executable with
    /// the same arguments (which then loads the right kernels and returns here at once). Returns otherwise,
    /// also when the restart fails: slow kernels are still correct.
    public static func restartWithVectorKernelsIfNeeded() {
        #if os(Linux) && arch(x86_64)
        guard getenv("OPENBLAS_CORETYPE") == nil, coreName == "Prescott",
              let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let flagsLine = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let best = bestCoreType(cpuFlags: Set(flagsLine.split(separator: " ")))
        else { return }
        setenv("OPENBLAS_CORETYPE", best, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        unsetenv("OPENBLAS_CORETYPE")   // exec failed: carry on with the kernels we have
        #endif
    }
}
