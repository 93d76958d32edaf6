import Analysis
import Datasets
import Foundation
import Probes
import Tensors
import Training
import Transformers

extension WeakToStrongPipeline {
    /// The middle layer of the strong model unless configured.
    func probeLayer(strong: ModelReference) throws -> Int {
        try config.interventions.probeLayer ?? max(1, models.layerCount(strong) / 2)
    }

    func bootstrapRungs(strong: ModelReference) throws -> [ModelReference] {
        if let via = config.interventions.bootstrapVia { return try via.map { try ModelReference(parsing: $0) } }
        return [ModelReference(name: strong.name, layers: max(1, try models.layerCount(strong) / 2))]
    }

    /// The rungs of `bootstrap-pretrained`: `--bootstrap-pretrained-via`, else every catalog model that lies
    /// strictly between the (largest) weak model and the strong one in the catalog's size order.
    func pretrainedRungs(strong: ModelReference) throws -> [ModelReference] {
        if let via = config.interventions.bootstrapPretrainedVia { return try via.map { try ModelReference(parsing: $0) } }
        let names = ModelCatalog.entries.map(\.name)
        let weakest = try config.weakModels.map { try ModelReference(parsing: $0).name }
        guard let top = weakest.compactMap({ names.firstIndex(of: $0) }).max(), let bottom = names.firstIndex(of: strong.name),
              top + 1 < bottom else { return [] }
        return names[(top + 1)..<bottom].map { ModelReference(name: $0) }
    }

    /// Layers of the probe sweep: a quarter, half and all of the strong model's depth.
    func sweepLayers(strong: ModelReference) throws -> [Int] {
        let last = try models.layerCount(strong)
        return Set([max(1, last / 4), max(1, last / 2), last]).sorted()
    }

    /// Strong-model layers to extract alongside the last one, so one pass serves every intervention.
    func layersForInterventions(strong: ModelReference) throws -> [Int] {
        let methods = Set(config.methods)
        var layers = Set<Int>()
        if !methods.isDisjoint(with: Intervention.readingProbes) { layers.insert(try probeLayer(strong: strong)) }
        if methods.contains(.probeSweep) { layers.formUnion(try sweepLayers(strong: strong).dropLast()) }
        if methods.contains(.bootstrap) && config.mode == .head {
            for rung in try bootstrapRungs(strong: strong) where rung.name == strong.name { layers.insert(try models.layerCount(rung)) }
        }
        return layers.sorted()
    }

    /// Fails before any training when an intervention names a missing model or layer.
    func validateInterventions(strong: ModelReference) throws {
        let methods = Set(config.methods)
        let last = try models.layerCount(strong)
        if !methods.isDisjoint(with: Intervention.readingProbes) {
            let layer = try probeLayer(strong: strong)
            guard (1...last).contains(layer) else {
                throw ExperimentError.invalid("--probe-layer \(layer) does not exist in \(strong): choose 1…\(last)")
            }
        }
        if methods.contains(.bootstrap) {
            for rung in try bootstrapRungs(strong: strong) { _ = try models.layerCount(rung); _ = try models.identity(rung) }
        }
        if methods.contains(.bootstrapPretrained) {
            for rung in try pretrainedRungs(strong: strong) { _ = try models.layerCount(rung); _ = try models.identity(rung) }
        }
    }
}

extension Intervention {
    /// The interventions that read the probes fit at the probe layer.
    static let readingProbes: Set<Intervention> = [.probe, .filter, .relabel]
}

/// The interventions of one finished vanilla run: one function each, chosen by `run`'s switch, every row
/// scored by the run's `Scorer` like the vanilla students and every student trained through the pipeline's
/// stages (cached by content, resumable).
final class InterventionRun {
    let pipeline: WeakToStrongPipeline
    let splits: DatasetSplits
    /// The weak supervisor as configured (one model, or the members of an ensemble).
    let weak: String, strong: ModelReference
    let weakOut: StageOutput, ceilingOut: StageOutput
    /// The vanilla student of the first loss; intervention students train with the same loss.
    let student: StageOutput
    let studentLoss: LossKind
    let scorer: Scorer
    var settings: InterventionSettings { pipeline.config.interventions }
    /// The soft weak labels of strong-train and validation.
    let weakTrain: [Float], weakValidation: [Float]

