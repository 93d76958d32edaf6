import Determinism
import Analysis
import Datasets
import Foundation
import Probes
import Tensors
import Training
import Transformers

/// What the interventions need from a finished vanilla run.
struct InterventionContext {
    let splits: DatasetSplits
    let data: String
    let weak: ModelReference, strong: ModelReference
    let weakOut: StageOutput, ceilingOut: StageOutput
    /// The vanilla student of the first loss; interventions train their students with the same loss.
    let student: StageOutput
    let studentLoss: LossKind
    let weakScore: ModelScore, ceilingScore: ModelScore
}

extension WeakToStrongPipeline {
    /// The middle layer of the strong model unless configured.
    func probeLayer(strong: ModelReference) throws -> Int {
        try config.interventions.probeLayer ?? max(1, models.layerCount(strong) / 2)
    }

    func bootstrapRungs(strong: ModelReference) throws -> [ModelReference] {
        if let via = config.interventions.bootstrapVia { return try via.map { try ModelReference(parsing: $0) } }
        return [ModelReference(name: strong.name, layers: max(1, try models.layerCount(strong) / 2))]
    }

    /// Strong-model layers to extract alongside the last one, so one pass serves every intervention.
    func layersForInterventions(strong: ModelReference) throws -> [Int] {
        guard !config.methods.isEmpty else { return [] }
        var layers = Set<Int>()
        let methods = Set(config.methods)
        if !methods.isDisjoint(with: [.probe, .filter, .relabel]) { layers.insert(try probeLayer(strong: strong)) }
        if methods.contains(.probeSweep) {
            let last = try models.layerCount(strong)
            layers.formUnion([max(1, last / 4), max(1, last / 2)])
        }
        if methods.contains(.bootstrap) && config.mode == .head {
            for rung in try bootstrapRungs(strong: strong) where rung.name == strong.name { layers.insert(try models.layerCount(rung)) }
        }
        return layers.sorted()
    }

    /// Fails before any training when an intervention names a missing model or layer.
    func validateInterventions(strong: ModelReference) throws {
        let methods = Set(config.methods)
        let last = try models.layerCount(strong)
        if !methods.isDisjoint(with: [.probe, .filter, .relabel]) {
            let layer = try probeLayer(strong: strong)
            guard (1...last).contains(layer) else {
                throw ExperimentError.invalid("--probe-layer \(layer) does not exist in \(strong): choose 1…\(last)")
            }
        }
        if methods.contains(.bootstrap) {
            for rung in try bootstrapRungs(strong: strong) { _ = try models.layerCount(rung) }
        }
    }

