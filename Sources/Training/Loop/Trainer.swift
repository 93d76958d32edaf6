import Analysis
import Foundation
import Tensors

public struct TrainingConfig: Codable, Hashable, Sendable {
    public var epochs: Int = 3
    /// Effective batch (optimizer step), reached by accumulating `microBatchSize` pieces.
    public var batchSize: Int = 32
    public var microBatchSize: Int = 32
    public var learningRate: Float = 1e-3
    public var warmupSteps: Int = 40
    /// Evaluate every N optimizer steps (nil: about 12 evaluations over the run).
    public var evalEvery: Int? = nil
    public var loss: LossKind = .xent
    public var optimizer = AdamW.Hyperparameters()
    public var seed: UInt64 = 0

    public init(epochs: Int = 3, batchSize: Int = 32, microBatchSize: Int = 32, learningRate: Float = 1e-3,
                warmupSteps: Int = 40, evalEvery: Int? = nil, loss: LossKind = .xent,
                optimizer: AdamW.Hyperparameters = AdamW.Hyperparameters(), seed: UInt64 = 0) {
        self.epochs = epochs; self.batchSize = batchSize; self.microBatchSize = microBatchSize
        self.learningRate = learningRate; self.warmupSteps = warmupSteps; self.evalEvery = evalEvery
        self.loss = loss; self.optimizer = optimizer; self.seed = seed
    }
}

/// One evaluation point of a training run.
public struct CurvePoint: Codable, Sendable, Hashable {
    public var step: Int
    public var trainLoss: Double?
    /// AUC on the validation set against the labels used for model selection.
    public var validationAUC: Double
    /// AUC on the analysis set (ground-truth test), recorded for the "cheating" analysis, never used to select.
    public var analysisAUC: Double?
}

public struct TrainingResult: Codable, Sendable {
    public var curve: [CurvePoint]
    public var bestStep: Int
    public var bestValidationAUC: Double
    public var totalSteps: Int
    public var seconds: Double
}

public struct TrainingProgress: Sendable {
    public var step: Int
    public var totalSteps: Int
    public var loss: Double
    public var lastValidationAUC: Double?
}

/// Minibatch training with gradient accumulation, AdamW and a warm-up + cosine schedule; evaluates
/// on a validation set every `evalEvery` steps, keeps the best checkpoint by validation AUC and
/// restores it at the end (the reported model is the one early stopping chose).
public struct Trainer {
    public let config: TrainingConfig
    public init(config: TrainingConfig) { self.config = config }

    public func train(model: TrainableClassifier, trainRows: [Int], targets: [Float],
                      validationRows: [Int], validationLabels: [Int],
                      analysisRows: [Int] = [], analysisLabels: [Int] = [],
                      progress: ((TrainingProgress) -> Void)? = nil) throws -> TrainingResult {
        guard trainRows.count == targets.count, !trainRows.isEmpty else {
            throw TrainingError.invalid("training needs examples with one target each (got \(trainRows.count) rows, \(targets.count) targets)")
        }
        guard targets.allSatisfy({ $0.isFinite && $0 >= 0 && $0 <= 1 }) else {
            throw TrainingError.invalid("training targets must be probabilities in [0, 1] (found NaN or out-of-range values)")
        }
        guard Set(validationLabels).count == 2 else {
            throw TrainingError.invalid("the validation labels hold one class only: AUC is undefined, early stopping impossible")
        }
        let start = Date()
        let stepsPerEpoch = (trainRows.count + config.batchSize - 1) / config.batchSize
        let totalSteps = stepsPerEpoch * config.epochs
        let evalEvery = config.evalEvery ?? max(1, totalSteps / 12)
        let schedule = LearningRateSchedule.cosine(peak: config.learningRate,
                                                   warmupSteps: min(config.warmupSteps, max(1, totalSteps / 10)),
                                                   totalSteps: totalSteps)
        let optimizer = AdamW(parameters: model.parameters, hyperparameters: config.optimizer)
        var loss = config.loss.make(weakTargets: targets)
        var rng = SeededRandom(seed: config.seed)
        var curve: [CurvePoint] = []
        var best: (auc: Double, step: Int, values: [Tensor])? = nil
        var step = 0
        var runningLoss = 0.0, lossCount = 0

        func evaluate() throws {
            let probabilities = try predictProbabilities(model, rows: validationRows, batchSize: 256)
            let auc = rocAUC(scores: probabilities, labels: validationLabels) ?? 0.5
            var analysis: Double? = nil
            if !analysisRows.isEmpty {
                analysis = rocAUC(scores: try predictProbabilities(model, rows: analysisRows, batchSize: 256), labels: analysisLabels)
            }
            curve.append(CurvePoint(step: step, trainLoss: lossCount > 0 ? runningLoss / Double(lossCount) : nil,
                                    validationAUC: auc, analysisAUC: analysis))
            runningLoss = 0; lossCount = 0
            if best == nil || auc > best!.auc {
                best = (auc, step, optimizer.parameters.map(\.value))
            }
        }

        try evaluate()  // step 0: the untrained head, so a run that only hurts keeps its start
        for _ in 0..<config.epochs {
            var order = Array(0..<trainRows.count)
            order.shuffle(using: &rng)
            for batchStart in stride(from: 0, to: order.count, by: config.batchSize) {
                let batch = Array(order[batchStart..<min(batchStart + config.batchSize, order.count)])
                optimizer.zeroGradients()
                var batchLoss = 0.0
                for microStart in stride(from: 0, to: batch.count, by: config.microBatchSize) {
                    let micro = Array(batch[microStart..<min(microStart + config.microBatchSize, batch.count)])
                    let logits = try model.logits(for: micro.map { trainRows[$0] }, training: true)
                    var gradient = Tensor(zeros: logits.shape)
                    let value = loss.lossAndGradient(logits: logits, targets: micro.map { targets[$0] }, step: step,
                                                     totalSteps: totalSteps, gradient: &gradient)
                    // Each piece's mean gradient weighs by its share of the batch.
                    let share = Float(micro.count) / Float(batch.count)
                    for i in 0..<gradient.count { gradient.data[i] *= share }
                    model.backward(gradient)
                    batchLoss += Double(value) * Double(share)
                }
                guard batchLoss.isFinite else { throw TrainingError.nonFinite("the loss at step \(step)") }
                optimizer.step(rate: schedule.rate(at: step))
                step += 1
                runningLoss += batchLoss; lossCount += 1
                if step % evalEvery == 0 || step == totalSteps { try evaluate() }
                progress?(TrainingProgress(step: step, totalSteps: totalSteps, loss: batchLoss,
                                           lastValidationAUC: curve.last?.validationAUC))
            }
        }
        if let best {
            for (p, v) in zip(optimizer.parameters, best.values) { p.value = v }
        }
        return TrainingResult(curve: curve, bestStep: best?.step ?? step, bestValidationAUC: best?.auc ?? .nan,
                              totalSteps: totalSteps, seconds: Date().timeIntervalSince(start))
    }
}

/// Probability of class 1 for each row, in batches.
public func predictProbabilities(_ model: TrainableClassifier, rows: [Int], batchSize: Int = 64) throws -> [Float] {
    var out: [Float] = []
    out.reserveCapacity(rows.count)
    for start in stride(from: 0, to: rows.count, by: batchSize) {
        let logits = try model.logits(for: Array(rows[start..<min(start + batchSize, rows.count)]), training: false)
        for k in 0..<logits.rows {
            let z0 = logits.data[2 * k], z1 = logits.data[2 * k + 1]
            out.append(1 / (1 + exp(z0 - z1)))
        }
    }
    return out
}