    init(pipeline: WeakToStrongPipeline, splits: DatasetSplits, weak: String, strong: ModelReference,
         weakOut: StageOutput, ceilingOut: StageOutput, student: StageOutput, studentLoss: LossKind, scorer: Scorer) {
        self.pipeline = pipeline; self.splits = splits; self.weak = weak; self.strong = strong
        self.weakOut = weakOut; self.ceilingOut = ceilingOut; self.student = student; self.studentLoss = studentLoss
        self.scorer = scorer
        weakTrain = weakOut.probabilities(.strongTrain); weakValidation = weakOut.probabilities(.validation)
    }

    func run(_ methods: [Intervention]) throws -> (arms: [ArmScore], sweep: [ProbeSweepPoint]) {
        // Every strong layer the interventions read, in one forward pass (the ceiling's pass already did this
        // unless the ceiling came from an earlier run's cache).
        if pipeline.config.mode == .head || !pipeline.extraStrongLayers.isEmpty {
            _ = try strongActivations(layers: [-1] + pipeline.extraStrongLayers)
        }
        var arms: [ArmScore] = [], sweep: [ProbeSweepPoint] = []
        for method in Intervention.allCases where methods.contains(method) {
            switch method {
            case .strongToStrong: arms += try strongToStrong()
            case .bootstrap: arms += try bootstrap("bootstrap", rungs: try pipeline.bootstrapRungs(strong: strong))
            case .bootstrapPretrained:
                let rungs = try pipeline.pretrainedRungs(strong: strong)
                if rungs.isEmpty {
                    pipeline.progress.note("bootstrap-pretrained: no catalog model lies between \(weak) and \(strong); give --bootstrap-pretrained-via")
                } else {
                    arms += try bootstrap("bootstrap-pretrained", rungs: rungs)
                }
            case .probe: arms += try probe()
            case .filter: arms += try filter()
            case .confident: arms += try confident()
            case .relabel: arms += try relabel()
            case .linearity: arms += try linearity()
            case .probeSweep: sweep += try probeSweep()
            }
        }
        return (arms, sweep)
    }

    // MARK: Shared pieces

    var loss: String { studentLoss.label }

    /// A student of the intervention: the first loss, learning `targets` on strong-train (the rows at `keep`),
    /// early-stopped on the labels it learns (their validation part, `validation`), never on ground truth.
    func train(_ arm: Arm, model: ModelReference? = nil, targets: [Float], keep: [Int]? = nil, validation: [Float]) throws -> StageOutput {
        var training = pipeline.config.strongTraining
        training.loss = studentLoss
        return try pipeline.train(arm, model: model ?? strong, splits: splits, on: .strongTrain, scoring: Split.strongSide,
                                  targets: targets, keep: keep, selection: .weakLabels(validation), training: training, upstream: [])
    }

    func score(_ arm: Arm, _ out: StageOutput, note: String? = nil) -> ArmScore {
        scorer.score(arm, margins: out.margins(.test), description: studentLoss.description, training: out.training, note: note)
    }

    func score(_ arm: Arm, probabilities: [Float], note: String? = nil) -> ArmScore {
        scorer.score(arm, margins: margins(probabilities: probabilities), description: arm.methodParts.variant, note: note)
    }

    /// Pretrained strong-model activations at `layers` (-1: last) on strong-train, validation and test.
    func strongActivations(layers: [Int]) throws -> [Int: Tensor] {
        let started = Date(), cpu = CPUClock()
        defer {
            pipeline.stageSeconds["activations \(strong)", default: 0] += Date().timeIntervalSince(started)
            pipeline.stageCPUSeconds["activations \(strong)", default: 0] += cpu.elapsed
        }
        return try pipeline.activations.activations(model: strong, examples: Split.strongSide.flatMap { splits[$0] }, layers: layers,
                                                    maxLength: pipeline.config.maxLength, progress: pipeline.progress)
    }