    func runInterventions(_ c: InterventionContext) throws -> (methods: [MethodScore], sweep: [ProbeSweepPoint]) {
        let settings = config.interventions
        let testLabels = c.splits.test.map(\.label)
        let truthTrain = c.splits.strongTrain.map { Float($0.label) }
        let weakTrain = c.weakOut.predictions["strong_train"]!, weakValidation = c.weakOut.predictions["validation"]!
        func row(_ method: String, _ variant: String, _ test: [Float], note: String? = nil) -> MethodScore {
            let s = ModelScore(auc: rocAUC(scores: test, labels: testLabels) ?? .nan, accuracy: accuracy(probabilities: test, labels: testLabels))
            return MethodScore(method: method, variant: variant, test: s,
                               pgrAUC: performanceGapRecovered(weak: c.weakScore.auc, student: s.auc, ceiling: c.ceilingScore.auc),
                               pgrAUCInterval: bootstrapPGRInterval(weak: c.weakOut.predictions["test"]!, student: test,
                                                                    ceiling: c.ceilingOut.predictions["test"]!, labels: testLabels,
                                                                    seed: config.seed),
                               pgrAccuracy: performanceGapRecovered(weak: c.weakScore.accuracy, student: s.accuracy, ceiling: c.ceilingScore.accuracy),
                               note: note)
        }
        let strongSplits = [("strong_train", c.splits.strongTrain), ("validation", c.splits.validation), ("test", c.splits.test)]
        /// Early-stopping labels: the hard version of the labels the student learns from (never ground truth);
        /// the weak labels when those are one-class.
        func selectionLabels(_ p: [Float]) -> [Int] {
            let hard = p.map { $0 > 0.5 ? 1 : 0 }
            return Set(hard).count == 2 ? hard : weakValidation.map { $0 > 0.5 ? 1 : 0 }
        }
        func train(_ name: String, model: ModelReference? = nil, targets: [Float], keep: [Int]? = nil, validation: [Float]) throws -> StageOutput {
            let model = model ?? c.strong
            var training = config.strongTraining
            training.loss = c.studentLoss
            let validationLabels = selectionLabels(validation)
            var h = ContentHash()
            h.combine(targets); h.combine((keep ?? []).map(String.init).joined(separator: ",")); h.combine(validationLabels.map(Float.init))
            let stageKey = key("intervention", c.data, model.description, Self.json(training), h.hex)
            return try stage(name, key: stageKey) {
                try fit(stage: name, model: model, examples: strongSplits, trainSplit: "strong_train", targets: targets, keep: keep,
                        validationLabels: validationLabels, analysisLabels: testLabels, training: training, key: stageKey)
            }
        }
        let loss = c.studentLoss.name
        var rows: [MethodScore] = []
        let methods = Set(config.methods)
        // Every strong layer the interventions read, in one forward pass (the ceiling's pass already did this
        // unless the ceiling came from an earlier run's cache).
        if !extraStrongLayers.isEmpty {
            let started = Date()
            _ = try activations.activations(model: c.strong, examples: Self.strongExamples(c), layers: extraStrongLayers,
                                            maxLength: config.maxLength, progress: progress)
            stageSeconds["activations \(c.strong)", default: 0] += Date().timeIntervalSince(started)
        }

        if methods.contains(.strongToStrong) {
            var previous = c.student
            for iteration in 1...max(1, settings.strongToStrongIterations) {
                let out = try train("strong-to-strong \(iteration) \(loss) (\(c.strong))", targets: previous.predictions["strong_train"]!,
                                    validation: previous.predictions["validation"]!)
                rows.append(row("strong-to-strong", "iteration \(iteration) (\(loss))", out.predictions["test"]!))
                previous = out
            }
        }

        if methods.contains(.bootstrap) {
            var labels = c.weakOut
            var chain = [c.weak.description]
            for rung in try bootstrapRungs(strong: c.strong) + [c.strong] {
                chain.append(rung.description)
                let out = try train("bootstrap \(chain.joined(separator: "→")) \(loss)", model: rung,
                                    targets: labels.predictions["strong_train"]!, validation: labels.predictions["validation"]!)
                rows.append(row("bootstrap", chain.joined(separator: " → "), out.predictions["test"]!,
                                note: rung == c.strong ? "direct weak → strong student: see the \(loss) student row" : nil))
                labels = out
            }
        }

        let needsProbes = !methods.isDisjoint(with: [.probe, .filter, .relabel])
        if needsProbes {
            let layer = try probeLayer(strong: c.strong)
            let (train_, validation, test) = try strongActivations(c, layer: layer)
            let knn = try KNNProbe(features: train_, labels: weakTrain, k: settings.knnK)
            let logistic = try LogisticRegression(features: train_, labels: weakTrain, penalty: settings.logisticPenalty)
            let knnName = "kNN k=\(settings.knnK), layer \(layer)", logisticName = "logistic λ=\(settings.logisticPenalty), layer \(layer)"
            if methods.contains(.probe) {
                rows.append(row("probe", knnName, knn.predict(test)))
                rows.append(row("probe", logisticName, logistic.predict(test)))
            }
            let inSample: [(String, [Float], [Float])] = [(knnName, knn.predictTrainingPoints(), knn.predict(validation)),
                                                          (logisticName, logistic.predict(train_), logistic.predict(validation))]
            if methods.contains(.filter) {
                func describe(_ kept: [Int]) -> String {
                    let keptSet = Set(kept)
                    let removed = weakTrain.indices.filter { !keptSet.contains($0) }
                    func labelAccuracy(_ rows: [Int]) -> Double {
                        rows.isEmpty ? .nan : Double(rows.filter { (weakTrain[$0] > 0.5) == (truthTrain[$0] > 0.5) }.count) / Double(rows.count)
                    }
                    return String(format: "removed %d; weak-label accuracy removed %.3f, kept %.3f", removed.count,
                                  labelAccuracy(removed), labelAccuracy(kept))
                }
                var filters: [(String, [Int], String?)] = []
                for (name, predictions, _) in inSample {
                    filters.append((name, try LabelFilter.keepAgreeing(probe: predictions, labels: weakTrain, fraction: settings.filterFraction), nil))
                }
                let topo = try TopoFilter(componentK: settings.topoK, zetaK: settings.topoK, fraction: settings.filterFraction)
                    .filter(features: train_, labels: weakTrain)
                filters.append(("TopoFilter k=\(settings.topoK), layer \(layer)", topo.kept,
                                topo.componentsExceededTarget ? "TopoCC alone removed \(topo.removedByComponents), more than the target"
                                    : "TopoCC removed \(topo.removedByComponents), the ζ step \(topo.removedByZeta)"))
                for (name, kept, extra) in filters {
                    let out = try train("filter \(name) \(loss)", targets: weakTrain, keep: kept, validation: weakValidation)
                    rows.append(row("filter \(Int((settings.filterFraction * 100).rounded()))%", "\(name) (\(loss))", out.predictions["test"]!,
                                    note: ([describe(kept)] + (extra.map { [$0] } ?? [])).joined(separator: "; ")))
                }
            }
            if methods.contains(.relabel) {
                for (name, predictions, validationPredictions) in inSample {
                    let out = try train("relabel \(name) \(loss)", targets: predictions, validation: validationPredictions)
                    rows.append(row("relabel", "\(name) (\(loss))", out.predictions["test"]!))
                }
            }
        }

        if methods.contains(.linearity) {
            rows += try linearityRows(c, row: row)
        }

        var sweep: [ProbeSweepPoint] = []
        if methods.contains(.probeSweep) {
            let last = try models.layerCount(c.strong)
            for layer in Set([max(1, last / 4), max(1, last / 2), last]).sorted() {
                let (train_, _, test) = try strongActivations(c, layer: layer)
                let search = try KNNProbe(features: train_, labels: weakTrain, k: 1).search
                let neighbours = search.neighbors(of: test, k: settings.sweepK.max() ?? 1)
                for k in settings.sweepK {
                    let predictions = neighbours.map { list in list.prefix(k).reduce(Float(0)) { $0 + weakTrain[$1] } / Float(max(1, min(k, list.count))) }
                    let auc = rocAUC(scores: predictions, labels: testLabels) ?? .nan
                    sweep.append(ProbeSweepPoint(probe: "knn", layer: layer, parameter: Double(k), testAUC: auc, minusWeakAUC: auc - c.weakScore.auc))
                }
                for penalty in settings.sweepPenalty {
                    let predictions = try LogisticRegression(features: train_, labels: weakTrain, penalty: penalty).predict(test)
                    let auc = rocAUC(scores: predictions, labels: testLabels) ?? .nan
                    sweep.append(ProbeSweepPoint(probe: "logistic", layer: layer, parameter: penalty, testAUC: auc, minusWeakAUC: auc - c.weakScore.auc))
                }
            }
        }
        return (rows, sweep)
    }

