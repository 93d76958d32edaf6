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

/// What early stopping maximises on the validation rows.
public enum Selection: Sendable {
    /// ROC AUC against hard labels (ground truth for the weak model and the ceiling; the hardened weak labels for students).
    case auc(labels: [Int])
    /// Minus the mean cross-entropy against soft labels. The fallback when the hardened labels hold one class
    /// (a weak supervisor that predicts one class on the whole validation set): AUC is then undefined.
    case softLabelLoss(targets: [Float])

    /// The weak labels' selection: AUC on their hardened version when it holds both classes, else the soft-label loss.
    public static func weakLabels(_ soft: [Float]) -> Selection {
        let hard = soft.map { $0 > 0.5 ? 1 : 0 }
        return Set(hard).count == 2 ? .auc(labels: hard) : .softLabelLoss(targets: soft)
    }

    public var name: String {
        switch self {
        case .auc: return "validation AUC"
        case .softLabelLoss: return "validation cross-entropy against the soft labels (their hard version is one class)"
        }
    }

    /// The score of validation margins (log-odds of class 1); higher is better.
    func score(margins: [Float]) -> Double {
        switch self {
        case let .auc(labels): return rocAUC(scores: margins, labels: labels) ?? 0.5
        case let .softLabelLoss(targets): return -softCrossEntropy(margins: margins, targets: targets)
        }
    }

    var count: Int {
        switch self {
        case let .auc(labels): return labels.count
        case let .softLabelLoss(targets): return targets.count
        }
    }
}

/// Mean binary cross-entropy of soft targets against sigmoid(margin), computed from the margin so that
/// confident predictions neither overflow nor saturate: −t·log σ(m) − (1−t)·log σ(−m).
public func softCrossEntropy(margins: [Float], targets: [Float]) -> Double {
    precondition(margins.count == targets.count)
    guard !margins.isEmpty else { return .nan }
    func softplus(_ x: Double) -> Double { x > 0 ? x + log1p(exp(-x)) : log1p(exp(x)) }
    var total = 0.0
    for (m, t) in zip(margins, targets) {
        let m = Double(m), t = Double(t)
        total += t * softplus(-m) + (1 - t) * softplus(m)
    }
    return total / Double(margins.count)
}

/// One evaluation point of a training run.
public struct CurvePoint: Codable, Sendable, Hashable {
    public var step: Int
    public var trainLoss: Double?
    /// The early-stopping score on validation (see `TrainingResult.selection`).
    public var validationScore: Double
    /// AUC on the validation set against the selection labels (nil when they are one class).
    public var validationAUC: Double?
    /// AUC on the analysis set (ground-truth test), recorded for the "cheating" analysis, never used to select.
    public var analysisAUC: Double?
}

public struct TrainingResult: Codable, Sendable {
    public var curve: [CurvePoint]
    public var bestStep: Int
    public var bestValidationScore: Double
    /// What early stopping maximised (`Selection.name`).
    public var selection: String
    public var totalSteps: Int
    public var seconds: Double

    public init(curve: [CurvePoint], bestStep: Int, bestValidationScore: Double, selection: String, totalSteps: Int, seconds: Double) {
        self.curve = curve; self.bestStep = bestStep; self.bestValidationScore = bestValidationScore
        self.selection = selection; self.totalSteps = totalSteps; self.seconds = seconds
    }
}

public struct TrainingProgress: Sendable {
    public var step: Int
    public var totalSteps: Int
    public var loss: Double
    public var lastValidationScore: Double?
}

/// Minibatch training with gradient accumulation, AdamW and a warm-up + cosine schedule; evaluates
/// on a validation set every `evalEvery` steps, keeps the best checkpoint by validation AUC and
/// restores it at the end (the reported model is the one early stopping chose).
public struct Trainer {
    public let config: TrainingConfig
    public init(config: TrainingConfig) { self.config = config }

    /// Early stopping on AUC against hard validation labels.
    public func train(model: TrainableClassifier, trainRows: [Int], targets: [Float],
                      validationRows: [Int], validationLabels: [Int],
                      analysisRows: [Int] = [], analysisLabels: [Int] = [],
                      progress: ((TrainingProgress) -> Void)? = nil) throws -> TrainingResult {
        guard Set(validationLabels).count == 2 else {
            throw TrainingError.invalid("the validation labels hold one class only: AUC is undefined, early stopping impossible")
        }
        return try train(model: model, trainRows: trainRows, targets: targets, validationRows: validationRows,
                         selection: .auc(labels: validationLabels), analysisRows: analysisRows, analysisLabels: analysisLabels,
                         progress: progress)
    }

