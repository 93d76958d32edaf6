import XCTest
import Foundation
import Analysis
import Tensors
import Training

final class TrainerTests: XCTestCase {
    /// Two Gaussian blobs in 16 dimensions, labels by blob.
    func blobs(_ n: Int, separation: Double, seed: UInt64) -> (Tensor, [Int]) {
        var rng = SeededRandom(seed: seed)
        var data: [Float] = [], labels: [Int] = []
        for i in 0..<n {
            let y = i % 2
            labels.append(y)
            for j in 0..<16 { data.append(Float(rng.normal() + (j < 4 ? (y == 1 ? separation : -separation) : 0))) }
        }
        return (Tensor(shape: [n, 16], data: data), labels)
    }

    func testHeadLearnsSeparableProblem() throws {
        let (x, y) = blobs(600, separation: 1.5, seed: 1)
        let model = HeadClassifier(features: x, fitRows: Array(0..<400))
        let result = try Trainer(config: TrainingConfig(epochs: 3, learningRate: 1e-2)).train(
            model: model, trainRows: Array(0..<400), targets: (0..<400).map { Float(y[$0]) },
            validationRows: Array(400..<500), validationLabels: Array(y[400..<500]))
        let test = try predictProbabilities(model, rows: Array(500..<600))
        XCTAssertGreaterThan(rocAUC(scores: test, labels: Array(y[500..<600]))!, 0.99)
        XCTAssertGreaterThan(result.curve.count, 5)
    }

    func testSameSeedGivesIdenticalResults() throws {
        let (x, y) = blobs(300, separation: 0.5, seed: 2)
        func run(_ seed: UInt64) throws -> [Float] {
            let model = HeadClassifier(features: x, fitRows: Array(0..<200))
            _ = try Trainer(config: TrainingConfig(epochs: 2, learningRate: 1e-2, loss: .logconf(), seed: seed)).train(
                model: model, trainRows: Array(0..<200), targets: (0..<200).map { Float(y[$0]) },
                validationRows: Array(200..<300), validationLabels: Array(y[200..<300]))
            return try predictProbabilities(model, rows: Array(200..<300))
        }
        XCTAssertEqual(try run(7), try run(7))
        XCTAssertNotEqual(try run(7), try run(8))
    }

    func testGradientAccumulationEqualsFullBatch() throws {
        let (x, y) = blobs(128, separation: 0.8, seed: 3)
        func run(micro: Int) throws -> Tensor {
            let model = HeadClassifier(features: x, fitRows: Array(0..<96))
            _ = try Trainer(config: TrainingConfig(epochs: 1, batchSize: 32, microBatchSize: micro, learningRate: 1e-2)).train(
                model: model, trainRows: Array(0..<96), targets: (0..<96).map { Float(y[$0]) },
                validationRows: Array(96..<128), validationLabels: Array(y[96..<128]))
            return model.weight.value
        }
        XCTAssertLessThan(try run(micro: 8).maxAbsDifference(try run(micro: 32)), 1e-5)
    }

    func testEarlyStoppingRestoresTheBestCheckpoint() throws {
        // Train on flipped labels: validation AUC (true labels) falls as training proceeds, so the
        // chosen checkpoint must be an early one and the restored model must score as recorded.
        let (x, y) = blobs(400, separation: 1.0, seed: 4)
        let model = HeadClassifier(features: x, fitRows: Array(0..<300))
        model.weight.value.data[4] = 0.01   // start slightly right
        model.weight.value.data[16 + 0] = 0.05
        let result = try Trainer(config: TrainingConfig(epochs: 3, learningRate: 5e-2, evalEvery: 3)).train(
            model: model, trainRows: Array(0..<300), targets: (0..<300).map { Float(1 - y[$0]) },
            validationRows: Array(300..<400), validationLabels: Array(y[300..<400]))
        XCTAssertLessThan(result.bestStep, result.totalSteps)
        XCTAssertLessThan(result.curve.last!.validationAUC!, result.bestValidationScore)
        let restored = rocAUC(scores: try predictProbabilities(model, rows: Array(300..<400)), labels: Array(y[300..<400]))!
        XCTAssertEqual(restored, result.bestValidationScore, accuracy: 1e-9)
    }

    func testAdamWStepMatchesHandComputation() {
        let p = Parameter(name: "w", value: Tensor(shape: [2], data: [1, -2]))
        p.gradient = Tensor(shape: [2], data: [0.5, -0.1])
        let adam = AdamW(parameters: [p], hyperparameters: .init(weightDecay: 0.1))
        adam.step(rate: 0.01)
        // First step: m̂ = g, v̂ = g², update = g/(|g|+ε) = sign(g); w ← w − lr·(sign(g) + λw).
        XCTAssertEqual(p.value.data[0], 1 - 0.01 * (1 + 0.1 * 1), accuracy: 1e-6)
        XCTAssertEqual(p.value.data[1], -2 - 0.01 * (-1 + 0.1 * -2), accuracy: 1e-6)
    }

