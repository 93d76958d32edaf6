/// Where a matrix sits in row-major storage: `rows × columns` values starting `offset` elements in, each row
/// `stride` elements after the previous one (BLAS's leading dimension). One attention head's columns of Q
/// inside [tokens, hidden] are `rows: tokens, columns: d, stride: hidden`.
public struct MatrixLayout: Sendable, Equatable {
    public var offset: Int, rows: Int, columns: Int, stride: Int

    public init(offset: Int = 0, rows: Int, columns: Int, stride: Int? = nil) {
        self.offset = offset; self.rows = rows; self.columns = columns; self.stride = stride ?? columns
    }

    /// The sub-matrix of the given rows and columns (all when nil), in the same storage.
    @inlinable
    public func window(rows r: Range<Int>?, columns c: Range<Int>?) -> MatrixLayout {
        let r = r ?? 0..<rows, c = c ?? 0..<columns
        precondition(r.lowerBound >= 0 && r.upperBound <= rows && c.lowerBound >= 0 && c.upperBound <= columns,
                     "window \(r) × \(c) outside a \(rows) × \(columns) matrix")
        return MatrixLayout(offset: offset + r.lowerBound * stride + c.lowerBound, rows: r.count, columns: c.count,
                            stride: stride)
    }

    /// Rows follow each other without gaps, so the values are `rows · columns` consecutive floats.
    public var isContiguous: Bool { stride == columns || rows <= 1 }
}

/// Something `BLAS.gemm` can read as a strided matrix: a whole `Tensor`, a `TensorView` window of one,
/// or a `SharedMatrix` inside a parallel region.
public protocol MatrixView {
    var layout: MatrixLayout { get }
    /// Calls `body` with the address of element (0, 0); valid only during the call.
    func withUnsafeMatrixPointer<R>(_ body: (UnsafePointer<Float>) throws -> R) rethrows -> R
}

extension Tensor: MatrixView {
    /// The tensor as a matrix: `rows` (every dimension but the last) × `columns` (the last).
    public var layout: MatrixLayout { MatrixLayout(rows: rows, columns: columns) }

    @inlinable
    public func withUnsafeMatrixPointer<R>(_ body: (UnsafePointer<Float>) throws -> R) rethrows -> R {
        try data.withUnsafeBufferPointer { try body($0.baseAddress!) }
    }

    /// A read-only window of the tensor viewed as a matrix, e.g. `q[rows: tokens, columns: head]`.
    /// Shares the storage (a reference, never a copy).
    @inlinable
    public subscript(rows rows: Range<Int>? = nil, columns columns: Range<Int>? = nil) -> TensorView {
        TensorView(data, layout.window(rows: rows, columns: columns))
    }
}

/// A read-only strided window of a tensor's values. Holds the storage array, so creating one costs a retain.
public struct TensorView: MatrixView, Sendable {
    public let data: [Float]
    public let layout: MatrixLayout

    @inlinable
    public init(_ data: [Float], _ layout: MatrixLayout) {
        precondition(layout.rows == 0 || layout.offset + (layout.rows - 1) * layout.stride + layout.columns <= data.count,
                     "\(layout) beyond \(data.count) values")
        self.data = data; self.layout = layout
    }

    @inlinable
    public func withUnsafeMatrixPointer<R>(_ body: (UnsafePointer<Float>) throws -> R) rethrows -> R {
        try data.withUnsafeBufferPointer { try body($0.baseAddress! + layout.offset) }
    }

    @inlinable
    public subscript(rows rows: Range<Int>? = nil, columns columns: Range<Int>? = nil) -> TensorView {
        TensorView(data, layout.window(rows: rows, columns: columns))
    }
}

/// A writable window of a tensor lent by `Tensor.withSharedMatrix` / `Tensor.sharing` for one scope, so that
/// the workers of a parallel region can write disjoint windows of it (a Swift array cannot be mutated from
/// two threads at once, even at different indices). Valid only inside the lending closure.
public struct SharedMatrix: MatrixView, @unchecked Sendable {
    /// Address of the tensor's first value (not of this window's: add `layout.offset`).
    public let base: UnsafeMutablePointer<Float>
    public let layout: MatrixLayout

    @inlinable
    public init(base: UnsafeMutablePointer<Float>, layout: MatrixLayout) {
        self.base = base; self.layout = layout
    }

    /// Address of element (0, 0) of this window.
    @inlinable
    public var pointer: UnsafeMutablePointer<Float> { base + layout.offset }

    @inlinable
    public func withUnsafeMatrixPointer<R>(_ body: (UnsafePointer<Float>) throws -> R) rethrows -> R {
        try body(pointer)
    }

    @inlinable
    public subscript(rows rows: Range<Int>? = nil, columns columns: Range<Int>? = nil) -> SharedMatrix {
        SharedMatrix(base: base, layout: layout.window(rows: rows, columns: columns))
    }

    /// self += x, for contiguous windows of one shape (one `VectorMath.axpy` over all values).
    @inlinable
    public func add(_ x: some MatrixView) {
        let l = x.layout
        precondition(l.rows == layout.rows && l.columns == layout.columns && l.isContiguous && layout.isContiguous,
                     "add needs contiguous matrices of one shape: \(l) vs \(layout)")
        x.withUnsafeMatrixPointer { VectorMath.axpy(1, $0, pointer, count: layout.rows * layout.columns) }
    }
}

extension Tensor {
    /// Lends the tensor's storage as a writable `SharedMatrix` (the tensor viewed as `rows × columns`) for `body`.
    @inlinable
    public mutating func withSharedMatrix<R>(_ body: (SharedMatrix) throws -> R) rethrows -> R {
        let layout = self.layout
        return try data.withUnsafeMutableBufferPointer { try body(SharedMatrix(base: $0.baseAddress!, layout: layout)) }
    }

    /// Lends several tensors' storage at once (see `withSharedMatrix`); the tensors must be distinct variables.
    @inlinable
    public static func sharing<R>(_ a: inout Tensor, _ b: inout Tensor,
                                  _ body: (SharedMatrix, SharedMatrix) throws -> R) rethrows -> R {
        try a.withSharedMatrix { a in try b.withSharedMatrix { b in try body(a, b) } }
    }

    @inlinable
    public static func sharing<R>(_ a: inout Tensor, _ b: inout Tensor, _ c: inout Tensor,
                                  _ body: (SharedMatrix, SharedMatrix, SharedMatrix) throws -> R) rethrows -> R {
        try sharing(&a, &b) { a, b in try c.withSharedMatrix { c in try body(a, b, c) } }
    }

    @inlinable
    public static func sharing<R>(_ a: inout Tensor, _ b: inout Tensor, _ c: inout Tensor, _ d: inout Tensor,
                                  _ body: (SharedMatrix, SharedMatrix, SharedMatrix, SharedMatrix) throws -> R) rethrows -> R {
        try sharing(&a, &b, &c) { a, b, c in try d.withSharedMatrix { d in try body(a, b, c, d) } }
    }
}
