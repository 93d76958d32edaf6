/// A dense, row-major Float32 array with a shape. Value semantics (copy-on-write through `[Float]`).
///
/// Deliberately small: GEMMs read tensors through matrix views (`MatrixView.swift`), and hot loops work on raw
/// buffers through `withUnsafe…` so they never allocate.
public struct Tensor: Sendable, Equatable {
    public private(set) var shape: [Int]
    public var data: [Float]

    public init(shape: [Int], data: [Float]) {
        precondition(shape.reduce(1, *) == data.count,
                     "Tensor shape \(shape) needs \(shape.reduce(1, *)) values, got \(data.count)")
        self.shape = shape
        self.data = data
    }

    public init(zeros shape: [Int]) {
        self.init(shape: shape, data: [Float](repeating: 0, count: shape.reduce(1, *)))
    }

    /// A tensor whose values are arbitrary, for outputs the caller writes in full before reading any (a GEMM with
    /// beta 0, an elementwise map): zero-filling them first was 3–4% of `perf` samples on MiniLM (`memset`).
    public init(uninitialized shape: [Int]) {
        let n = shape.reduce(1, *)
        self.init(shape: shape, data: [Float](unsafeUninitializedCapacity: n) { _, initialized in initialized = n })
    }

    public init(repeating value: Float, shape: [Int]) {
        self.init(shape: shape, data: [Float](repeating: value, count: shape.reduce(1, *)))
    }

    /// `rows` copies of `row`'s values, one per row: [rows, row.count] (a bias broadcast over the batch).
    public init(broadcasting row: Tensor, rows: Int) {
        let n = row.count
        self.init(shape: [rows, n], data: [Float](unsafeUninitializedCapacity: rows * n) { buffer, initialized in
            row.data.withUnsafeBufferPointer { source in
                for r in 0..<(n == 0 ? 0 : rows) { (buffer.baseAddress! + r * n).initialize(from: source.baseAddress!, count: n) }
            }
            initialized = rows * n
        })
    }

    public var count: Int { data.count }
    public var rank: Int { shape.count }
    /// Rows of the tensor viewed as a matrix: product of every dimension but the last.
    public var rows: Int { shape.count <= 1 ? 1 : shape.dropLast().reduce(1, *) }
    /// The last dimension.
    public var columns: Int { shape.last ?? 1 }

    /// Same values under another shape with the same element count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, data: data)
    }

    public mutating func reshape(_ newShape: [Int]) {
        precondition(newShape.reduce(1, *) == data.count, "cannot reshape \(shape) to \(newShape)")
        shape = newShape
    }

    public subscript(row row: Int) -> ArraySlice<Float> {
        data[(row * columns)..<((row + 1) * columns)]
    }

    public mutating func fill(_ value: Float) {
        data.withUnsafeMutableBufferPointer { p in
            for i in p.indices { p[i] = value }
        }
    }

    /// self += Σᵣ x[r, ·], one row after the other (a bias gradient); self holds x's column count.
    public mutating func addRowSums(of x: Tensor) {
        let n = x.columns
        precondition(count == n, "row sums of \(x.shape) into \(shape)")
        data.withUnsafeMutableBufferPointer { y in
            x.data.withUnsafeBufferPointer { rows in
                for r in 0..<x.rows { VectorMath.axpy(1, rows.baseAddress! + r * n, y.baseAddress!, count: n) }
            }
        }
    }

    /// Largest absolute element-wise difference; shapes must match.
    public func maxAbsDifference(_ other: Tensor) -> Float {
        precondition(shape == other.shape, "shape \(shape) vs \(other.shape)")
        var m: Float = 0
        for i in 0..<data.count { m = max(m, abs(data[i] - other.data[i])) }
        return m
    }
}
