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
        XCTAssertLessThan(result.curve.last!.validationAUC, result.bestValidationAUC)
        let restored = rocAUC(scores: try predictProbabilities(model, rows: Array(300..<400)), labels: Array(y[300..<400]))!
        XCTAssertEqual(restored, result.bestValidationAUC, accuracy: 1e-9)
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
}
