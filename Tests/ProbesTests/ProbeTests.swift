import Foundation
import Probes
import Tensors
import XCTest

final class LogisticRegressionTests: XCTestCase {
    /// x = ±1 with soft labels p and 1 − p: by symmetry b = 0 and w solves σ(w) − p + 2λw = 0.
    func testSymmetricOneDimensionalCaseMatchesItsScalarEquation() throws {
        let p: Float = 0.8, lambda = 1e-2
        let x = Tensor(shape: [6, 1], data: [1, 1, 1, -1, -1, -1])
        let y: [Float] = [p, p, p, 1 - p, 1 - p, 1 - p]
        let model = try LogisticRegression(features: x, labels: y, penalty: lambda)
        var lo = 0.0, hi = 10.0   // bisection on the monotone scalar equation
        for _ in 0..<200 {
            let mid = (lo + hi) / 2
            if 1 / (1 + exp(-mid)) - Double(p) + 2 * lambda * mid > 0 { hi = mid } else { lo = mid }
        }
        XCTAssertEqual(model.weights[0], lo, accuracy: 1e-9)
        XCTAssertEqual(model.bias, 0, accuracy: 1e-9)
        XCTAssertEqual(Double(model.predict(Tensor(shape: [1, 1], data: [1]))[0]), 1 / (1 + exp(-lo)), accuracy: 1e-6)
    }

    func testHugePenaltyGivesTheBaseRate() throws {
        var rng = SeededRandom(seed: 3)
        let x = Tensor(shape: [40, 3], data: (0..<120).map { _ in Float(rng.normal()) })
        let y = (0..<40).map { Float($0 % 4 == 0 ? 1 : 0) }
        let model = try LogisticRegression(features: x, labels: y, penalty: 1e9)
        XCTAssertEqual(model.bias, log(0.25 / 0.75), accuracy: 1e-6)
        XCTAssertLessThan(model.weights.map(abs).max()!, 1e-8)
    }

    /// At the optimum the gradient of the stated objective vanishes (checked here independently).
    func testSolutionSatisfiesTheOptimalityCondition() throws {
        var rng = SeededRandom(seed: 7)
        let n = 200, d = 5
        let x = Tensor(shape: [n, d], data: (0..<(n * d)).map { _ in Float(rng.normal()) * 2 + 1 })
        let y = (0..<n).map { r -> Float in
            let z = x.data[r * d] - 0.5 * x.data[r * d + 1]
            return 1 / (1 + exp(-z))   // soft labels
        }
        let lambda = 1e-2
        let model = try LogisticRegression(features: x, labels: y, penalty: lambda)
        // Standardise as documented, then evaluate the gradient.
        var mean = [Double](repeating: 0, count: d), sd = [Double](repeating: 0, count: d)
        for j in 0..<d {
            let col = (0..<n).map { Double(x.data[$0 * d + j]) }
            mean[j] = col.reduce(0, +) / Double(n)
            sd[j] = (col.map { ($0 - mean[j]) * ($0 - mean[j]) }.reduce(0, +) / Double(n)).squareRoot()
        }
        var gradient = [Double](repeating: 0, count: d + 1)
        for r in 0..<n {
            let features = (0..<d).map { (Double(x.data[r * d + $0]) - mean[$0]) / sd[$0] }
            let z = model.bias + zip(features, model.weights).reduce(0) { $0 + $1.0 * $1.1 }
            let residual = 1 / (1 + exp(-z)) - Double(y[r])
            for j in 0..<d { gradient[j] += residual * features[j] / Double(n) }
            gradient[d] += residual / Double(n)
        }
        for j in 0..<d { gradient[j] += 2 * lambda * model.weights[j] }
        XCTAssertLessThan(gradient.map(abs).max()!, 1e-8)
        XCTAssertGreaterThan(model.weights[0], 0.5)    // the informative directions are found
        XCTAssertLessThan(model.weights[1], -0.2)
    }