    /// Burns et al. §5.2.3: linear probes on the pretrained strong model (lp) against finetuning (ft).
    func linearityRows(_ c: InterventionContext, row: (String, String, [Float], String?) -> MethodScore) throws -> [MethodScore] {
        let penalty = config.interventions.logisticPenalty
        let weakTrain = c.weakOut.predictions["strong_train"]!
        let truthTrain = c.splits.strongTrain.map { Float($0.label) }
        let (train_, _, test) = try strongActivations(c, layer: -1)
        var rows = [
            row("linearity", "lp(weak)", try LogisticRegression(features: train_, labels: weakTrain, penalty: penalty).predict(test), nil),
            row("linearity", "lp(gt)", try LogisticRegression(features: train_, labels: truthTrain, penalty: penalty).predict(test), nil),
            row("linearity", "ft(weak)", c.student.predictions["test"]!, "the \(c.studentLoss.name) student"),
        ]
        if config.mode == .head {
            rows.append(row("linearity", "ft(weak)+lp(gt)", try LogisticRegression(features: train_, labels: truthTrain, penalty: penalty).predict(test),
                            "head mode keeps the backbone frozen, so this equals lp(gt)"))
        } else if let features = try? MatrixFile.read(featuresURL(stageKey: c.student.key)) {
            let n = c.splits.strongTrain.count, v = c.splits.validation.count
            let finetunedTrain = Self.rows(features, 0..<n), finetunedTest = Self.rows(features, (n + v)..<features.rows)
            rows.append(row("linearity", "ft(weak)+lp(gt)",
                            try LogisticRegression(features: finetunedTrain, labels: truthTrain, penalty: penalty).predict(finetunedTest),
                            "probe on the weak-finetuned student's activations"))
        }
        rows.append(row("linearity", "ft(gt)", c.ceilingOut.predictions["test"]!, "the strong ceiling"))
        return rows
    }

    /// Pretrained strong-model activations at `layer` (-1: last) on strong-train, validation and test.
    func strongActivations(_ c: InterventionContext, layer: Int) throws -> (train: Tensor, validation: Tensor, test: Tensor) {
        let started = Date()
        let all = try activations.activations(model: c.strong, examples: Self.strongExamples(c), layers: [layer], maxLength: config.maxLength,
                                              progress: progress)[layer]!
        stageSeconds["activations \(c.strong)", default: 0] += Date().timeIntervalSince(started)
        let n = c.splits.strongTrain.count, v = c.splits.validation.count
        return (Self.rows(all, 0..<n), Self.rows(all, n..<(n + v)), Self.rows(all, (n + v)..<all.rows))
    }

    /// strong-train, validation and test in the order every strong stage uses (so activation keys match).
    static func strongExamples(_ c: InterventionContext) -> [Example] {
        c.splits.strongTrain + c.splits.validation + c.splits.test
    }

    static func rows(_ t: Tensor, _ range: Range<Int>) -> Tensor {
        let d = t.columns
        return Tensor(shape: [range.count, d], data: Array(t.data[(range.lowerBound * d)..<(range.upperBound * d)]))
    }
}
