import COpenBLAS
import Foundation
import Tensors

/// L2-regularised logistic regression on soft labels, the "logistic regression probe" of the EleutherAI
/// post (penalty 1e-2 there). Minimises
///     (1/n) Σᵢ BCE(σ(xᵢ·w + b), yᵢ) + λ‖w‖²        (bias not penalised)
/// over features standardised with the training rows' mean and deviation, so one λ suits every model and
/// layer. Solved by Newton's method with a backtracking line search in double precision: the objective is
/// strictly convex for λ > 0, so the solution is unique and found to machine precision in a few steps.
public struct LogisticRegression: Sendable {
    public let penalty: Double
    public private(set) var weights: [Double]
    public private(set) var bias: Double
    public private(set) var iterations: Int
    /// Standardisation of the training rows.
    let mean: [Double], scale: [Double]

    public init(features: Tensor, labels: [Float], penalty: Double = 1e-2, maxIterations: Int = 100) throws {
        try ProbeInput.validate(features: features, labels: labels, what: "logistic regression probe")
        guard penalty >= 0, penalty.isFinite else { throw ProbeError.invalid("logistic regression: penalty must be ≥ 0 (got \(penalty))") }
        self.penalty = penalty
        let n = features.rows, d = features.columns
        (mean, scale) = Self.standardisation(features)
        // Design matrix [x_standardised, 1], row-major n × (d + 1), double precision.
        let p = d + 1
        var design = [Double](repeating: 1, count: n * p)
        for r in 0..<n { for j in 0..<d { design[r * p + j] = (Double(features.data[r * d + j]) - mean[j]) / scale[j] } }
        let y = labels.map(Double.init)

        var theta = [Double](repeating: 0, count: p)
        let meanLabel = y.reduce(0, +) / Double(n)
        theta[d] = log(max(1e-12, meanLabel) / max(1e-12, 1 - meanLabel))   // the λ → ∞ solution
        var logits = [Double](repeating: 0, count: n)
        func objective(_ t: [Double]) -> Double {
            Self.multiply(design, rows: n, columns: p, by: t, into: &logits)
            var loss = 0.0
            for i in 0..<n {
                let z = logits[i]
                // BCE with logits, stable for large |z|: log(1 + e^z) − y z.
                loss += max(z, 0) + log1p(exp(-abs(z))) - y[i] * z
            }
            var norm = 0.0
            for j in 0..<d { norm += t[j] * t[j] }
            return loss / Double(n) + penalty * norm
        }
        var current = objective(theta)
        var iteration = 0
        var gradient = [Double](repeating: 0, count: p)
        var weighted = [Double](repeating: 0, count: n * p)
        var hessian = [Double](repeating: 0, count: p * p)
        while iteration < maxIterations {
            iteration += 1
            Self.multiply(design, rows: n, columns: p, by: theta, into: &logits)
            for j in 0..<p { gradient[j] = 0 }
            for i in 0..<n {
                let prob = 1 / (1 + exp(-logits[i]))
                let residual = (prob - y[i]) / Double(n)
                let curvature = prob * (1 - prob) / Double(n)
                for j in 0..<p {
                    gradient[j] += residual * design[i * p + j]
                    weighted[i * p + j] = curvature * design[i * p + j]
                }
            }
            for j in 0..<d { gradient[j] += 2 * penalty * theta[j] }
            if gradient.map(abs).max()! < 1e-10 { break }
            // H = Xᵀ S X / n + 2λ I_w (a tiny ridge keeps the bias block invertible when λ = 0).
            cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(p), Int32(p), Int32(n), 1,
                        design, Int32(p), weighted, Int32(p), 0, &hessian, Int32(p))
            for j in 0..<p { hessian[j * p + j] += (j < d ? 2 * penalty : 0) + 1e-12 }
            guard let step = Self.choleskySolve(hessian, gradient, size: p) else {
                throw ProbeError.invalid("logistic regression: the Hessian is singular; use a penalty > 0")
            }
            // Backtracking: Newton's full step is accepted near the optimum.
            var t = 1.0, accepted = false
            while t > 1e-10 {
                let candidate = zip(theta, step).map { $0 - t * $1 }
                let value = objective(candidate)
                let decrease = zip(gradient, step).reduce(0.0) { $0 + $1.0 * $1.1 }
                if value <= current - 1e-4 * t * decrease || value < current {
                    theta = candidate; current = value; accepted = true; break
                }
                t /= 2
            }
            if !accepted { break }   // no decrease possible in double precision: converged
        }
        weights = Array(theta[0..<d]); bias = theta[d]; iterations = iteration
    }

    /// P(class 1) for each row.
    public func predict(_ features: Tensor) -> [Float] {
        let d = weights.count
        precondition(features.columns == d, "logistic regression: feature width \(features.columns), trained on \(d)")
        return (0..<features.rows).map { r in
            var z = bias
            for j in 0..<d { z += (Double(features.data[r * d + j]) - mean[j]) / scale[j] * weights[j] }
            return Float(1 / (1 + exp(-z)))
        }
    }

    static func standardisation(_ x: Tensor) -> (mean: [Double], scale: [Double]) {
        let n = x.rows, d = x.columns
        var mean = [Double](repeating: 0, count: d), square = [Double](repeating: 0, count: d)
        for r in 0..<n { for j in 0..<d { let v = Double(x.data[r * d + j]); mean[j] += v; square[j] += v * v } }
        var scale = [Double](repeating: 1, count: d)
        for j in 0..<d {
            mean[j] /= Double(n)
            let variance = square[j] / Double(n) - mean[j] * mean[j]
            scale[j] = variance > 1e-12 ? variance.squareRoot() : 1
        }
        return (mean, scale)
    }

    static func multiply(_ a: [Double], rows: Int, columns: Int, by x: [Double], into y: inout [Double]) {
        cblas_dgemv(CblasRowMajor, CblasNoTrans, Int32(rows), Int32(columns), 1, a, Int32(columns), x, 1, 0, &y, 1)
    }

    /// Solves A x = b for symmetric positive definite A (LAPACK dposv, Cholesky); nil when A is not positive definite.
    static func choleskySolve(_ a: [Double], _ b: [Double], size n: Int) -> [Double]? {
        var matrix = a, x = b
        var size = Int32(n), one: Int32 = 1, info: Int32 = 0
        var upper = CChar(UInt8(ascii: "U"))
        dposv_(&upper, &size, &one, &matrix, &size, &x, &size, &info)
        return info == 0 ? x : nil
    }
}
