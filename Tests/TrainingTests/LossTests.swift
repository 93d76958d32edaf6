import XCTest
import Foundation
import Tensors
import Training

final class LossTests: XCTestCase {
    let logits = Tensor(shape: [4, 2], data: [1, 3, 0, 0, 2, -1, -0.5, 0.7])
    let targets: [Float] = [0.25, 1, 0.1, 0.6]

    func value<L: ClassificationLoss>(_ loss: L, _ z: Tensor, step: Int = 50, total: Int = 100) -> (Float, Tensor) {
        var copy = loss
        var g = Tensor(zeros: z.shape)
        let v = copy.lossAndGradient(logits: z, targets: targets, step: step, totalSteps: total, gradient: &g)
        return (v, g)
    }

    /// One example's loss and gradient against `target`.
    func value<L: ClassificationLoss>(_ loss: L, _ z: Tensor, target: Float) -> (Float, Tensor) {
        var copy = loss
        var g = Tensor(zeros: z.shape)
        let v = copy.lossAndGradient(logits: z, targets: [target], step: 0, totalSteps: 1, gradient: &g)
        return (v, g)
    }

    /// Central differences in Double around each logit, against the analytic gradient.
    func assertGradientMatches<L: ClassificationLoss>(_ loss: L, _ name: String, file: StaticString = #filePath, line: UInt = #line) {
        let (_, analytic) = value(loss, logits)
        for i in 0..<logits.count {
            var plus = logits, minus = logits
            plus.data[i] += 1e-2; minus.data[i] -= 1e-2
            let numeric = (Double(value(loss, plus).0) - Double(value(loss, minus).0)) / 2e-2
            XCTAssertEqual(Double(analytic.data[i]), numeric, accuracy: 2e-3, "\(name) ∂/∂z[\(i)]", file: file, line: line)
        }
    }

    func testCrossEntropyHandComputed() {
        let single = Tensor(shape: [1, 2], data: [1, 3])
        var loss = CrossEntropyLoss()
        var g = Tensor(zeros: [1, 2])
        let v = loss.lossAndGradient(logits: single, targets: [0.25], step: 0, totalSteps: 1, gradient: &g)
        XCTAssertEqual(v, 1.626928, accuracy: 1e-5)   // −(0.75·log p0 + 0.25·log p1), p1 = σ(2)
        XCTAssertEqual(g.data[1], 0.880797 - 0.25, accuracy: 1e-5)
        XCTAssertEqual(g.data[0], 0.119203 - 0.75, accuracy: 1e-5)
        assertGradientMatches(CrossEntropyLoss(), "xent")
    }

    func testEntropyTermHasRealGradient() {
        let single = Tensor(shape: [1, 2], data: [1, 3])
        var full = EntropyLoss(alphaMax: 1, warmupFraction: 0)
        var g = Tensor(zeros: [1, 2])
        let h = full.lossAndGradient(logits: single, targets: [0.25], step: 0, totalSteps: 10, gradient: &g)
        XCTAssertEqual(h, 0.365336, accuracy: 1e-5)   // H(σ(2)) in nats
        XCTAssertGreaterThan(abs(g.data[1]), 0.05, "an entropy term must push the logits")
        // Differs from (1−α)·CE, which is what a detached entropy term would leave.
        let (_, entropyGradient) = value(EntropyLoss(alphaMax: 0.5, warmupFraction: 0), logits)
        let (_, ceGradient) = value(CrossEntropyLoss(), logits)
        let difference = (0..<8).map { abs(entropyGradient.data[$0] - 0.5 * ceGradient.data[$0]) }.max()!
        XCTAssertGreaterThan(difference, 1e-2)
        assertGradientMatches(EntropyLoss(alphaMax: 0.5, warmupFraction: 0.2), "entropy")
    }

    func testAlphaWarmsUpLinearlyWithoutJump() {
        let loss = LogConfidenceLoss(alphaMax: 0.5, warmupFraction: 0.2)
        XCTAssertEqual(loss.alpha(step: 0, totalSteps: 100), 0)
        XCTAssertEqual(loss.alpha(step: 10, totalSteps: 100), 0.25, accuracy: 1e-6)
        XCTAssertEqual(loss.alpha(step: 20, totalSteps: 100), 0.5, accuracy: 1e-6)
        XCTAssertEqual(loss.alpha(step: 90, totalSteps: 100), 0.5, accuracy: 1e-6)
        var previous: Float = 0
        for s in 0...100 {
            let a = loss.alpha(step: s, totalSteps: 100)
            XCTAssertLessThanOrEqual(a - previous, 0.5 / 20 + 1e-6, "α must not jump (step \(s))")
            previous = a
        }
    }

