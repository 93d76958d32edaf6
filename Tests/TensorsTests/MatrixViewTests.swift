import XCTest
import Tensors

final class MatrixViewTests: XCTestCase {
    var rng = SeededRandom(seed: 7)

    func random(_ shape: [Int]) -> Tensor {
        Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in Float(rng.normal()) })
    }

    /// Element (i, j) of op(view) read through the layout, for the naive reference.
    func element(_ view: TensorView, _ i: Int, _ j: Int, transposed: Bool) -> Float {
        let (r, c) = transposed ? (j, i) : (i, j)
        return view.data[view.layout.offset + r * view.layout.stride + c]
    }

    func testStridedWindowsMatchNaiveProduct() {
        // One "head" of columns inside wider matrices, as attention uses them; C a window of a larger tensor.
        let x = random([6, 8]), y = random([6, 8])
        for (ta, tb) in [(false, true), (true, false), (false, false), (true, true)] {
            let a = x[rows: 1..<5, columns: 2..<6]        // 4 × 4, stride 8
            let b = y[rows: 2..<6, columns: 4..<8]
            var c = random([7, 9])
            let before = c
            BLAS.gemm(a, b, transposeA: ta, transposeB: tb, alpha: 0.5, beta: 2, into: &c, rows: 2..<6, columns: 3..<7)
            for i in 0..<7 { for j in 0..<9 {
                let inside = (2..<6).contains(i) && (3..<7).contains(j)
                guard inside else { XCTAssertEqual(c.data[i * 9 + j], before.data[i * 9 + j]); continue }
                var s: Float = 0
                for k in 0..<4 { s += element(a, i - 2, k, transposed: ta) * element(b, k, j - 3, transposed: tb) }
                XCTAssertEqual(c.data[i * 9 + j], 0.5 * s + 2 * before.data[i * 9 + j], accuracy: 1e-5, "\(ta) \(tb)")
            } }
        }
    }

    func testGemmWritesInPlaceWithoutCopying() {
        let a = random([64, 32]), b = random([48, 32])
        var c = Tensor(zeros: [64, 48])
        let address = c.data.withUnsafeBufferPointer { $0.baseAddress }
        let aAddress = a.data.withUnsafeBufferPointer { $0.baseAddress }
        BLAS.gemm(a, b, transposeB: true, into: &c)
        BLAS.gemm(a[rows: 0..<32], b, transposeB: true, beta: 1, into: &c, rows: 32..<64)
        XCTAssertEqual(c.data.withUnsafeBufferPointer { $0.baseAddress }, address, "C was copied")
        XCTAssertEqual(a.data.withUnsafeBufferPointer { $0.baseAddress }, aAddress)
        XCTAssertEqual(c, { var r = BLAS.matmul(a, b, transposeB: true)
                            for i in 32..<64 { for j in 0..<48 { r.data[i * 48 + j] += r.data[(i - 32) * 48 + j] } }
                            return r }())
    }

    func testCSharingStorageWithAGetsFreshStorage() {
        let b = random([4, 4])
        var c = random([4, 4])
        let expected = BLAS.matmul(c, b)
        BLAS.gemm(c, b, into: &c)   // copy-on-write: A keeps reading the old values
        XCTAssertEqual(c, expected)
    }

    func testParallelWorkersWriteDisjointWindows() {
        let q = random([8, 12]), k = random([8, 12])
        var scores = Tensor(zeros: [3, 8, 8]), context = Tensor(zeros: [8, 12])
        Tensor.sharing(&scores, &context) { scores, context in
            BLAS.singleThreaded {
                Parallel.forEach(3) { head in
                    let columns = (head * 4)..<((head + 1) * 4), s = scores[rows: (head * 8)..<((head + 1) * 8)]
                    BLAS.gemm(q[columns: columns], k[columns: columns], transposeB: true, into: s)
                    BLAS.gemm(s, q[columns: columns], into: context[columns: columns])
                }
            }
        }
        for head in 0..<3 {
            let qh = Tensor(shape: [8, 4], data: (0..<32).map { q.data[($0 / 4) * 12 + head * 4 + $0 % 4] })
            let kh = Tensor(shape: [8, 4], data: (0..<32).map { k.data[($0 / 4) * 12 + head * 4 + $0 % 4] })
            let s = BLAS.matmul(qh, kh, transposeB: true)
            XCTAssertEqual(Array(scores.data[(head * 64)..<((head + 1) * 64)]), s.data)
            let ch = BLAS.matmul(s, qh)
            XCTAssertEqual((0..<32).map { context.data[($0 / 4) * 12 + head * 4 + $0 % 4] }, ch.data)
        }
    }

    func testBroadcastAndRowSums() {
        let bias = random([5]), x = random([3, 5])
        XCTAssertEqual(Tensor(broadcasting: bias, rows: 3).data, bias.data + bias.data + bias.data)
        var g = bias
        g.addRowSums(of: x)
        for j in 0..<5 { XCTAssertEqual(g.data[j], bias.data[j] + x.data[j] + x.data[5 + j] + x.data[10 + j], accuracy: 1e-6) }
    }
}
