import XCTest
import Foundation
import Analysis
import Experiments
#if canImport(FoundationXML)
import FoundationXML
#endif

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

    /// Seeds of one dataset are averaged into one pair when asked; one-sided p-values halve the two-sided ones
    /// in the observed direction.
    func testSeedAveragingAndOneSidedTests() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("w2s-compare-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try RunStore(url: directory.appendingPathComponent("runs.sqlite"))
        // (dataset, seed, xent, logconf)
        let rows: [(String, Int, Double, Double)] = [("sst2", 0, 0.80, 0.90), ("sst2", 1, 0.70, 0.74),
                                                     ("boolq", 0, 0.60, 0.61), ("sciq", 0, 0.50, 0.58), ("sciq", 1, 0.52, 0.50)]
        for (i, row) in rows.enumerated() {
            let record = RunStore.RunRecord(id: "run\(i)", created: "\(i)", dataset: row.0, seed: row.1, weakModel: "w", strongModel: "s",
                                            mode: "head", loss: "xent,logconf", method: "weak-to-strong", status: "finished", directory: "")
            try store.upsert(record)
            try store.record(runID: record.id, stage: "student-xent", metrics: ["test_auc": row.2])
            try store.record(runID: record.id, stage: "student-logconf", metrics: ["test_auc": row.3])
        }
        let perRun = try store.compare(metric: "test_auc", baseline: "student-xent")[0]
        XCTAssertEqual(perRun.pairs.count, 5)
        let averaged = try store.compare(metric: "test_auc", baseline: "student-xent", averagingSeeds: true)[0]
        XCTAssertEqual(averaged.pairs.map(\.run), ["boolq w→s head", "sciq w→s head", "sst2 w→s head"])
        for (pair, expected) in zip(averaged.pairs, [(0.61, 0.60), (0.54, 0.51), (0.82, 0.75)]) {
            XCTAssertEqual(pair.arm, expected.0, accuracy: 1e-12)
            XCTAssertEqual(pair.baseline, expected.1, accuracy: 1e-12)
        }
        XCTAssertEqual(averaged.meanDifference, (0.01 + 0.03 + 0.07) / 3, accuracy: 1e-12)
        let greater = try store.compare(metric: "test_auc", baseline: "student-xent", alternative: .greater, averagingSeeds: true)[0]
        XCTAssertEqual(greater.tTest!.pValue, averaged.tTest!.pValue / 2, accuracy: 1e-12)
        XCTAssertEqual(greater.wilcoxon!.pValue, 0.125, accuracy: 1e-12)   // all 3 positive: exact one-sided p = 1 / 2³
        let less = try store.compare(metric: "test_auc", baseline: "student-xent", alternative: .less, averagingSeeds: true)[0]
        XCTAssertEqual(less.tTest!.pValue, 1 - greater.tTest!.pValue, accuracy: 1e-12)

        // The chart shows the baseline and the arm for each of the three datasets, as well-formed SVG.
        let svg = ArmComparison.chart([averaged])
        XCTAssertTrue(XMLParser(data: Data(svg.utf8)).parse())
        XCTAssertEqual(svg.components(separatedBy: "<rect x=").count - 1, 6)
        XCTAssertTrue(svg.contains("sciq w→s head · student-logconf"))
    }
}
