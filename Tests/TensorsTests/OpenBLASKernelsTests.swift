import XCTest
import Tensors

/// The kernel set chosen for a CPU whose model OpenBLAS 0.3.21 does not know (it then falls back to SSE3 "Prescott").
final class OpenBLASKernelsTests: XCTestCase {
    func testBestCoreTypeFollowsTheWidestVectorUnit() {
        // Emerald Rapids' flags (abridged): AVX-512 with the subsets SkylakeX's kernels use.
        let emerald: Set<Substring> = ["sse4_2", "avx", "avx2", "fma", "avx512f", "avx512dq", "avx512cd", "avx512bw",
                                       "avx512vl", "avx512_bf16"]
        XCTAssertEqual(OpenBLASKernels.bestCoreType(cpuFlags: emerald), "SkylakeX")
        XCTAssertEqual(OpenBLASKernels.bestCoreType(cpuFlags: ["avx", "avx2", "fma"]), "Haswell")
        // AVX-512 F alone (Knights Landing-like) is not enough for SkylakeX's kernels.
        XCTAssertEqual(OpenBLASKernels.bestCoreType(cpuFlags: ["avx2", "fma", "avx512f"]), "Haswell")
        XCTAssertNil(OpenBLASKernels.bestCoreType(cpuFlags: ["sse3", "avx"]))
    }

    func testCoreNameIsReported() {
        XCTAssertFalse(OpenBLASKernels.coreName.isEmpty)
    }
}