    func testLogConfidenceHardensAgainstMedianOfRecentPredictions() {
        // At α_max with warm-up done, the target mixes half weak label and half hardened prediction.
        var loss = LogConfidenceLoss(alphaMax: 0.5, warmupFraction: 0.2, threshold: .median(window: 32))
        var g = Tensor(zeros: [4, 2])
        _ = loss.lossAndGradient(logits: logits, targets: targets, step: 99, totalSteps: 100, gradient: &g)
        // Predictions σ(z1−z0): [0.881, 0.5, 0.047, 0.769]; median 0.634 → hardened [1, 0, 0, 1].
        let p: [Float] = [0.880797, 0.5, 0.047426, 0.768525]
        let hard: [Float] = [1, 0, 0, 1]
        for i in 0..<4 {
            let y = 0.5 * targets[i] + 0.5 * hard[i]
            XCTAssertEqual(g.data[2 * i + 1], (p[i] - y) / 4, accuracy: 1e-5)
        }
        assertGradientMatches(LogConfidenceLoss(alphaMax: 0.5, warmupFraction: 0.2), "logconf")
        // The rolling window keeps only the last 32 predictions.
        var windowed = LogConfidenceLoss(threshold: .median(window: 4))
        let low = windowed.currentThreshold(predictions: [0.1, 0.1, 0.1, 0.1], targets: [0, 0, 0, 0])
        let high = windowed.currentThreshold(predictions: [0.9, 0.9, 0.9, 0.9], targets: [0, 0, 0, 0])
        XCTAssertEqual(low, 0.1, accuracy: 1e-6)
        XCTAssertEqual(high, 0.9, accuracy: 1e-6)
    }

    func testBatchBalancedThresholdMatchesWeakBalance() {
        var loss = LogConfidenceLoss(threshold: .batchBalanced)
        let predictions: [Float] = [0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8, 0.9]
        let t = loss.currentThreshold(predictions: predictions, targets: [1, 1, 0, 0, 0, 0, 0, 0])  // 25% positive
        XCTAssertEqual(predictions.filter { $0 > t }.count, 2)
        let t2 = loss.currentThreshold(predictions: predictions, targets: [1, 1, 1, 1, 0.9, 0.8, 0, 0])
        XCTAssertEqual(predictions.filter { $0 > t2 }.count, 6)
    }

    func testConfidenceWindowTrainsOnlyOnUnconfidentExamples() {
        let threshold = ConfidenceWindowLoss.medianConfidence([0.9, 0.6, 0.2, 0.45])  // |·−½|: .4 .1 .3 .05 → median .2
        XCTAssertEqual(threshold, 0.2, accuracy: 1e-6)
        let (_, g) = value(ConfidenceWindowLoss(threshold: 0.3), logits)
        // Predictions 0.881 and 0.047 are outside the window: no gradient.
        XCTAssertEqual(g.data[0], 0); XCTAssertEqual(g.data[1], 0)
        XCTAssertEqual(g.data[4], 0); XCTAssertEqual(g.data[5], 0)
        XCTAssertNotEqual(g.data[3], 0)
        assertGradientMatches(ConfidenceWindowLoss(threshold: 0.3), "window")
    }

    func testGeneralizedCrossEntropyHandComputed() {
        // p1 = σ(2) = 0.880797, t = 0.25, q = 0.7: (0.25·(1 − p1^0.7) + 0.75·(1 − p0^0.7)) / 0.7.
        let single = Tensor(shape: [1, 2], data: [1, 3])
        var loss = GeneralizedCrossEntropyLoss()
        var g = Tensor(zeros: [1, 2])
        let v = loss.lossAndGradient(logits: single, targets: [0.25], step: 0, totalSteps: 1, gradient: &g)
        XCTAssertEqual(v, 0.860043, accuracy: 1e-5)
        XCTAssertEqual(g.data[1], 0.121785, accuracy: 1e-5)   // −t·p1^q·p0 + (1 − t)·p0^q·p1
        XCTAssertEqual(g.data[0], -0.121785, accuracy: 1e-5)
        // A hard label: (1 − p1^q)/q; q = 1 is the mean absolute error 1 − p1.
        XCTAssertEqual(value(GeneralizedCrossEntropyLoss(), single, target: 1).0, 0.121453, accuracy: 1e-5)
        XCTAssertEqual(value(GeneralizedCrossEntropyLoss(q: 1), single, target: 1).0, 1 - 0.880797, accuracy: 1e-5)
        // On a soft label the optimum is the label's log-odds scaled by 1/(1 − q): t = 0.75, q = 0.7 → margin ln 3 / 0.3.
        let optimum = Float(log(3.0) / 0.3)
        XCTAssertEqual(value(GeneralizedCrossEntropyLoss(), Tensor(shape: [1, 2], data: [0, optimum]), target: 0.75).1.data[1], 0, accuracy: 1e-6)
        XCTAssertLessThan(value(GeneralizedCrossEntropyLoss(), Tensor(shape: [1, 2], data: [0, log(3)]), target: 0.75).1.data[1], -1e-3,
                          "at the label's own log-odds GCE still pushes towards the likelier class")
        assertGradientMatches(GeneralizedCrossEntropyLoss(), "gce")
        assertGradientMatches(GeneralizedCrossEntropyLoss(q: 0.3), "gce q=0.3")
    }

