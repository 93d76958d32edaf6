import COpenBLAS
import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Work splitting across the machine's cores. Chunks are contiguous index ranges, so each worker
/// streams through memory; never call a multi-threaded BLAS inside (see `BLAS.singleThreaded`).
public enum Parallel {
    /// Number of workers: the online cores, overridable with W2S_THREADS.
    public static let workers: Int = {
        if let s = getenv("W2S_THREADS"), let n = Int(String(cString: s)), n > 0 { return n }
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }()

    /// Calls `body(range)` for contiguous chunks covering `0..<count`, concurrently.
    /// Work below `minimumPerChunk` items stays on the calling thread.
    public static func forEachChunk(_ count: Int, minimumPerChunk: Int = 1,
                                    _ body: (Range<Int>) -> Void) {
        forEachIndexedChunk(count, minimumPerChunk: minimumPerChunk) { _, range in body(range) }
    }

    /// Like `forEachChunk`, but also passes the chunk's index (< `chunkCount(count:)`) so workers can own
    /// private accumulators.
    public static func forEachIndexedChunk(_ count: Int, minimumPerChunk: Int = 1,
                                           _ body: (_ chunk: Int, Range<Int>) -> Void) {
        let chunks = chunkCount(count, minimumPerChunk: minimumPerChunk)
        guard chunks > 0 else { return }
        if chunks == 1 { body(0, 0..<count); return }
        // The chunks write disjoint memory by construction; the box only tells the compiler so.
        withoutActuallyEscaping(body) { escaping in
            let box = UncheckedSendable(escaping)
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                w2s_flush_denormals()   // per thread (see BLAS.denormalsFlushed)
                let lo = count * c / chunks, hi = count * (c + 1) / chunks
                if lo < hi { box.value(c, lo..<hi) }
            }
        }
    }

    public static func chunkCount(_ count: Int, minimumPerChunk: Int = 1) -> Int {
        count <= 0 ? 0 : max(1, min(workers, count / max(1, minimumPerChunk)))
    }

    /// Calls `body(i)` for every `i` in `0..<count`, spread over the workers in contiguous chunks.
    public static func forEach(_ count: Int, minimumPerChunk: Int = 1, _ body: (Int) -> Void) {
        forEachChunk(count, minimumPerChunk: minimumPerChunk) { r in for i in r { body(i) } }
    }
}

/// Wraps a value the caller guarantees is used race-free across threads.
public struct UncheckedSendable<T>: @unchecked Sendable {
    public let value: T
    public init(_ value: T) { self.value = value }
}
