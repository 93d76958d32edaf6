import Foundation
import XCTest
import Tensors

/// The kernel set chosen for a CPU whose model OpenBLAS 0.3.21 does not know (it then falls back to SSE3 "Prescott").
final class OpenBLASEnvironmentTests: XCTestCase {
    func testBestCoreTypeFollowsTheWidestVectorUnit() {
        // Emerald Rapids' flags (abridged): AVX-512 with the subsets SkylakeX's kernels use.
        let emerald: Set<Substring> = ["sse4_2", "avx", "avx2", "fma", "avx512f", "avx512dq", "avx512cd", "avx512bw",
                                       "avx512vl", "avx512_bf16"]
        XCTAssertEqual(OpenBLASEnvironment.bestCoreType(cpuFlags: emerald), "SkylakeX")
        XCTAssertEqual(OpenBLASEnvironment.bestCoreType(cpuFlags: ["avx", "avx2", "fma"]), "Haswell")
        // AVX-512 F alone (Knights Landing-like) is not enough for SkylakeX's kernels.
        XCTAssertEqual(OpenBLASEnvironment.bestCoreType(cpuFlags: ["avx2", "fma", "avx512f"]), "Haswell")
        XCTAssertNil(OpenBLASEnvironment.bestCoreType(cpuFlags: ["sse3", "avx"]))
    }

    func testCoreNameIsReported() {
        XCTAssertFalse(OpenBLASEnvironment.coreName.isEmpty)
    }

    /// Under scripts/test.sh the test process gets w2s's variables (`w2s bench --openblas-environment`): the kernel
    /// set asked for is the one OpenBLAS loaded, so the suite does not run on SSE3 kernels where w2s would not.
    func testTheKernelSetAskedForIsTheOneLoaded() throws {
        guard let wanted = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] else {
            throw XCTSkip("OPENBLAS_CORETYPE is unset here (scripts/test.sh sets it where OpenBLAS needs it)")
        }
        XCTAssertEqual(OpenBLASEnvironment.coreName.lowercased(), wanted.lowercased())
    }
}

/// A variable the user set is never overridden (and with both set, `w2s` does not restart itself).
final class OpenBLASEnvironmentSettingsTests: XCTestCase {
    func testSetVariablesAreLeftAlone() {
        let names = ["OPENBLAS_CORETYPE", "OPENBLAS_THREAD_TIMEOUT"]
        let saved: [String?] = names.map { name in getenv(name).map { String(cString: $0) } }
        defer {
            for (name, value) in zip(names, saved) {
                if let value { setenv(name, value, 1) } else { unsetenv(name) }
            }
        }
        setenv("OPENBLAS_CORETYPE", "Haswell", 1)
        setenv("OPENBLAS_THREAD_TIMEOUT", "10", 1)
        XCTAssertTrue(OpenBLASEnvironment.missingSettings().isEmpty)
        #if os(Linux) && arch(x86_64)
        unsetenv("OPENBLAS_THREAD_TIMEOUT")
        XCTAssertEqual(OpenBLASEnvironment.missingSettings().map(\.name), ["OPENBLAS_THREAD_TIMEOUT"])
        XCTAssertEqual(OpenBLASEnvironment.missingSettings().map(\.value), ["4"])
        #endif
    }
}
