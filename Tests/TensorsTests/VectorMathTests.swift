import XCTest
import Foundation
import Tensors

final class VectorMathTests: XCTestCase {
    func testExpMatchesLibm() {
        var worst: Double = 0
        var x: Float = -80
        while x < 80 {
            let v = VectorMath.exp(SIMD8(repeating: x))[0]
            let ref = Foundation.exp(Double(x))
            worst = max(worst, abs(Double(v) - ref) / ref)
            x += 0.0137
        }
        XCTAssertLessThan(worst, 5e-7, "relative error of vectorised exp")
    }

    func testErfMatchesLibm() {
        var worst: Double = 0
        var x: Float = -6
        while x < 6 {
            let v = VectorMath.erf(SIMD8(repeating: x))[3]
            worst = max(worst, abs(Double(v) - Foundation.erf(Double(x))))
            x += 0.001
        }
        XCTAssertLessThan(worst, 6e-7, "absolute error of vectorised erf (A&S 7.1.26: 1.5e-7, plus float rounding)")
    }

    func testMapHandlesTail() {
        let input: [Float] = (0..<13).map { Float($0) * 0.1 }
        var out = [Float](repeating: -1, count: 13)
        input.withUnsafeBufferPointer { i in
            out.withUnsafeMutableBufferPointer { o in
                VectorMath.map(i.baseAddress!, o.baseAddress!, count: 13) { VectorMath.exp($0) }
            }
        }
        for k in 0..<13 { XCTAssertEqual(Double(out[k]), Foundation.exp(Double(input[k])), accuracy: 1e-5) }
    }

    func testGemmAgainstNaiveProduct() {
        var rng = SeededRandom(seed: 1)
        let a = Tensor(shape: [5, 7], data: (0..<35).map { _ in Float(rng.normal()) })
        let b = Tensor(shape: [7, 3], data: (0..<21).map { _ in Float(rng.normal()) })
        let c = BLAS.matmul(a, b)
        for i in 0..<5 { for j in 0..<3 {
            var s: Float = 0
            for k in 0..<7 { s += a.data[i * 7 + k] * b.data[k * 3 + j] }
            XCTAssertEqual(c.data[i * 3 + j], s, accuracy: 1e-5)
        } }
        // Transposed operands give the same product.
        let at = Tensor(shape: [7, 5], data: (0..<35).map { a.data[($0 % 5) * 7 + $0 / 5] })
        XCTAssertLessThan(BLAS.matmul(at, b, transposeA: true).maxAbsDifference(c), 1e-5)
    }

    func testParallelCoversEveryIndexOnce() {
        let n = 1003
        var hits = [Int](repeating: 0, count: n)
        hits.withUnsafeMutableBufferPointer { h in
            let p = h.baseAddress!
            Parallel.forEach(n) { p[$0] += 1 }
        }
        XCTAssertEqual(hits, [Int](repeating: 1, count: n))
    }
}
