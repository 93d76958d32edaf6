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

    /// Ceiling − weak: identical scores give exactly 0; a perfect ranker against a reversed one gives exactly 1 on
    /// every resample; a real gap's interval holds the full-sample difference, excludes 0, and uses the same draws
    /// as the PGR interval (a ceiling-equals-student PGR of 1 and the difference come from one resample stream).
    func testAUCDifferenceInterval() throws {
        let labels = (0..<400).map { $0 % 2 }
        let weak = scores(labels, noise: 0.95, salt: 1), ceiling = scores(labels, noise: 0.75, salt: 2)
        let none = try XCTUnwrap(bootstrapAUCDifferenceInterval(weak, minus: weak, labels: labels, resamples: 200))
        XCTAssertEqual([none.lower, none.upper], [0, 0])
        let perfect = labels.map(Float.init), reversed = labels.map { Float(1 - $0) }
        let one = try XCTUnwrap(bootstrapAUCDifferenceInterval(perfect, minus: reversed, labels: labels, resamples: 200))
        XCTAssertEqual([one.lower, one.upper], [1, 1])
        XCTAssertEqual(one.usable, 200)

        let gap = rocAUC(scores: ceiling, labels: labels)! - rocAUC(scores: weak, labels: labels)!
        XCTAssertGreaterThan(gap, 0.05, "the test needs a real gap")
        let interval = try XCTUnwrap(bootstrapAUCDifferenceInterval(ceiling, minus: weak, labels: labels, resamples: 400, seed: 3))
        XCTAssertLessThan(interval.lower, gap)
        XCTAssertGreaterThan(interval.upper, gap)
        XCTAssertGreaterThan(interval.lower, 0)
        let swapped = try XCTUnwrap(bootstrapAUCDifferenceInterval(weak, minus: ceiling, labels: labels, resamples: 400, seed: 3))
        XCTAssertEqual(swapped.lower, -interval.upper, accuracy: 1e-12, "same draws, negated statistic")
        XCTAssertEqual(swapped.upper, -interval.lower, accuracy: 1e-12)
        // Where the weak model is as good as the ceiling, the interval holds 0.
        let close = scores(labels, noise: 0.94, salt: 5)
        let overlap = try XCTUnwrap(bootstrapAUCDifferenceInterval(close, minus: weak, labels: labels, resamples: 400))
        XCTAssertLessThan(overlap.lower, 0)
        XCTAssertGreaterThan(overlap.upper, 0)
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
