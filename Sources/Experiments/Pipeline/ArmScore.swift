import Analysis
import Foundation

public struct ModelScore: Codable, Sendable, Hashable {
    public var auc: Double
    public var accuracy: Double
    /// Mean squared error of σ(margin) against the labels (nil in summaries written before it was recorded).
    public var brier: Double?

    /// AUC ranks by the margin; accuracy thresholds it at 0 (probability ½).
    public init(margins: [Float], labels: [Int]) {
        auc = rocAUC(scores: margins, labels: labels) ?? .nan
        accuracy = Analysis.accuracy(probabilities: margins, labels: labels, threshold: 0)
        brier = brierScore(margins: margins, labels: labels)
    }

    public init(auc: Double, accuracy: Double) { self.auc = auc; self.accuracy = accuracy }
}

/// How a trained arm's training went (students and intervention students).
public struct TrainingSummary: Codable, Sendable {
    public var bestStep: Int
    public var totalSteps: Int
    /// What early stopping maximised.
    public var selection: String
    /// The best ground-truth test AUC at any evaluation: what an oracle ("cheating") stop would report.
    public var oracleStopAUC: Double?
    public var oracleStopPGR: Double?
    /// The step of the oracle stop (the first evaluation reaching `oracleStopAUC`).
    public var oracleStopStep: Int?
    /// The ground-truth test AUC at the last evaluation (the last step: fixed epochs, no early stopping).
    public var lastStepAUC: Double?
    public var lastStepPGR: Double?
}

/// A student or intervention row, scored on the ground-truth test set against the weak supervisor and the ceiling.
public struct ArmScore: Codable, Sendable {
    public var arm: Arm
    public var description: String
    public var test: ModelScore
    public var pgrAUC: Double?
    /// 95% paired bootstrap interval of `pgrAUC`, resampling whole source questions.
    public var pgrAUCInterval: BootstrapInterval?
    public var pgrAccuracy: Double?
    /// Agreement of the arm's hard predictions with the weak supervisor's on the test set.
    public var agreement: Agreement
    public var training: TrainingSummary?
    public var note: String?
    /// Disagreement with the weak supervisor on test (Charikar et al. 2024); nil in summaries written before it was recorded.
    public var misfit: Misfit?
}
