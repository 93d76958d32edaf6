import COpenBLAS

/// Thin, typed access to OpenBLAS. All matrices are row-major.
public enum BLAS {
    /// C = alpha · op(A) · op(B) + beta · C, with op(X) = X or Xᵀ.
    /// `m × k` is op(A)'s shape, `k × n` op(B)'s; `lda`/`ldb`/`ldc` are the row strides as stored.
    @inline(__always)
    public static func gemm(
        transposeA: Bool = false, transposeB: Bool = false,
        m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(CblasRowMajor,
                    transposeA ? CblasTrans : CblasNoTrans,
                    transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb),
                    beta, c, Int32(ldc))
    }

    /// Matrix product of two tensors viewed as matrices (`rows × columns`), allocating the result.
    public static func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
        let m = transposeA ? a.columns : a.rows
        let k = transposeA ? a.rows : a.columns
        let kb = transposeB ? b.columns : b.rows
        let n = transposeB ? b.rows : b.columns
        precondition(k == kb, "matmul inner dimensions differ: \(a.shape) · \(b.shape)")
        var c = Tensor(zeros: [m, n])
        a.data.withUnsafeBufferPointer { pa in
            b.data.withUnsafeBufferPointer { pb in
                c.data.withUnsafeMutableBufferPointer { pc in
                    gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                         a: pa.baseAddress!, lda: a.columns, b: pb.baseAddress!, ldb: b.columns,
                         c: pc.baseAddress!, ldc: n)
                }
            }
        }
        return c
    }

    /// Number of threads OpenBLAS uses for one call.
    public static var threads: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(newValue)) }
    }

    /// Runs `body` with OpenBLAS restricted to one thread (for use inside our own parallel loops).
    public static func singleThreaded<T>(_ body: () throws -> T) rethrows -> T {
        let saved = threads
        threads = 1
        defer { threads = saved }
        return try body()
    }
}
