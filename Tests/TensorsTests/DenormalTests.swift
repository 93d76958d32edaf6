import XCTest
import Tensors

/// Denormal floats are flushed to zero wherever our arithmetic runs (BLAS.denormalsFlushed): a GEMM on 1e-39-sized
/// inputs ran 165× slower than on normal ones, and deep backward passes make such gradients. With
/// denormals-are-zero an input of 1e-39 reads as 0, so a product of them is exactly 0; without it, the sum
/// k · 1e-39 is a normal float. These tests fail when any thread doing our work lacks the setting.
final class DenormalTests: XCTestCase {
    let denormal: Float = 1e-39   // below Float.leastNormalMagnitude (1.18e-38)

    func testDenormalIsWhatTheTestAssumes() {
        XCTAssertTrue(denormal.isSubnormal)
        XCTAssertGreaterThan(Float(256) * 1e-39 as Float, Float.leastNormalMagnitude)
    }

    /// A product large enough to use OpenBLAS's thread pool: its workers must flush too (they were started before
    /// our first call; the pool is restarted from a flushing thread).
    func testThreadedGemmReadsDenormalInputsAsZero() {
        let n = 256
        let a = Tensor(shape: [n, n], data: [Float](repeating: denormal, count: n * n))
        let b = Tensor(shape: [n, n], data: [Float](repeating: 1, count: n * n))
        var c = Tensor(shape: [n, n], data: [Float](repeating: 7, count: n * n))
        BLAS.gemm(a, b, into: &c)
        XCTAssertEqual(c.data.filter { $0 != 0 }.count, 0, "denormal inputs were not read as zero: c[0] = \(c.data[0])")
    }

    /// A skinny product runs on one OpenBLAS thread (a different code path).
    func testSkinnyGemmReadsDenormalInputsAsZero() {
        let a = Tensor(shape: [64, 512], data: [Float](repeating: denormal, count: 64 * 512))
        let b = Tensor(shape: [512, 4], data: [Float](repeating: 1, count: 512 * 4))
        var c = Tensor(shape: [64, 4], data: [Float](repeating: 7, count: 64 * 4))
        BLAS.gemm(a, b, into: &c)
        XCTAssertEqual(c.data.filter { $0 != 0 }.count, 0, "c[0] = \(c.data[0])")
    }

    /// Our own parallel workers (layer norm, softmax, GELU, optimizers) flush on their threads.
    func testParallelWorkersFlushDenormals() {
        let count = 4096
        let values = [Float](repeating: denormal, count: count)
        var sums = [Float](repeating: -1, count: count)
        let factors = [Float](repeating: 1_000, count: count)
        values.withUnsafeBufferPointer { v in
            factors.withUnsafeBufferPointer { f in
                sums.withUnsafeMutableBufferPointer { s in
                    Parallel.forEachChunk(count, minimumPerChunk: 64) { range in
                        for i in range { s[i] = v[i] * f[i] }   // 1e-36 unless the input reads as 0
                    }
                }
            }
        }
        XCTAssertGreaterThan(Parallel.chunkCount(count, minimumPerChunk: 64), 1, "the test needs several workers")
        XCTAssertEqual(sums.filter { $0 != 0 }.count, 0, "a worker multiplied a denormal as such: \(sums[0])")
    }
}