    /// One layer's activations cut into (strong-train, validation, test).
    func strongActivations(layer: Int) throws -> (train: Tensor, validation: Tensor, test: Tensor) {
        let all = try strongActivations(layers: [layer])[layer]!
        let n = splits.strongTrain.count, v = splits.validation.count
        return (all.rows(0..<n), all.rows(n..<(n + v)), all.rows((n + v)..<all.rows))
    }

    /// The kNN and logistic probes at the probe layer, fit to the weak labels (probe, filter and relabel share them).
    struct Probes {
        let layer: Int
        let features: (train: Tensor, validation: Tensor, test: Tensor)
        /// (name, in-sample predictions on strong-train, predictions on validation, predictions on test).
        let fitted: [(name: String, train: [Float], validation: [Float], test: [Float])]
    }

    lazy var probes: Result<Probes, Error> = Result {
        let layer = try pipeline.probeLayer(strong: strong)
        let features = try strongActivations(layer: layer)
        let knn = try KNNProbe(features: features.train, labels: weakTrain, k: settings.knnK)
        let logistic = try LogisticRegression(features: features.train, labels: weakTrain, penalty: settings.logisticPenalty)
        return Probes(layer: layer, features: features, fitted: [
            ("kNN k=\(settings.knnK), layer \(layer)", knn.predictTrainingPoints(), knn.predict(features.validation), knn.predict(features.test)),
            ("logistic λ=\(settings.logisticPenalty), layer \(layer)", logistic.predict(features.train), logistic.predict(features.validation),
             logistic.predict(features.test)),
        ])
    }

    // MARK: One function per intervention

    /// Relabel strong-train with the student's own predictions and train a fresh student, `iterations` times.
    func strongToStrong() throws -> [ArmScore] {
        var previous = student
        return try (1...max(1, settings.strongToStrongIterations)).map { iteration in
            let arm = Arm.method("strong-to-strong", "iteration \(iteration) (\(loss))")
            let out = try train(arm, targets: previous.probabilities(.strongTrain), validation: previous.probabilities(.validation))
            previous = out
            return score(arm, out)
        }
    }

    /// weak → intermediate rungs → strong, each rung trained on the previous rung's labels: `bootstrap` (rungs of
    /// the strong model truncated, NAME@k) and `bootstrap-pretrained` (separately pretrained models).
    func bootstrap(_ method: String, rungs: [ModelReference]) throws -> [ArmScore] {
        var labels = weakOut
        var chain = [weak]
        return try (rungs + [strong]).map { rung in
            chain.append(rung.description)
            let arm = Arm.method(method, chain.joined(separator: " → ") + " (\(loss))")
            let out = try train(arm, model: rung, targets: labels.probabilities(.strongTrain), validation: labels.probabilities(.validation))
            labels = out
            return score(arm, out, note: rung == strong ? "direct weak → strong student: see the \(loss) student row" : nil)
        }
    }

    /// The probes' own test predictions.
    func probe() throws -> [ArmScore] {
        try probes.get().fitted.map { score(.method("probe", $0.name), probabilities: $0.test) }
    }