    func testBadInputIsRejected() {
        let x = Tensor(shape: [2, 2], data: [1, .nan, 0, 1])
        XCTAssertThrowsError(try LogisticRegression(features: x, labels: [0, 1])) { error in
            XCTAssertTrue("\(error)".contains("NaN"))
        }
        XCTAssertThrowsError(try LogisticRegression(features: Tensor(zeros: [3, 2]), labels: [0, 1]))
        XCTAssertThrowsError(try LogisticRegression(features: Tensor(zeros: [2, 2]), labels: [0, 2]))
    }
}

final class NearestNeighborTests: XCTestCase {
    /// Unit vectors at the given angles (degrees), scaled by different lengths: cosine ignores length.
    func points(_ degrees: [Double]) -> Tensor {
        var data: [Float] = []
        for (i, a) in degrees.enumerated() {
            let radians = a * Double.pi / 180, length = Double(i + 1)
            data += [Float(cos(radians) * length), Float(sin(radians) * length)]
        }
        return Tensor(shape: [degrees.count, 2], data: data)
    }

    func testKNNPredictionIsTheMeanOfTheNearestSoftLabels() throws {
        let train = points([0, 10, 25, 90, 100])
        let probe = try KNNProbe(features: train, labels: [1, 0.5, 0, 0.2, 0.4], k: 2)
        // 4° is nearest to 0° and 10°; 96° is nearest to 100° and 90°; 40° to 25° and 10°.
        let predictions = probe.predict(points([4, 96, 40]))
        XCTAssertEqual(predictions[0], 0.75, accuracy: 1e-6)
        XCTAssertEqual(predictions[1], 0.3, accuracy: 1e-6)
        XCTAssertEqual(predictions[2], 0.25, accuracy: 1e-6)
        // Leave-one-out: 0° → {10°, 25°}, 90° → {100°, 25°}.
        let inSample = probe.predictTrainingPoints()
        XCTAssertEqual(inSample[0], 0.25, accuracy: 1e-6)
        XCTAssertEqual(inSample[3], 0.2, accuracy: 1e-6)
    }

    func testNeighborsAreSortedAndKIsCappedByThePool() {
        let search = NearestNeighbors(references: points([0, 30, 60]))
        XCTAssertEqual(search.neighbors(of: points([50]), k: 3)[0], [2, 1, 0])
        XCTAssertEqual(search.neighbors(of: search.references, k: 10, excludingSelf: true)[1].sorted(), [0, 2])
    }
}

final class FilterTests: XCTestCase {
    /// Two classes on orthogonal directions, with `planted` class-0-looking points labelled 1.
    func plantedData(clean: Int, planted: Int) -> (Tensor, [Float], Set<Int>) {
        var rng = SeededRandom(seed: 11)
        let d = 8
        var data: [Float] = [], labels: [Float] = []
        for i in 0..<clean {
            let cls = i % 2
            for j in 0..<d { data.append((j == cls ? 6 : 0) + Float(rng.normal())) }
            labels.append(Float(cls) * 0.9 + 0.05)
        }
        for _ in 0..<planted {
            for j in 0..<d { data.append((j == 0 ? 6 : 0) + Float(rng.normal())) }
            labels.append(0.95)   // looks like class 0, labelled class 1
        }
        return (Tensor(shape: [clean + planted, d], data: data), labels, Set(clean..<(clean + planted)))
    }

    /// TopoCC alone removes every planted outlier, and what it keeps is each class's largest strongly connected
    /// component, checked against an independent computation: i and j share a component when each reaches the
    /// other in the transitive closure (Floyd–Warshall) of the same-class kNN graph.
    func testTopoFilterRemovesPlantedOutliersAndKeepsEachClasssLargestStrongComponent() throws {
        let (x, y, planted) = plantedData(clean: 200, planted: 10)
        let n = 210, k = 10
        let result = try TopoFilter(componentK: k, zetaK: k, fraction: 10.0 / 210).filter(features: x, labels: y)
        XCTAssertTrue(planted.isDisjoint(with: result.kept))
        XCTAssertTrue(result.componentsExceededTarget, "the anti-hubs of the clean clusters go too")

        let search = NearestNeighbors(references: x)
        let graph = search.neighbors(of: search.references, k: k, excludingSelf: true)
        let positive = y.map { $0 > 0.5 }
        var reach = [[Bool]](repeating: [Bool](repeating: false, count: n), count: n)
        for i in 0..<n { reach[i][i] = true; for j in graph[i] where positive[j] == positive[i] { reach[i][j] = true } }
        for m in 0..<n { for i in 0..<n where reach[i][m] { for j in 0..<n where reach[m][j] { reach[i][j] = true } } }
        var expected: [Int] = []
        for cls in [false, true] {
            let members = (0..<n).filter { positive[$0] == cls }
            let largest = members.map { i in members.filter { reach[i][$0] && reach[$0][i] } }.max { $0.count < $1.count }!
            expected += largest
        }
        XCTAssertEqual(result.kept, expected.sorted())
    }

