import XCTest
import Foundation
import Datasets

/// Every dataset present in ../shared/datasets: conversion, balance, disjoint leak-free splits, determinism.
final class RegistryTests: XCTestCase {
    static let directory: URL? = try? DataDirectory.resolve(nil)
    let sizes = SplitSizes(weakTrain: 200, strongTrain: 200, validation: 100, test: 200)

    func dataDirectory() throws -> URL {
        try XCTUnwrap(Self.directory, "../shared/datasets not found from \(FileManager.default.currentDirectoryPath)")
    }

    func testEveryPresentDatasetSplitsCleanly() throws {
        let directory = try dataDirectory()
        var checked = 0
        for name in DatasetRegistry.standard.names() where DatasetRegistry.standard.isPresent(name, dataDirectory: directory) {
            checked += 1
            let pools = try DatasetRegistry.standard.pools(name, dataDirectory: directory)
            let splits = DatasetRegistry.split(dataset: name, pools: pools, sizes: sizes, seed: 1)
            var seenIDs = Set<String>(), groupSplit: [String: Split] = [:]
            for (split, examples) in splits.all {
                XCTAssertGreaterThanOrEqual(examples.count, 40, "\(name)/\(split) is too small")
                let positives = examples.filter { $0.label == 1 }.count
                XCTAssertEqual(Double(positives) / Double(examples.count), 0.5, accuracy: 0.01, "\(name)/\(split) balance")
                for e in examples {
                    XCTAssertTrue(seenIDs.insert(e.id).inserted, "\(name): id \(e.id) appears twice")
                    if let other = groupSplit[e.groupID], other != split {
                        XCTFail("\(name): source question \(e.groupID.prefix(60)) straddles \(other) and \(split)")
                    }
                    groupSplit[e.groupID] = split
                    XCTAssertFalse(e.text.isEmpty, "\(name): empty text")
                }
            }
            let again = DatasetRegistry.split(dataset: name, pools: pools, sizes: sizes, seed: 1)
            XCTAssertEqual(again.test.map(\.id), splits.test.map(\.id), "\(name): same seed, different split")
            XCTAssertEqual(again.weakTrain.map(\.id), splits.weakTrain.map(\.id))
            let other = DatasetRegistry.split(dataset: name, pools: pools, sizes: sizes, seed: 2)
            XCTAssertNotEqual(other.weakTrain.map(\.id), splits.weakTrain.map(\.id), "\(name): another seed, same split")
        }
        XCTAssertGreaterThanOrEqual(checked, 16, "expected the shared datasets to be present")
    }

    func testDefaultSizesAndCounts() throws {
        let splits = try DatasetRegistry.standard.load("sst2", dataDirectory: try dataDirectory(), seed: 0)
        XCTAssertEqual(splits.weakTrain.count, 1000)
        XCTAssertEqual(splits.strongTrain.count, 1000)
        XCTAssertEqual(splits.validation.count, 300)
        XCTAssertEqual(splits.test.count, 838)  // the balanced SST-2 dev set (428 positive, 444 negative)
    }

    /// Formatting must carry no label: for every multiple-choice question the shared text is identical
    /// and the candidate carries no decoration, so formatting-only features are at chance.
    func testNoFormattingLeak() throws {
        let directory = try dataDirectory()
        for name in ["sciq", "cosmos_qa", "piqa", "social_i_qa", "dream", "quail", "boolq", "anli"]
        where DatasetRegistry.standard.isPresent(name, dataDirectory: directory) {
            let pool = try DatasetRegistry.standard.pools(name, dataDirectory: directory)
            let examples = (pool.train ?? []) + pool.evaluation
            let auc = FormattingProbe.bestFeatureAUC(examples)
            XCTAssertLessThan(abs(auc - 0.5), 0.05, "\(name): a formatting feature predicts the label (AUC \(auc))")
        }
    }

    /// The same check catches the OpenBookQA-style leak (letters for positives, text for negatives).
    func testLeakCheckCatchesALeakyFormatter() throws {
        let pool = try DatasetRegistry.standard.pools("sciq", dataDirectory: try dataDirectory())
        let leaky = pool.evaluation.map { e in
            Example(id: e.id, groupID: e.groupID, text: e.text, pairText: e.label == 1 ? "(A) " + (e.pairText ?? "") : e.pairText, label: e.label)
        }
        XCTAssertGreaterThan(abs(FormattingProbe.bestFeatureAUC(leaky) - 0.5), 0.4)
    }
}

/// Formatting-only features of a model input, and the best single-feature AUC against the label.
enum FormattingProbe {
    static func features(_ e: Example) -> [Double] {
        let pair = e.pairText ?? ""
        let letterPrefix = pair.range(of: #"^\(?[A-Ea-e1-5][\).:]\s"#, options: .regularExpression) != nil
        return [letterPrefix ? 1 : 0,
                pair.hasPrefix(" ") || pair.hasSuffix(" ") ? 1 : 0,
                pair.contains("\n") ? 1 : 0,
                pair.lowercased().hasPrefix("answer") ? 1 : 0,
                Double(e.text.components(separatedBy: "\n").count),
                e.text.contains("Question:") ? 1 : 0]
    }

    static func bestFeatureAUC(_ examples: [Example]) -> Double {
        let table = examples.map(features)
        var best = 0.5
        for j in 0..<table[0].count {
            let auc = mannWhitney(table.map { $0[j] }, examples.map(\.label))
            if abs(auc - 0.5) > abs(best - 0.5) { best = auc }
        }
        return best
    }

    static func mannWhitney(_ scores: [Double], _ labels: [Int]) -> Double {
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var rank = [Double](repeating: 0, count: scores.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
            for t in i...j { rank[order[t]] = Double(i + j) / 2 + 1 }
            i = j + 1
        }
        let positives = labels.filter { $0 == 1 }.count, negatives = labels.count - positives
        let sum = zip(rank, labels).filter { $0.1 == 1 }.map(\.0).reduce(0, +)
        return (sum - Double(positives * (positives + 1)) / 2) / Double(positives * negatives)
    }
}