    func testCosineScheduleWarmsUpAndDecaysToZero() {
        let s = LearningRateSchedule.cosine(peak: 1, warmupSteps: 4, totalSteps: 104)
        XCTAssertEqual(s.rate(at: 0), 0.25, accuracy: 1e-6)
        XCTAssertEqual(s.rate(at: 3), 1, accuracy: 1e-6)
        XCTAssertEqual(s.rate(at: 54), 0.5, accuracy: 1e-6)
        XCTAssertEqual(s.rate(at: 104), 0, accuracy: 1e-6)
    }

    func testRejectsBadTargets() {
        let (x, y) = blobs(40, separation: 1, seed: 5)
        let model = HeadClassifier(features: x, fitRows: Array(0..<20))
        XCTAssertThrowsError(try Trainer(config: TrainingConfig()).train(
            model: model, trainRows: Array(0..<20), targets: [Float](repeating: .nan, count: 20),
            validationRows: Array(20..<40), validationLabels: Array(y[20..<40])))
        XCTAssertThrowsError(try Trainer(config: TrainingConfig()).train(
            model: model, trainRows: Array(0..<20), targets: [Float](repeating: 1, count: 20),
            validationRows: Array(20..<40), validationLabels: [Int](repeating: 1, count: 20)))
    }

    /// A confident model: margins of 230…570. Ranking by σ(margin) in Float32 ties every margin above ≈ 16.6
    /// at exactly 1 and the AUC collapses to ½; ranking by the margin keeps the model's true order.
    func testSaturatedLogitsAreRankedByTheirMargin() throws {
        let n = 40
        let x = Tensor(shape: [n, 1], data: (0..<n).map(Float.init))
        // Positives mostly at the top, with two negatives interleaved among them.
        var labels = (0..<n).map { $0 >= n / 2 ? 1 : 0 }
        labels[30] = 0; labels[10] = 1
        let model = HeadClassifier(features: x, fitRows: Array(0..<n))
        model.weight.value = Tensor(shape: [2, 1], data: [-50, 50])
        model.bias.value = Tensor(shape: [2], data: [0, 400])
        let margins = try predictMargins(model, rows: Array(0..<n))
        let probabilities = try predictProbabilities(model, rows: Array(0..<n))
        XCTAssertGreaterThan(margins.min()!, 200)
        let truth = rocAUC(scores: x.data, labels: labels)!
        XCTAssertEqual(rocAUC(scores: margins, labels: labels)!, truth, accuracy: 1e-12)
        XCTAssertEqual(rocAUC(scores: probabilities, labels: labels)!, 0.5, "σ saturates: every probability is exactly 1")
        XCTAssertEqual(truth, 0.95, accuracy: 1e-12)
        XCTAssertEqual(margins.map(probability(margin:)), probabilities)
    }

    /// A weak supervisor that predicts one class on validation leaves AUC undefined: students then select on
    /// the soft weak labels' cross-entropy, and say so.
    func testOneClassSelectionLabelsFallBackToTheSoftLabelLoss() throws {
        let (x, y) = blobs(200, separation: 1.5, seed: 11)
        let soft = (100..<200).map { Float(y[$0] == 1 ? 0.45 : 0.2) }   // all below ½: one hard class
        let selection = Selection.weakLabels(soft)
        guard case .softLabelLoss = selection else { return XCTFail("one hard class must select on the soft-label loss") }
        let model = HeadClassifier(features: x, fitRows: Array(0..<100))
        let result = try Trainer(config: TrainingConfig(epochs: 2, batchSize: 16, microBatchSize: 16, learningRate: 1e-2, warmupSteps: 2))
            .train(model: model, trainRows: Array(0..<100), targets: y[0..<100].map(Float.init), validationRows: Array(100..<200),
                   selection: selection)
        XCTAssertTrue(result.selection.contains("cross-entropy"))
        XCTAssertEqual(result.bestValidationScore, result.curve.map(\.validationScore).max()!)
        XCTAssertNil(result.curve[0].validationAUC)
        let restored = -softCrossEntropy(margins: try predictMargins(model, rows: Array(100..<200)), targets: soft)
        XCTAssertEqual(restored, result.bestValidationScore, accuracy: 1e-9, "the best checkpoint is restored")
        // Hand-computed loss: t = ½, m = 0 → log 2; t = 1, m = 2 → log(1 + e⁻²).
        XCTAssertEqual(softCrossEntropy(margins: [0, 2], targets: [0.5, 1]), (log(2) + log(1 + exp(-2))) / 2, accuracy: 1e-12)
    }
}
