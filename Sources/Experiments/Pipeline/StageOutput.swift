import Datasets
import Foundation
import Training

/// One trained stage's saved output: scores on every split it saw, and its training record.
public struct StageOutput: Codable, Sendable {
    public var stage: String
    public var key: String
    /// Split → logit margin z₁ − z₀ (log-odds of class 1) per example, in the split's order. Ranking uses the
    /// margin; the probability σ(margin) is what a student learns from.
    public var margins: [Split: [Float]]
    public var training: TrainingResult
    public var seconds: Double
    /// CPU seconds of the stage (nil in stage files written before they were recorded).
    public var cpuSeconds: Double? = nil

    public func margins(_ split: Split) -> [Float] { margins[split] ?? [] }
    public func probabilities(_ split: Split) -> [Float] { margins(split).map(probability(margin:)) }
}

extension Split: CodingKeyRepresentable {}