    func testSymmetricCrossEntropyHandComputed() {
        // t = 0.25, p1 = σ(2): CE = 1.626928; RCE = −(p0·log 0.75 + p1·log 0.25) = 1.255337; 0.1·CE + 1·RCE.
        let single = Tensor(shape: [1, 2], data: [1, 3])
        let (v, g) = value(SymmetricCrossEntropyLoss(), single, target: 0.25)
        XCTAssertEqual(v, 1.418029, accuracy: 1e-5)
        XCTAssertEqual(g.data[1], 0.178427, accuracy: 1e-5)   // α(p1 − t) − β·p0·p1·(log t − log(1 − t))
        XCTAssertEqual(g.data[0], -0.178427, accuracy: 1e-5)
        // A hard label: log 0 is clamped to A = −4, so RCE = 4·p0.
        XCTAssertEqual(value(SymmetricCrossEntropyLoss(alpha: 0, beta: 1), single, target: 1).0, 4 * 0.119203, accuracy: 1e-5)
        XCTAssertEqual(value(SymmetricCrossEntropyLoss(), single, target: 1).0, 0.489504, accuracy: 1e-5)
        // A label below e^−4 is clamped too: t = 0.01 reads as log t = −4, not −4.6.
        XCTAssertEqual(value(SymmetricCrossEntropyLoss(alpha: 0, beta: 1), single, target: 0.01).0,
                       Float(-(0.119203 * log(0.99) + 0.880797 * -4)), accuracy: 1e-5)
        assertGradientMatches(SymmetricCrossEntropyLoss(), "sce")
        assertGradientMatches(SymmetricCrossEntropyLoss(alpha: 1, beta: 0.5), "sce α=1 β=0.5")
    }

    func testLossNamesAndLabels() throws {
        for name in LossKind.names { XCTAssertEqual(try LossKind(parsing: name).parsedName, name) }
        XCTAssertEqual(try LossKind(parsing: "gce"), .gce(q: 0.7))
        XCTAssertEqual(try LossKind(parsing: "sce"), .sce(alpha: 0.1, beta: 1))
        XCTAssertEqual(LossKind.gce().label, "gce")
        XCTAssertEqual(try LossKind(parsing: "gce", gceQ: 0.5).label, "gce(q=0.5)")
        XCTAssertEqual(LossKind.sce().label, "sce")
        XCTAssertEqual(try LossKind(parsing: "sce", sceAlpha: 1, sceBeta: 1).label, "sce(α=1)")
        XCTAssertEqual(LossKind.sce(alpha: 6, beta: 0.1).label, "sce(α=6,β=0.1)")
        XCTAssertThrowsError(try LossKind(parsing: "gce", gceQ: 0))
        XCTAssertThrowsError(try LossKind(parsing: "sce", sceAlpha: 0, sceBeta: 0))
        XCTAssertThrowsError(try LossKind(parsing: "hinge")) { error in
            XCTAssertTrue("\(error)".contains("gce") && "\(error)".contains("sce"), "the error lists every name: \(error)")
        }
    }

    func testLossKindParsing() throws {
        XCTAssertEqual(try LossKind(parsing: "xent"), .xent)
        XCTAssertEqual(try LossKind(parsing: "logconf-balanced").name, "logconf")
        XCTAssertThrowsError(try LossKind(parsing: "hinge"))
        // A later ramp: α reaches α_max at half of training (step 20 of 40), so at step 10 it is 0.25.
        XCTAssertEqual(try LossKind(parsing: "logconf", alphaMax: 0.5, warmupFraction: 0.5), .logconf(alphaMax: 0.5, warmupFraction: 0.5))
        XCTAssertEqual(try LossKind(parsing: "entropy", alphaMax: 0.4, warmupFraction: 0.5), .entropy(alphaMax: 0.4, warmupFraction: 0.5))
        let loss = LogConfidenceLoss(alphaMax: 0.5, warmupFraction: 0.5)
        XCTAssertEqual(loss.alpha(step: 10, totalSteps: 40), 0.25, accuracy: 1e-7)
        XCTAssertEqual(loss.alpha(step: 20, totalSteps: 40), 0.5, accuracy: 1e-7)
    }
}
