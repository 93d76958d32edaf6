/// Measures sustained single-precision GEMM throughput for a given shape.
public enum GEMMBenchmark {
    /// GFLOP/s of C[m×n] = A[m×k]·B[k×n] (B given transposed, as linear layers use it), median of `repeats`.
    public static func gflops(m: Int, n: Int, k: Int, repeats: Int = 5) -> Double {
        var rng = SeededRandom(seed: 1)
        let a = (0..<(m * k)).map { _ in Float(rng.uniform()) }
        let b = (0..<(n * k)).map { _ in Float(rng.uniform()) }
        var c = [Float](repeating: 0, count: m * n)
        var times: [Double] = []
        for _ in 0..<(repeats + 1) {
            let seconds = a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    c.withUnsafeMutableBufferPointer { pc in
                        Stopwatch.time {
                            BLAS.gemm(transposeB: true, m: m, n: n, k: k, a: pa.baseAddress!, lda: k,
                                      b: pb.baseAddress!, ldb: k, c: pc.baseAddress!, ldc: n)
                        }
                    }
                }
            }
            times.append(seconds)
        }
        let median = times.dropFirst().sorted()[repeats / 2]
        return 2 * Double(m) * Double(n) * Double(k) / median / 1e9
    }
}
