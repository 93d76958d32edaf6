import COpenBLAS
import Foundation

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
        _ = denormalsFlushed
        w2s_flush_denormals()
        func call() {
            cblas_sgemm(CblasRowMajor,
                        transposeA ? CblasTrans : CblasNoTrans,
                        transposeB ? CblasTrans : CblasNoTrans,
                        Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb),
                        beta, c, Int32(ldc))
        }
        // A skinny product (LoRA's rank-r factors, the two-class head) split over OpenBLAS's threads spends its time
        // waking and waiting for them: 256×1536·1536×8 took 3.1 ms on two threads, 0.32 ms on one (tools: see
        // BENCHMARKS.md, "Skinny GEMMs"). Such calls run on one thread.
        if min(m, n, k) <= skinnyDimension, openblas_get_num_threads() > 1 {
            threadCountLock.lock()
            defer { threadCountLock.unlock() }
            let saved = openblas_get_num_threads()
            openblas_set_num_threads(1)
            call()
            openblas_set_num_threads(saved)
        } else {
            call()
        }
    }

    /// Once per process, before the first product: flush denormals to zero on this thread and restart OpenBLAS's
    /// thread pool from it, so its workers inherit the setting (they were started when the library loaded). Deep
    /// backward passes make gradients of 1e-39 and below; a GEMM on such inputs ran 165× slower (BENCHMARKS.md).
    /// Every call sets it on its own thread too (callers' threads differ; the register is per thread).
    static let denormalsFlushed: Void = {
        w2s_flush_denormals()
        _ = blas_thread_shutdown_()
    }()

    /// A product with a dimension this small runs on one OpenBLAS thread.
    public static let skinnyDimension = 16
    static let threadCountLock = NSLock()

    /// C = alpha · op(A) · op(B) + beta · C on matrix views: shapes and row strides come from the views,
    /// e.g. `gemm(q[rows: tokens, columns: head], k[rows: tokens, columns: head], transposeB: true, into: scores)`.
    /// `c` is a window lent for a parallel region (see `Tensor.sharing`).
    @inlinable
    public static func gemm(_ a: some MatrixView, _ b: some MatrixView, transposeA: Bool = false,
                            transposeB: Bool = false, alpha: Float = 1, beta: Float = 0, into c: SharedMatrix) {
        let la = a.layout, lb = b.layout, lc = c.layout
        let m = transposeA ? la.columns : la.rows, k = transposeA ? la.rows : la.columns
        let n = transposeB ? lb.rows : lb.columns
        precondition((transposeB ? lb.columns : lb.rows) == k && lc.rows == m && lc.columns == n,
                     "gemm shapes differ: op(\(la)) · op(\(lb)) into \(lc)")
        a.withUnsafeMatrixPointer { pa in
            b.withUnsafeMatrixPointer { pb in
                gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                     alpha: alpha, a: pa, lda: la.stride, b: pb, ldb: lb.stride,
                     beta: beta, c: c.pointer, ldc: lc.stride)
            }
        }
    }

    /// The same into a tensor, or the window `rows × columns` of it viewed as a matrix (all when nil).
    /// Reading `a` and `b` takes a reference to their storage, and `c` is written in place: no copies,
    /// unless `c` shares storage with `a` or `b` (then copy-on-write gives `c` fresh storage first).
    @inlinable
    public static func gemm(_ a: some MatrixView, _ b: some MatrixView, transposeA: Bool = false,
                            transposeB: Bool = false, alpha: Float = 1, beta: Float = 0,
                            into c: inout Tensor, rows: Range<Int>? = nil, columns: Range<Int>? = nil) {
        c.withSharedMatrix { whole in
            gemm(a, b, transposeA: transposeA, transposeB: transposeB, alpha: alpha, beta: beta,
                 into: whole[rows: rows, columns: columns])
        }
    }

    /// alpha · op(A) · op(B) of two tensors viewed as matrices (`rows × columns`), allocating the result.
    public static func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false,
                              alpha: Float = 1) -> Tensor {
        let m = transposeA ? a.columns : a.rows
        let k = transposeA ? a.rows : a.columns
        let kb = transposeB ? b.columns : b.rows
        let n = transposeB ? b.rows : b.columns
        precondition(k == kb, "matmul inner dimensions differ: \(a.shape) · \(b.shape)")
        var c = Tensor(uninitialized: [m, n])   // beta 0: OpenBLAS writes C without reading it
        gemm(a, b, transposeA: transposeA, transposeB: transposeB, alpha: alpha, into: &c)
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