    /// Drop the strong-train rows where a probe (kNN, logistic, TopoFilter) disagrees most with the weak label.
    func filter() throws -> [ArmScore] {
        let p = try probes.get()
        var filters: [(name: String, kept: [Int], note: String?)] = try p.fitted.map {
            ($0.name, try LabelFilter.keepAgreeing(probe: $0.train, labels: weakTrain, fraction: settings.filterFraction), nil)
        }
        let topo = try TopoFilter(componentK: settings.topoK, zetaK: settings.topoK, fraction: settings.filterFraction)
            .filter(features: p.features.train, labels: weakTrain)
        filters.append(("TopoFilter k=\(settings.topoK), layer \(p.layer)", topo.kept,
                        topo.componentsExceededTarget ? "TopoCC alone removed \(topo.removedByComponents), more than the target"
                            : "TopoCC removed \(topo.removedByComponents), the ζ step \(topo.removedByZeta)"))
        let truth = splits.strongTrain.map(\.label)
        func labelAccuracy(_ rows: [Int]) -> Double {
            rows.isEmpty ? .nan : Double(rows.filter { (weakTrain[$0] > 0.5 ? 1 : 0) == truth[$0] }.count) / Double(rows.count)
        }
        return try filters.map { name, kept, extra in
            let keptSet = Set(kept)
            let removed = weakTrain.indices.filter { !keptSet.contains($0) }
            let arm = Arm.method("filter \(Int((settings.filterFraction * 100).rounded()))%", "\(name) (\(loss))")
            let out = try train(arm, targets: weakTrain, keep: kept, validation: weakValidation)
            let described = String(format: "removed %d; weak-label accuracy removed %.3f, kept %.3f", removed.count,
                                   labelAccuracy(removed), labelAccuracy(kept))
            return score(arm, out, note: ([described] + (extra.map { [$0] } ?? [])).joined(separator: "; "))
        }
    }

    /// Train the student only on the most confident fraction of strong-train by weak-label confidence |p − ½|; early
    /// stopping as for the vanilla student (all validation weak labels).
    func confident() throws -> [ArmScore] {
        let fraction = settings.confidentFraction ?? InterventionSettings.defaultConfidentFraction
        let kept = try ConfidentLabels.mostConfident(labels: weakTrain, fraction: fraction)
        let truth = splits.strongTrain.map(\.label)
        let keptSet = Set(kept)
        let removed = weakTrain.indices.filter { !keptSet.contains($0) }
        func labelAccuracy(_ rows: [Int]) -> Double {
            rows.isEmpty ? .nan : Double(rows.filter { (weakTrain[$0] > 0.5 ? 1 : 0) == truth[$0] }.count) / Double(rows.count)
        }
        let arm = Arm.method("confident \(Self.percent(fraction))", "weak-label confidence (\(loss))")
        let out = try train(arm, targets: weakTrain, keep: kept, validation: weakValidation)
        let positives = kept.filter { weakTrain[$0] > 0.5 }.count
        return [score(arm, out, note: String(format: "kept %d (%d weak positives); weak-label accuracy kept %.3f, removed %.3f",
                                             kept.count, positives, labelAccuracy(kept), labelAccuracy(removed)))]
    }

    /// "50%", "12.5%".
    static func percent(_ fraction: Double) -> String { String(format: "%g%%", fraction * 100) }

    /// Train the student on a probe's in-sample predictions instead of the weak labels.
    func relabel() throws -> [ArmScore] {
        try probes.get().fitted.map { probe in
            let arm = Arm.method("relabel", "\(probe.name) (\(loss))")
            return score(arm, try train(arm, targets: probe.train, validation: probe.validation))
        }
    }

    /// Burns et al. §5.2.3: linear probes on the pretrained strong model (lp) against finetuning (ft).
    func linearity() throws -> [ArmScore] {
        let penalty = settings.logisticPenalty
        let truthTrain = splits.strongTrain.map { Float($0.label) }
        let features = try strongActivations(layer: -1)
        func lp(_ labels: [Float], _ train: Tensor, _ test: Tensor) throws -> [Float] {
            try LogisticRegression(features: train, labels: labels, penalty: penalty).predict(test)
        }
        let row = Arm.Linearity.self
        var rows = [
            score(row.probeWeak, probabilities: try lp(weakTrain, features.train, features.test)),
            score(row.probeTruth, probabilities: try lp(truthTrain, features.train, features.test)),
            scorer.score(row.finetunedWeak, margins: student.margins(.test), description: "the \(loss) student", note: "the \(loss) student"),
        ]
        if pipeline.config.mode == .head {
            rows.append(score(row.finetunedWeakProbeTruth, probabilities: try lp(truthTrain, features.train, features.test),
                              note: "head mode keeps the backbone frozen, so this equals lp(gt)"))
        } else {
            // The student stage wrote them (a cached stage without them runs again: `WeakToStrongPipeline.stage`).
            let finetuned = try MatrixFile.read(pipeline.featuresURL(stageKey: student.key))
            let n = splits.strongTrain.count, v = splits.validation.count
            rows.append(score(row.finetunedWeakProbeTruth, probabilities: try lp(truthTrain, finetuned.rows(0..<n), finetuned.rows((n + v)..<finetuned.rows)),
                              note: "probe on the weak-finetuned student's activations"))
        }
        rows.append(scorer.score(row.finetunedTruth, margins: ceilingOut.margins(.test), description: "the strong ceiling", note: "the strong ceiling"))
        return rows
    }

