import Probes
import XCTest

final class ConfidentLabelsTests: XCTestCase {
    func testKeepsTheMostConfidentLabelsHandComputed() throws {
        // |p − ½| = 0.375, 0.0625, 0.375, 0, 0.25, 0.25: the top half is rows 0 and 2, then row 4 (tie with 5: lower index).
        let labels: [Float] = [0.875, 0.5625, 0.125, 0.5, 0.75, 0.25]
        XCTAssertEqual(try ConfidentLabels.mostConfident(labels: labels, fraction: 0.5), [0, 2, 4])
        XCTAssertEqual(try ConfidentLabels.mostConfident(labels: labels, fraction: 1), [0, 1, 2, 3, 4, 5])
        XCTAssertEqual(try ConfidentLabels.mostConfident(labels: labels, fraction: 0.01), [0], "at least one row")
        // Both classes count: a confident negative is as confident as a confident positive.
        XCTAssertEqual(try ConfidentLabels.mostConfident(labels: [0.02, 0.6, 0.97, 0.45], fraction: 0.5), [0, 2])
    }

    func testBadInputIsRejected() {
        XCTAssertThrowsError(try ConfidentLabels.mostConfident(labels: [0.9], fraction: 0))
        XCTAssertThrowsError(try ConfidentLabels.mostConfident(labels: [0.9], fraction: 1.5))
        XCTAssertThrowsError(try ConfidentLabels.mostConfident(labels: [], fraction: 0.5))
    }
}