    /// Tarjan on hand graphs: a 3-cycle with a tail into it, a 2-cycle, a node with no edges.
    func testStronglyConnectedComponents() {
        let c = TopoFilter.stronglyConnectedComponents([[1], [2], [0], [0], [5], [4], []])
        XCTAssertEqual(Set([c[0], c[1], c[2]]).count, 1)
        XCTAssertEqual(c[4], c[5])
        XCTAssertEqual(Set([c[0], c[3], c[4], c[6]]).count, 4)
    }

    /// TopoCC keeps each class's largest *strongly* connected component of the directed kNN graph (EleutherAI's
    /// `topo_cc`). Positives at 0°, 10°, 30°, 70° with k = 1 (cosine): 0 ↔ 10, 30 → 10, 70 → 30. Weakly connected
    /// they are one component and nothing would go; strongly, 30° and 70° are anti-hubs (no positive points at
    /// them) and are removed. The negatives (180°, 190°) point at each other and stay.
    func testTopoCCUsesStrongConnectivity() throws {
        var data: [Float] = []
        for degrees in [0.0, 10, 30, 70, 180, 190] {
            data += [Float(cos(degrees * .pi / 180)), Float(sin(degrees * .pi / 180))]
        }
        let result = try TopoFilter(componentK: 1, zetaK: 1, fraction: 0.1)
            .filter(features: Tensor(shape: [6, 2], data: data), labels: [1, 1, 1, 1, 0, 0])
        XCTAssertEqual(result.kept, [0, 1, 4, 5])
        XCTAssertEqual(result.removedByComponents, 2)
        XCTAssertTrue(result.componentsExceededTarget)
    }

    func testTopoFilterHitsTheTargetFractionAndReportsWhenComponentsAloneExceedIt() throws {
        let (x, y, planted) = plantedData(clean: 200, planted: 10)
        let result = try TopoFilter(componentK: 10, zetaK: 10, fraction: 0.1).filter(features: x, labels: y)
        XCTAssertEqual(result.kept.count, 210 - 21)
        XCTAssertTrue(planted.isDisjoint(with: result.kept))
        let small = try TopoFilter(componentK: 10, zetaK: 10, fraction: 0.02).filter(features: x, labels: y)
        XCTAssertTrue(small.componentsExceededTarget)
        XCTAssertEqual(small.removedByZeta, 0)
    }

    func testDisagreementFilterRemovesExactlyTheRequestedFraction() throws {
        let labels = (0..<95).map { Float($0 % 2) }
        var probe = labels
        for i in [3, 17, 40, 41, 88] { probe[i] = 1 - probe[i] }          // strong disagreement
        for i in [5, 6, 7, 8, 9] { probe[i] = abs(labels[i] - 0.4) }       // mild disagreement
        let kept = try LabelFilter.keepAgreeing(probe: probe, labels: labels, fraction: 0.1)
        XCTAssertEqual(kept.count, 95 - 10)   // round(9.5) = 10
        XCTAssertEqual(Set(0..<95).subtracting(kept), [3, 17, 40, 41, 88, 5, 6, 7, 8, 9])
        XCTAssertEqual(try LabelFilter.keepAgreeing(probe: probe, labels: labels, fraction: 0).count, 95)
        XCTAssertThrowsError(try LabelFilter.keepAgreeing(probe: probe, labels: labels, fraction: 1))
    }
}