    /// Probe AUC minus the weak labels' AUC over k, the L2 penalty and the layer (written to probe_sweep.csv).
    func probeSweep() throws -> [ProbeSweepPoint] {
        let testLabels = splits.test.map(\.label)
        var sweep: [ProbeSweepPoint] = []
        for layer in try pipeline.sweepLayers(strong: strong) {
            let features = try strongActivations(layer: layer == (try pipeline.models.layerCount(strong)) ? -1 : layer)
            let neighbours = try KNNProbe(features: features.train, labels: weakTrain, k: 1).search
                .neighbors(of: features.test, k: settings.sweepK.max() ?? 1)
            func point(_ probe: String, _ parameter: Double, _ predictions: [Float]) -> ProbeSweepPoint {
                let auc = rocAUC(scores: predictions, labels: testLabels) ?? .nan
                return ProbeSweepPoint(probe: probe, layer: layer, parameter: parameter, testAUC: auc, minusWeakAUC: auc - scorer.weak.auc)
            }
            for k in settings.sweepK {
                sweep.append(point("knn", Double(k), neighbours.map { list in
                    list.prefix(k).reduce(Float(0)) { $0 + weakTrain[$1] } / Float(max(1, min(k, list.count)))
                }))
            }
            for penalty in settings.sweepPenalty {
                sweep.append(point("logistic", penalty,
                                   try LogisticRegression(features: features.train, labels: weakTrain, penalty: penalty).predict(features.test)))
            }
        }
        return sweep
    }
}

extension Tensor {
    /// A copy of rows `range` of a matrix.
    func rows(_ range: Range<Int>) -> Tensor {
        let d = columns
        return Tensor(shape: [range.count, d], data: Array(data[(range.lowerBound * d)..<(range.upperBound * d)]))
    }
}

extension Arm {
    /// The rows of the linearity analysis (Burns et al. §5.2.3): linear probes (lp) on the pretrained strong model and
    /// finetuning (ft), each on weak labels or ground truth.
    public enum Linearity {
        public static let probeWeak = Arm.method("linearity", "lp(weak)")
        public static let probeTruth = Arm.method("linearity", "lp(gt)")
        public static let finetunedWeak = Arm.method("linearity", "ft(weak)")
        public static let finetunedWeakProbeTruth = Arm.method("linearity", "ft(weak)+lp(gt)")
        public static let finetunedTruth = Arm.method("linearity", "ft(gt)")
    }

    /// What an arm restates when it is another arm of the same run under a second name, nil otherwise: linearity's
    /// ft(weak) is the student of the interventions' loss, ft(gt) the ceiling, and in head mode, whose backbone stays
    /// frozen, ft(weak)+lp(gt) is lp(gt). A run's own table keeps them (the analysis reads as one table); comparisons
    /// against a student, PGR charts and PGR counts leave them out: there they would be a difference of exactly 0, or
    /// the ceiling tested as if it were a method.
    public static func restatement(of id: String, mode: String) -> String? {
        switch id {
        case Linearity.finetunedWeak.id: return "the student"
        case Linearity.finetunedTruth.id: return "the ceiling"
        case Linearity.finetunedWeakProbeTruth.id where mode == TrainingMode.head.rawValue: return Linearity.probeTruth.id
        default: return nil
        }
    }
}