    public func train(model: TrainableClassifier, trainRows: [Int], targets: [Float],
                      validationRows: [Int], selection: Selection,
                      analysisRows: [Int] = [], analysisLabels: [Int] = [],
                      progress: ((TrainingProgress) -> Void)? = nil) throws -> TrainingResult {
        guard trainRows.count == targets.count, !trainRows.isEmpty else {
            throw TrainingError.invalid("training needs examples with one target each (got \(trainRows.count) rows, \(targets.count) targets)")
        }
        guard targets.allSatisfy({ $0.isFinite && $0 >= 0 && $0 <= 1 }) else {
            throw TrainingError.invalid("training targets must be probabilities in [0, 1] (found NaN or out-of-range values)")
        }
        guard selection.count == validationRows.count else {
            throw TrainingError.invalid("early stopping needs one validation label per validation row (got \(selection.count) for \(validationRows.count))")
        }
        if case let .auc(labels) = selection, Set(labels).count != 2 {
            throw TrainingError.invalid("the validation labels hold one class only: AUC is undefined; select on the soft-label loss instead")
        }
        guard config.epochs >= 1, config.batchSize >= 1, config.microBatchSize >= 1, config.learningRate.isFinite,
              config.learningRate > 0, (config.evalEvery ?? 1) >= 1 else {
            throw TrainingError.invalid("training needs epochs, batch sizes and evaluation interval ≥ 1 and a finite learning rate > 0")
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
        var best: (score: Double, step: Int, values: [Tensor])? = nil
        var step = 0
        var runningLoss = 0.0, lossCount = 0

        func evaluate() throws {
            let margins = try predictMargins(model, rows: validationRows, batchSize: 256)
            let score = selection.score(margins: margins)
            var validationAUC: Double? = nil
            if case let .auc(labels) = selection { validationAUC = rocAUC(scores: margins, labels: labels) }
            var analysis: Double? = nil
            if !analysisRows.isEmpty {
                analysis = rocAUC(scores: try predictMargins(model, rows: analysisRows, batchSize: 256), labels: analysisLabels)
            }
            guard score.isFinite else { throw TrainingError.nonFinite("the validation score at step \(step)") }
            curve.append(CurvePoint(step: step, trainLoss: lossCount > 0 ? runningLoss / Double(lossCount) : nil,
                                    validationScore: score, validationAUC: validationAUC, analysisAUC: analysis))
            runningLoss = 0; lossCount = 0
            if best == nil || score > best!.score {
                best = (score, step, optimizer.parameters.map(\.value))
            }
        }

        try evaluate()  // step 0: the untrained head, so a run that only hurts keeps its start
        for _ in 0..<config.epochs {
            var order = Array(0..<trainRows.count)
            order.shuffle(using: &rng)
            for batchStart in stride(from: 0, to: order.count, by: config.batchSize) {
                var batch = Array(order[batchStart..<min(batchStart + config.batchSize, order.count)])
                // Micro-batches of similar lengths pad less; the batch, and so its gradient, stays the same.
                if let lengths = model.rowLengths, config.microBatchSize < batch.count {
                    batch.sort { (lengths[trainRows[$0]], $0) < (lengths[trainRows[$1]], $1) }
                }
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
                                           lastValidationScore: curve.last?.validationScore))
            }
        }
        if let best {
            for (p, v) in zip(optimizer.parameters, best.values) { p.value = v }
        }
        return TrainingResult(curve: curve, bestStep: best?.step ?? step, bestValidationScore: best?.score ?? .nan,
                              selection: selection.name, totalSteps: totalSteps, seconds: Date().timeIntervalSince(start))
    }
}

/// The logit margin z₁ − z₀ (the log-odds of class 1) of each row, in batches. Rank by this, not by the
/// probability: in Float32, σ(m) rounds to exactly 1 beyond m ≈ 16.6, which turns a confident model's
/// ranking into ties.
public func predictMargins(_ model: TrainableClassifier, rows: [Int], batchSize: Int = 64) throws -> [Float] {
    var out: [Float] = []
    out.reserveCapacity(rows.count)
    for start in stride(from: 0, to: rows.count, by: batchSize) {
        let logits = try model.logits(for: Array(rows[start..<min(start + batchSize, rows.count)]), training: false)
        for k in 0..<logits.rows { out.append(logits.data[2 * k + 1] - logits.data[2 * k]) }
    }
    return out
}

/// Probability of class 1 from a logit margin: σ(m).
@inlinable public func probability(margin: Float) -> Float { 1 / (1 + exp(-margin)) }

/// Probability of class 1 for each row, in batches.
public func predictProbabilities(_ model: TrainableClassifier, rows: [Int], batchSize: Int = 64) throws -> [Float] {
    try predictMargins(model, rows: rows, batchSize: batchSize).map(probability(margin:))
}
