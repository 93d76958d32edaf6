import XCTest
import Analysis

final class BootstrapIntervalTests: XCTestCase {
    /// Scores that separate the classes with a chosen amount of noise (deterministic).
    func scores(_ labels: [Int], noise: Float, salt: Int) -> [Float] {
        labels.enumerated().map { i, y in
            let u = Float((i * 7919 + salt * 104_729) % 1000) / 1000   // a fixed pseudo-random spread in [0, 1)
            return Float(y) * (1 - noise) + u * noise
        }
    }

    func testIdenticalScoresPinPGRAtZeroAndOne() throws {
        let labels = (0..<200).map { $0 % 2 }
        let weak = scores(labels, noise: 0.9, salt: 1), ceiling = scores(labels, noise: 0.5, salt: 2)
        let atCeiling = try XCTUnwrap(bootstrapPGRInterval(weak: weak, student: ceiling, ceiling: ceiling, labels: labels, resamples: 200))
        XCTAssertEqual(atCeiling.lower, 1, accuracy: 1e-12)
        XCTAssertEqual(atCeiling.upper, 1, accuracy: 1e-12)
        let atWeak = try XCTUnwrap(bootstrapPGRInterval(weak: weak, student: weak, ceiling: ceiling, labels: labels, resamples: 200))
        XCTAssertEqual(atWeak.lower, 0, accuracy: 1e-12)
        XCTAssertEqual(atWeak.upper, 0, accuracy: 1e-12)
        XCTAssertEqual(atWeak.usable, 200)
    }

    func testIntervalHoldsThePointEstimateIsSeededAndShrinksWithMoreData() throws {
        func interval(_ n: Int, seed: UInt64 = 0) throws -> (BootstrapInterval, Double) {
            let labels = (0..<n).map { $0 % 2 }
            let weak = scores(labels, noise: 0.95, salt: 1), student = scores(labels, noise: 0.85, salt: 3)
            let ceiling = scores(labels, noise: 0.75, salt: 2)
            let point = performanceGapRecovered(weak: rocAUC(scores: weak, labels: labels)!, student: rocAUC(scores: student, labels: labels)!,
                                                ceiling: rocAUC(scores: ceiling, labels: labels)!)!
            return (try XCTUnwrap(bootstrapPGRInterval(weak: weak, student: student, ceiling: ceiling, labels: labels,
                                                       resamples: 400, seed: seed)), point)
        }
        let (small, point) = try interval(400)
        XCTAssertLessThan(small.lower, point)
        XCTAssertGreaterThan(small.upper, point)
        XCTAssertEqual(try interval(400).0, small, "same seed, same interval")
        XCTAssertNotEqual(try interval(400, seed: 1).0, small)
        // Four times the examples: the interval narrows to about half (1/√4).
        let (large, _) = try interval(1600)
        let ratio = (large.upper - large.lower) / (small.upper - small.lower)
        XCTAssertGreaterThan(ratio, 0.3)
        XCTAssertLessThan(ratio, 0.7)
    }

    func testNoGapGivesNoInterval() {
        let labels = (0..<100).map { $0 % 2 }
        let same = scores(labels, noise: 0.8, salt: 1)
        XCTAssertNil(bootstrapPGRInterval(weak: same, student: same, ceiling: same, labels: labels, resamples: 50))
        XCTAssertNil(bootstrapPGRInterval(weak: [0.2], student: [0.3], ceiling: [0.9], labels: [1], resamples: 10))
    }

    /// Examples of one source question move together: when the student's quality is shared within groups
    /// (it copies the ceiling on some questions and the weak model on others), resampling examples one by
    /// one pretends there are eight times more independent draws than there are, so the interval is too
    /// narrow; the cluster bootstrap widens it. Singleton groups give the ordinary bootstrap, draw for draw.
    func testGroupedResamplingWidensTheIntervalUnderWithinGroupCorrelation() throws {
        let groupCount = 60, perGroup = 8
        let labels = (0..<(groupCount * perGroup)).map { $0 % 2 }
        let groups = labels.indices.map { $0 / perGroup }
        let weak = scores(labels, noise: 0.95, salt: 1), ceiling = scores(labels, noise: 0.6, salt: 2)
        let student = labels.indices.map { groups[$0] % 3 == 0 ? ceiling[$0] : weak[$0] }
        let flat = try XCTUnwrap(bootstrapPGRInterval(weak: weak, student: student, ceiling: ceiling, labels: labels, resamples: 400))
        let grouped = try XCTUnwrap(bootstrapPGRInterval(weak: weak, student: student, ceiling: ceiling, labels: labels,
                                                         groups: groups, resamples: 400))
        XCTAssertGreaterThan(grouped.upper - grouped.lower, 1.3 * (flat.upper - flat.lower),
                             "flat \(flat.lower)…\(flat.upper), grouped \(grouped.lower)…\(grouped.upper)")
        let singletons = try XCTUnwrap(bootstrapPGRInterval(weak: weak, student: student, ceiling: ceiling, labels: labels,
                                                            groups: Array(labels.indices), resamples: 400))
        XCTAssertEqual(singletons, flat)
    }
}
