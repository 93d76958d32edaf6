/// Measures sustained single-precision GEMM throughput for a given shape.
public enum GEMMBenchmark {
    /// GFLOP/s of C[m×n] = A[m×k]·B[k×n] (B given transposed, as linear layers use it), median of `repeats`.
    public static func gflops(m: Int, n: Int, k: Int, repeats: Int = 5) -> Double {
        var rng = SeededRandom(seed: 1)
        let a = Tensor(shape: [m, k], data: (0..<(m * k)).map { _ in Float(rng.uniform()) })
        let b = Tensor(shape: [n, k], data: (0..<(n * k)).map { _ in Float(rng.uniform()) })
        var c = Tensor(zeros: [m, n])
        var times: [Double] = []
        for _ in 0..<(repeats + 1) {
            times.append(Stopwatch.time { BLAS.gemm(a, b, transposeB: true, into: &c) })
        }
        let median = times.dropFirst().sorted()[repeats / 2]
        return 2 * Double(m) * Double(n) * Double(k) / median / 1e9
    }
}
