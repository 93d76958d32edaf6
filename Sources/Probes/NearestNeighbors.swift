import Foundation
import Tensors

/// k-nearest-neighbour search by cosine similarity: rows are L2-normalised, so the ranking equals the
/// Euclidean ranking of the normalised vectors (‖a − b‖² = 2 − 2 cos). Similarities come from one GEMM
/// per block of queries; each query keeps its k best in a small sorted buffer (no per-element allocation).
public struct NearestNeighbors: Sendable {
    /// Reference rows, L2-normalised, [n, d].
    public let references: Tensor

    public init(references: Tensor) {
        self.references = Self.normalizedRows(references)
    }

    public static func normalizedRows(_ x: Tensor) -> Tensor {
        var out = x
        let d = x.columns
        out.data.withUnsafeMutableBufferPointer { p in
            for r in 0..<x.rows {
                var norm: Float = 0
                for j in 0..<d { norm += p[r * d + j] * p[r * d + j] }
                let scale = norm > 0 ? 1 / norm.squareRoot() : 0
                for j in 0..<d { p[r * d + j] *= scale }
            }
        }
        return out
    }

    /// Indices of the k most similar reference rows for each query row, most similar first.
    /// `excludingSelf`: the queries are the references themselves and a row is not its own neighbour
    /// (leave-one-out predictions on the training set).
    public func neighbors(of queries: Tensor, k requested: Int, excludingSelf: Bool = false) -> [[Int]] {
        precondition(queries.columns == references.columns, "query and reference widths differ")
        precondition(!excludingSelf || queries.rows == references.rows, "excludingSelf needs queries == references")
        let n = references.rows
        let k = min(requested, n - (excludingSelf ? 1 : 0))
        guard k > 0 else { return Array(repeating: [], count: queries.rows) }
        let q = Self.normalizedRows(queries)
        var result = [[Int]](repeating: [], count: queries.rows)
        let block = 256
        var similarities = Tensor(zeros: [block, n])
        var start = 0
        while start < q.rows {
            let m = min(block, q.rows - start)
            BLAS.gemm(q[rows: start..<(start + m)], references, transposeB: true, into: &similarities, rows: 0..<m)
            let blockStart = start
            result.withUnsafeMutableBufferPointer { pr in
                let out = UncheckedSendable(pr)
                similarities.data.withUnsafeBufferPointer { ps in
                    let sims = UncheckedSendable(ps)
                    Parallel.forEachChunk(m, minimumPerChunk: 16) { range in
                        var bestIndex = [Int](repeating: 0, count: k)
                        var bestValue = [Float](repeating: 0, count: k)
                        for i in range {
                            let row = sims.value.baseAddress! + i * n
                            var filled = 0
                            for j in 0..<n {
                                if excludingSelf && j == blockStart + i { continue }
                                let v = row[j]
                                if filled == k && v <= bestValue[k - 1] { continue }
                                // Insert into the descending buffer; among equal similarities the lower index stays first.
                                var pos = filled == k ? k - 1 : filled
                                if filled < k { filled += 1 }
                                while pos > 0 && bestValue[pos - 1] < v {
                                    bestValue[pos] = bestValue[pos - 1]; bestIndex[pos] = bestIndex[pos - 1]; pos -= 1
                                }
                                bestValue[pos] = v; bestIndex[pos] = j
                            }
                            out.value[blockStart + i] = Array(bestIndex[0..<filled])
                        }
                    }
                }
            }
            start += m
        }
        return result
    }
}
