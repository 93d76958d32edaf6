import Datasets
import Determinism
import Foundation
import Training
import Transformers

/// One member of a weak ensemble: its trained stage and its vote in the combination.
struct WeakMember {
    let model: ModelReference
    let output: StageOutput
    /// Its weight in the combination (1 for the mean, α for boosting).
    let vote: Double
    /// How it was trained and weighted, for the results table.
    let note: String
}

extension WeakToStrongPipeline {
    /// The weak supervisor: with one model its ground-truth stage; with several (`--weak A,B,…`) the ensemble of
    /// `config.weakCombination` as one stage output (margins = log-odds of the combined probability) whose key hashes
    /// every member's key and the combination, so students and interventions downstream treat it like one model.
    func trainWeak(_ models: [ModelReference], splits: DatasetSplits) throws -> (weak: StageOutput, members: [WeakMember]) {
        let truth = splits.weakTrain.map { Float($0.label) }
        let selection = Selection.auc(labels: splits.validation.map(\.label))
        guard models.count > 1 else {
            return (try train(.weak, model: models[0], splits: splits, on: .weakTrain, scoring: Split.allCases, targets: truth,
                              selection: selection, training: config.weakTraining, upstream: []), [])
        }
        let combination = config.weakCombination ?? ExperimentDefaults.weakCombination
        let n = splits.weakTrain.count
        var weights = [Double](repeating: 1 / Double(n), count: n)
        var members: [WeakMember] = []
        for (t, model) in models.enumerated() {
            // Boosting resamples weak-train by the weights its predecessors' errors set; the first member (uniform
            // weights) and every member of the mean see all of it.
            let keep = combination == .boost && t > 0
                ? WeakEnsemble.resample(weights: weights, count: n, seed: config.seed &+ UInt64(t)) : nil
            let out = try train(.weakMember(model.description), model: model, splits: splits, on: .weakTrain, scoring: Split.allCases,
                                targets: truth, keep: keep, selection: selection, training: config.weakTraining, upstream: [])
            switch combination {
            case .mean:
                members.append(WeakMember(model: model, output: out, vote: 1, note: "weight 1/\(models.count)"))
            case .boost:
                let correct = zip(out.margins(.weakTrain), splits.weakTrain).map { ($0.0 > 0) == ($0.1.label == 1) }
                let round = WeakEnsemble.boostRound(weights: weights, correct: correct)
                let sample = keep == nil ? "all of weak-train" : "weak-train resampled by the boosting weights"
                members.append(WeakMember(model: model, output: out, vote: round.alpha,
                                          note: String(format: "weighted weak-train error ε %.3f, vote α %.3f; trained on %@", round.error, round.alpha, sample)))
                weights = round.nextWeights
            }
        }
        let votes = members.map(\.vote)
        var margins: [Split: [Float]] = [:]
        for split in Split.allCases {
            margins[split] = Experiments.margins(probabilities: WeakEnsemble.combine(members.map { $0.output.probabilities(split) }, weights: votes))
        }
        let validationAUC = ModelScore(margins: margins[.validation]!, labels: splits.validation.map(\.label)).auc
        let name = Arm.weak.stage("\(combination.rawValue) of \(models.map(\.description).joined(separator: ", "))")
        let key = key(["weak-ensemble", combination.rawValue] + members.map(\.output.key))
        let result = TrainingResult(curve: [], bestStep: 0, bestValidationScore: validationAUC,
                                    selection: "ensemble (\(combination.rawValue)) of \(models.count) weak models", totalSteps: 0, seconds: 0)
        return (StageOutput(stage: name, key: key, margins: margins, training: result, seconds: 0), members)
    }
}
