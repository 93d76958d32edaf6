import XCTest
import Analysis

final class MetricsTests: XCTestCase {
    func testAUCWithTiesHandComputed() {
        // Positives 0.8, 0.5; negatives 0.5, 0.2. Pairs: (0.8>0.5)=1, (0.8>0.2)=1, (0.5=0.5)=½, (0.5>0.2)=1 → 3.5/4.
        XCTAssertEqual(rocAUC(scores: [0.8, 0.5, 0.5, 0.2], labels: [1, 1, 0, 0])!, 0.875, accuracy: 1e-12)
        XCTAssertEqual(rocAUC(scores: [0.1, 0.9], labels: [1, 0])!, 0, accuracy: 1e-12)
        XCTAssertEqual(rocAUC(scores: [0.3, 0.3, 0.3], labels: [1, 0, 1])!, 0.5, accuracy: 1e-12)
        XCTAssertNil(rocAUC(scores: [0.1, 0.2], labels: [1, 1]))
    }

    func testAccuracy() {
        XCTAssertEqual(accuracy(probabilities: [0.9, 0.4, 0.6, 0.5], labels: [1, 0, 0, 1]), 0.5)
    }

    func testPGR() {
        XCTAssertEqual(performanceGapRecovered(weak: 0.7, student: 0.8, ceiling: 0.9)!, 0.5, accuracy: 1e-12)
        XCTAssertEqual(performanceGapRecovered(weak: 0.7, student: 0.65, ceiling: 0.9)!, -0.25, accuracy: 1e-12)
        XCTAssertNil(performanceGapRecovered(weak: 0.9, student: 0.8, ceiling: 0.9))
        XCTAssertNil(performanceGapRecovered(weak: 0.9, student: 0.8, ceiling: 0.85))
    }

    func testAgreementSplitsBySupervisorCorrectness() {
        // Supervisor right on 0,1,2 (student agrees on 0,1), wrong on 3,4 (student agrees on 3).
        let a = agreement(student: [0.9, 0.2, 0.8, 0.7, 0.1], supervisor: [0.8, 0.3, 0.1, 0.9, 0.9], groundTruth: [1, 0, 0, 0, 0])
        XCTAssertEqual(a.supervisorCorrectCount, 3)
        XCTAssertEqual(a.whereSupervisorCorrect, 2.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(a.whereSupervisorWrong, 0.5, accuracy: 1e-12)
        XCTAssertEqual(a.overall, 0.6, accuracy: 1e-12)
    }
}
