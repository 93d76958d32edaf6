import XCTest
import Analysis

final class MisfitTests: XCTestCase {
    func testMisfitHandComputed() {
        // Student probabilities 0.5, 0.75 (margins 0, ln 3); supervisor 0.75, 0.5.
        let ln3 = Float(log(3.0))
        let m = Misfit(student: [0, ln3], supervisor: [ln3, 0])
        XCTAssertEqual(m.squared, 0.0625, accuracy: 1e-7)   // (0.25² + 0.25²) / 2
        // (KL(0.75‖0.5) + KL(0.5‖0.75)) / 2 = (0.130812 + 0.143841) / 2: the supervisor's distribution comes first.
        XCTAssertEqual(m.kl, 0.137327, accuracy: 1e-6)
        let same = Misfit(student: [2, -30, 40], supervisor: [2, -30, 40])
        XCTAssertEqual(same.squared, 0); XCTAssertEqual(same.kl, 0, accuracy: 1e-12)
        // Confident margins neither overflow nor saturate: KL(σ(20)‖σ(−20)) ≈ log(1/σ(−20)) ≈ 20 nats.
        XCTAssertEqual(Misfit(student: [-20], supervisor: [20]).kl, 20, accuracy: 1e-6)
        XCTAssertEqual(Misfit(student: [-20], supervisor: [20]).squared, 1, accuracy: 1e-8)
    }

    func testBrierScoreHandComputed() {
        XCTAssertEqual(brierScore(margins: [Float(log(3.0)), 0], labels: [1, 0]), 0.15625, accuracy: 1e-7)   // (0.25² + 0.5²) / 2
    }

    func testPearsonCorrelationHandComputed() {
        XCTAssertEqual(pearsonCorrelation([1, 2, 3], [2, 4, 7])!, 5 / 25.333333333.squareRoot(), accuracy: 1e-9)
        XCTAssertEqual(pearsonCorrelation([1, 2, 3], [3, 2, 1])!, -1, accuracy: 1e-12)
        XCTAssertNil(pearsonCorrelation([1, 2], [2, 4]), "two points always lie on a line")
        XCTAssertNil(pearsonCorrelation([1, 1, 1], [2, 4, 7]))
    }
}
