import XCTest
import Analysis

/// Reference values from scipy 1.17 (stats.ttest_rel, stats.wilcoxon), computed once and hard-coded.
final class StatisticsTests: XCTestCase {
    let a = [0.71, 0.65, 0.80, 0.55, 0.90, 0.62, 0.77, 0.58]
    let b = [0.68, 0.66, 0.74, 0.50, 0.85, 0.60, 0.70, 0.59]
    let tied = [1.2, -0.4, 2.2, 0.3, 0.3, -1.1, 0.9, 1.5, 0.3, 2.0, -0.2, 0.7, 1.1, 0.3, 0.8, 1.9, -0.5, 0.6, 1.0, 0.4,
                0.2, 1.3, -0.9, 0.5, 0.7, 1.4, 0.1, 0.2]

    func testPairedTTestMatchesScipy() {
        let r = pairedTTest(a, b)
        XCTAssertEqual(r.statistic, 3.005084749411409, accuracy: 1e-10)
        XCTAssertEqual(r.pValue, 0.019799234161173032, accuracy: 1e-10)
        XCTAssertEqual(r.degreesOfFreedom, 7)
        XCTAssertEqual(pairedTTest(a, b, alternative: .greater).pValue, 0.009899617080586516, accuracy: 1e-10)
        let one = pairedTTest(tied, [Double](repeating: 0, count: tied.count))  // scipy ttest_1samp
        XCTAssertEqual(one.statistic, 3.8841311127597957, accuracy: 1e-9)
        XCTAssertEqual(one.pValue, 0.0006008478814434431, accuracy: 1e-10)
    }

    func testWilcoxonSmallTiedSampleMatchesScipyPermutation() {
        // a − b ties (0.01 twice, 0.05 twice): scipy enumerates all 2^8 sign patterns of the mid-ranks.
        let r = wilcoxonSignedRank(a, b)
        XCTAssertEqual(r.method, "exact")
        XCTAssertEqual(r.statistic, 3)
        XCTAssertEqual(r.pValue, 0.0390625, accuracy: 1e-12)
        let g = wilcoxonSignedRank(a, b, alternative: .greater)
        XCTAssertEqual(g.statistic, 33)
        XCTAssertEqual(g.pValue, 0.01953125, accuracy: 1e-12)
    }

    func testWilcoxonWithTiesMatchesScipy() {
        let zeros = [Double](repeating: 0, count: tied.count)
        // scipy.stats.wilcoxon(tied): ties, so the normal approximation by default.
        let automatic = wilcoxonSignedRank(tied, zeros)
        XCTAssertEqual(automatic.method, "normal approximation with tie correction")
        XCTAssertEqual(automatic.statistic, 62)
        XCTAssertEqual(automatic.pValue, 0.0013147085487736263, accuracy: 1e-9)
        // Exact over the mid-ranks actually observed: 2^28 sign patterns, counted in Python by brute-force
        // dynamic programming (scipy's method="exact" ignores ties and gives 0.000792 instead).
        let exact = wilcoxonSignedRank(tied, zeros, method: .exact)
        XCTAssertEqual(exact.method, "exact")
        XCTAssertEqual(exact.statistic, 62)
        XCTAssertEqual(exact.pValue, 0.0007682293653488159, accuracy: 1e-12)
    }

    func testWilcoxonSampleSizeChoosesMethodLikeScipy() {
        // 40 untied differences: exact by default (scipy p = 0.0004266080886736745, W = 157).
        let untied = [2.064, 0.7, 1.279, 2.541, 2.168, -0.677, 1.25, 0.149, 0.197, 0.711, 0.444, 1.754, 1.061, 0.422,
                      0.744, 0.634, 1.794, 0.095, 0.613, -0.554, -2.253, 0.954, 1.164, -0.442, 2.57, -1.154, 0.346,
                      0.113, 1.833, 1.769, 0.455, 0.678, -0.588, -1.681, -0.048, 0.456, 1.53, 1.502, -0.087, -0.002]
        let small = wilcoxonSignedRank(untied, [Double](repeating: 0, count: untied.count))
        XCTAssertEqual(small.method, "exact")
        XCTAssertEqual(small.statistic, 157)
        XCTAssertEqual(small.pValue, 0.0004266080886736745, accuracy: 1e-12)
        // 58 differences: above 50, normal approximation (scipy W = 90.5, p = 3.1372535668721006e-09).
        let big = tied + (1...30).map { Double($0) / 10 }
        let r = wilcoxonSignedRank(big, [Double](repeating: 0, count: big.count))
        XCTAssertEqual(r.method, "normal approximation with tie correction")
        XCTAssertEqual(r.statistic, 90.5)
        XCTAssertEqual(r.pValue, 3.1372535668721006e-09, accuracy: 1e-14)
    }

    func testHolmAdjustmentByHand() {
        // Family of four (the nil is no test): sorted 0.005, 0.01, 0.03, 0.04 → 4·0.005 = 0.02, 3·0.01 = 0.03,
        // 2·0.03 = 0.06, then max(0.06, 1·0.04) = 0.06 (step-down: never below an earlier adjusted value).
        let adjusted = holmAdjusted([0.01, 0.04, nil, 0.03, 0.005])
        for (value, expected) in zip(adjusted, [0.03, 0.06, nil, 0.06, 0.02] as [Double?]) {
            XCTAssertEqual(value == nil, expected == nil)
            if let value, let expected { XCTAssertEqual(value, expected, accuracy: 1e-15) }
        }
        XCTAssertEqual(holmAdjusted([0.5, 0.6, 0.9]), [1, 1, 1])           // capped at 1
        XCTAssertEqual(holmAdjusted([0.2, 0.2]), [0.4, 0.4])                // ties: both 2·0.2
        XCTAssertEqual(holmAdjusted([0.03]), [0.03])                        // a family of one is unadjusted
        XCTAssertEqual(holmAdjusted([nil, nil]), [nil, nil])
    }

    func testIncompleteBetaKnownValues() {
        XCTAssertEqual(regularizedIncompleteBeta(1, 1, 0.3), 0.3, accuracy: 1e-12)      // uniform CDF
        XCTAssertEqual(regularizedIncompleteBeta(2, 3, 0.4), 0.5248, accuracy: 1e-12)   // 1 − Σ… closed form
        XCTAssertEqual(meanAndStandardDeviation([1, 2, 3, 4]).standardDeviation, 1.2909944487358056, accuracy: 1e-12)
    }
}
