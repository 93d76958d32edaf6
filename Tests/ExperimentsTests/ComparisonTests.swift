import XCTest
import Foundation
import Analysis
import Experiments

final class ComparisonTests: XCTestCase {
    func testArmsArePairedByFinishedRunAndTested() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("w2s-compare-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try RunStore(url: directory.appendingPathComponent("runs.sqlite"))
        let xent = [0.80, 0.70, 0.90, 0.60], logconf = [0.84, 0.71, 0.93, 0.66]
        for (i, dataset) in ["sst2", "boolq", "sciq", "anli", "cola"].enumerated() {
            let record = RunStore.RunRecord(id: "run\(i)", created: "", dataset: dataset, seed: 0, weakModel: "w", strongModel: "s",
                                            mode: "head", loss: "xent,logconf", method: "weak-to-strong",
                                            status: i == 4 ? "running" : "finished", directory: "")
            try store.upsert(record)
            // The unfinished run must be ignored; one finished run lacks the baseline.
            try store.record(runID: record.id, stage: "student-logconf", metrics: ["test_auc": i < 4 ? logconf[i] : 0.1])
            if i < 4 && i != 2 || i == 4 { try store.record(runID: record.id, stage: "student-xent", metrics: ["test_auc": i < 4 ? xent[i] : 0.9]) }
        }
        let result = try store.compare(metric: "test_auc", baseline: "student-xent")
        XCTAssertEqual(result.count, 1)
        let c = result[0]
        XCTAssertEqual(c.arm, "student-logconf")
        XCTAssertEqual(c.pairs.map(\.run), ["anli s0 w→s head", "boolq s0 w→s head", "sst2 s0 w→s head"])
        XCTAssertEqual(c.meanDifference, (0.04 + 0.01 + 0.06) / 3, accuracy: 1e-12)
        XCTAssertEqual(c.tTest!.pValue, pairedTTest([0.66, 0.71, 0.84], [0.60, 0.70, 0.80]).pValue, accuracy: 1e-15)
        XCTAssertEqual(c.wilcoxon!.pValue, 0.25, accuracy: 1e-12)   // all 3 positive: exact p = 2 / 2³
        // The same experiment run again later: its newer values replace the older ones, no extra pair.
        try store.upsert(RunStore.RunRecord(id: "rerun", created: "z", dataset: "sst2", seed: 0, weakModel: "w", strongModel: "s",
                                            mode: "head", loss: "xent,logconf", method: "weak-to-strong", status: "finished", directory: ""))
        try store.record(runID: "rerun", stage: "student-logconf", metrics: ["test_auc": 0.85])
        let again = try store.compare(metric: "test_auc", baseline: "student-xent")[0]
        XCTAssertEqual(again.pairs.count, 3)
        XCTAssertEqual(again.pairs.last!.arm, 0.85)
        XCTAssertThrowsError(try store.compare(metric: "test_auc", baseline: "student-nothing")) { error in
            XCTAssertTrue("\(error)".contains("student-nothing"))
        }
    }
}
