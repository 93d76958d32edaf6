import Determinism
import Analysis
import Datasets
import Foundation
import Tensors
import Training
import Transformers

/// One stage's saved output: predictions on every split it scored, and its training record.
public struct StageOutput: Codable, Sendable {
    public var stage: String
    public var key: String
    /// Split name → P(class 1) per example, in the split's order.
    public var predictions: [String: [Float]]
    public var training: TrainingResult
    public var seconds: Double
}

/// The weak-to-strong experiment of Burns et al. for one dataset and seed:
/// weak supervisor (ground truth) → weak labels → strong ceiling (ground truth) → strong students
/// (weak labels, one per loss) → ground-truth test metrics and PGR.
///
/// Every stage's output is stored under a key hashed from all of its inputs, so a rerun reuses
/// finished stages and a killed run resumes where it stopped.
public final class WeakToStrongPipeline {
    public let config: ExperimentConfig
    public let runsRoot: URL
    public let dataDirectory: URL
    public let models: ModelStore
    public let progress: ProgressDisplay
    public let activations: ActivationCache
    public var runDirectory: URL { runsRoot.appendingPathComponent(config.runName) }
    var stageSeconds: [String: Double] = [:]
    var cachedStages: [String] = []
    /// Layers of the strong model the interventions read, extracted in the same pass as the last layer.
    var extraStrongLayers: [Int] = []

    public init(config: ExperimentConfig, runsRoot: URL, dataDirectory: URL, models: ModelStore = ModelStore(),
                progress: ProgressDisplay = ProgressDisplay()) {
        self.config = config; self.runsRoot = runsRoot; self.dataDirectory = dataDirectory
        self.models = models; self.progress = progress
        activations = ActivationCache(directory: runsRoot.appendingPathComponent(".cache/activations"), models: models)
    }

    // MARK: Splits

    public func splits() throws -> DatasetSplits {
        let url = runDirectory.appendingPathComponent("splits.json")
        if let saved = try? AtomicFile.readJSON(DatasetSplits.self, from: url) { return saved }
        let splits = try config.userData.map { try $0.splits(sizes: config.sizes, seed: config.seed) }
            ?? DatasetRegistry.standard.load(config.dataset, dataDirectory: dataDirectory, sizes: config.sizes, seed: config.seed)
        for (name, examples) in splits.all {
            guard Set(examples.map(\.label)).count == 2 else {
                throw ExperimentError.invalid("\(config.dataset): the \(name) split has \(examples.count) examples of one class; choose larger sizes or another dataset")
            }
        }
        try AtomicFile.writeJSON(splits, to: url)
        return splits
    }

    static func fingerprint(_ splits: DatasetSplits) -> String {
        var h = ContentHash()
        for (split, examples) in splits.all { h.combine(split.rawValue); for e in examples { h.combine(e.id); h.combine(e.label) } }
        return h.hex
    }

    // MARK: Stages

    /// Loads a finished stage by key, or runs `body` and stores its output atomically.
    func stage(_ name: String, key: String, _ body: () throws -> StageOutput) throws -> StageOutput {
        let cacheURL = runsRoot.appendingPathComponent(".cache/stages/\(key).json")
        let activationSecondsBefore = stageSeconds.filter { $0.key.hasPrefix("activations") }.values.reduce(0, +)
        let runCopy = runDirectory.appendingPathComponent("stages/\(name).json")
        if FileManager.default.fileExists(atPath: cacheURL.path), let saved = try? AtomicFile.readJSON(StageOutput.self, from: cacheURL),
           saved.key == key {
            progress.note("\(name.padding(toLength: 34, withPad: " ", startingAt: 0)) cached (finished earlier)")
            cachedStages.append(name)
            stageSeconds[name] = saved.seconds
            try AtomicFile.writeJSON(saved, to: runCopy)
            return saved
        }
        let started = Date()
        var output = try body()
        // Training time only: activation extraction is timed under its own name.
        output.seconds = Date().timeIntervalSince(started) - (stageSeconds.filter { $0.key.hasPrefix("activations") }.values.reduce(0, +) - activationSecondsBefore)
        stageSeconds[name] = output.seconds
        try AtomicFile.writeJSON(output, to: cacheURL)
        try AtomicFile.writeJSON(output, to: runCopy)
        return output
    }

    /// Trains one classifier on the `trainSplit` rows (only those at positions `keep`, when given; `targets`
    /// has one entry per row of the split) and predicts every split. `exportFeatures`: in lora/full mode,
    /// also store the trained encoder's pooled activations (for the linearity analysis).
    func fit(stage name: String, model: ModelReference, examples: [(String, [Example])], trainSplit: String,
             targets: [Float], keep: [Int]? = nil, validationLabels: [Int], analysisLabels: [Int], training: TrainingConfig,
             key: String, exportFeatures: Bool = false) throws -> StageOutput {
        var offsets: [String: Range<Int>] = [:]
        var all: [Example] = []
        for (split, list) in examples { offsets[split] = all.count..<(all.count + list.count); all += list }
        let splitRows = Array(offsets[trainSplit]!)
        let positions = keep ?? Array(splitRows.indices)
        let trainRows = positions.map { splitRows[$0] }, trainTargets = positions.map { targets[$0] }
        let validationRows = Array(offsets["validation"]!), testRows = Array(offsets["test"]!)
        let classifier: TrainableClassifier
        switch config.mode {
        case .head:
            let started = Date()
            let layers = model == (try ModelReference(parsing: config.strongModel)) ? [-1] + extraStrongLayers : [-1]
            let features = try activations.activations(model: model, examples: all, layers: layers, maxLength: config.maxLength,
                                                        progress: progress)[-1]!
            stageSeconds["activations \(model)", default: 0] += Date().timeIntervalSince(started)
            classifier = HeadClassifier(features: features, fitRows: trainRows)
        case .lora, .full:
            // A fresh copy each time: adapters and finetuned weights must not leak between stages.
            let encoder = try models.load(model, maxSequenceLength: config.maxLength)
            classifier = EncoderClassifier(model: encoder, texts: all.map { encoder.tokenize($0.text, pair: $0.pairText) },
                                           mode: config.mode, loraRank: config.loraRank, loraAlpha: config.loraAlpha, seed: config.seed)
        }
        progress.begin(name)
        let result = try Trainer(config: training).train(
            model: classifier, trainRows: trainRows, targets: trainTargets, validationRows: validationRows,
            validationLabels: validationLabels, analysisRows: testRows, analysisLabels: analysisLabels) { p in
            self.progress.update(p.step, p.totalSteps, detail: String(format: "loss %.3f  val AUC %.3f", p.loss, p.lastValidationAUC ?? .nan))
        }
        var predictions: [String: [Float]] = [:]
        for (split, range) in offsets { predictions[split] = try predictProbabilities(classifier, rows: Array(range), batchSize: 64) }
        if exportFeatures, let encoderClassifier = classifier as? EncoderClassifier {
            try MatrixFile.write(try encoderClassifier.pooledFeatures(rows: Array(0..<all.count)), to: featuresURL(stageKey: key))
        }
        progress.finish(String(format: "best val AUC %.3f at step %d/%d", result.bestValidationAUC, result.bestStep, result.totalSteps))
        return StageOutput(stage: name, key: key, predictions: predictions, training: result, seconds: 0)
    }

    /// Pooled activations of a finetuned encoder stage (lora/full), rows in the stage's example order.
    func featuresURL(stageKey: String) -> URL {
        runsRoot.appendingPathComponent(".cache/stages/\(stageKey).features.w2sm")
    }

    func key(_ parts: String...) -> String {
        var h = ContentHash()
        h.combine("stage-v1")
        for p in parts { h.combine(p) }
        h.combine(config.mode.rawValue); h.combine(config.maxLength); h.combine(config.loraRank); h.combine(Int(config.loraAlpha * 1000))
        return h.hex
    }

    static func json<T: Encodable>(_ value: T) -> String {
        String(decoding: (try? JSONEncoder.sorted.encode(value)) ?? Data(), as: UTF8.self)
    }

    // MARK: Run

    @discardableResult
    public func run(store: RunStore? = nil) throws -> RunSummary {
        let weak = try ModelReference(parsing: config.weakModel), strong = try ModelReference(parsing: config.strongModel)
        _ = try models.locate(weak); _ = try models.locate(strong)
        try FileManager.default.createDirectory(at: runDirectory, withIntermediateDirectories: true)
        try AtomicFile.writeJSON(config, to: runDirectory.appendingPathComponent("config.json"))
        let record = RunStore.RunRecord(id: config.runName, created: ISO8601DateFormatter().string(from: Date()),
                                        dataset: config.dataset, seed: Int(config.seed), weakModel: config.weakModel,
                                        strongModel: config.strongModel, mode: config.mode.rawValue,
                                        loss: config.losses.map(\.name).joined(separator: ","), method: "weak-to-strong",
                                        status: "running", directory: runDirectory.path)
        try store?.upsert(record)
        let splits = try splits()
        let data = Self.fingerprint(splits)
        let truth = { (examples: [Example]) in examples.map(\.label) }
        let strongSplits = [("strong_train", splits.strongTrain), ("validation", splits.validation), ("test", splits.test)]

        extraStrongLayers = try layersForInterventions(strong: strong)
        try validateInterventions(strong: strong)
        let weakKey = key("weak", data, weak.description, Self.json(config.weakTraining))
        let weakOut = try stage("weak supervisor (\(weak))", key: weakKey) {
            try fit(stage: "weak supervisor (\(weak))", model: weak,
                    examples: [("weak_train", splits.weakTrain)] + strongSplits, trainSplit: "weak_train",
                    targets: splits.weakTrain.map { Float($0.label) }, validationLabels: truth(splits.validation),
                    analysisLabels: truth(splits.test), training: config.weakTraining, key: weakKey)
        }
        let ceilingKey = key("ceiling", data, strong.description, Self.json(config.strongTraining))
        let ceilingOut = try stage("strong ceiling (\(strong))", key: ceilingKey) {
            try fit(stage: "strong ceiling (\(strong))", model: strong, examples: strongSplits, trainSplit: "strong_train",
                    targets: splits.strongTrain.map { Float($0.label) }, validationLabels: truth(splits.validation),
                    analysisLabels: truth(splits.test), training: config.strongTraining, key: ceilingKey)
        }
        let weakLabels = weakOut.predictions["strong_train"]!
        let weakValidation = weakOut.predictions["validation"]!.map { $0 > 0.5 ? 1 : 0 }
        guard Set(weakValidation).count == 2 else {
            throw ExperimentError.invalid("the weak supervisor predicts one class on the whole validation set, so the student cannot be early-stopped on weak-label AUC; train the weak model longer or use more data")
        }
        var students: [(LossKind, StageOutput)] = []
        for loss in config.losses {
            var training = config.strongTraining
            training.loss = loss
            let studentKey = key("student", data, strong.description, Self.json(training), weakKey)
            let name = "student \(loss.name) (\(strong))"
            students.append((loss, try stage(name, key: studentKey) {
                try fit(stage: name, model: strong, examples: strongSplits, trainSplit: "strong_train", targets: weakLabels,
                        validationLabels: weakValidation, analysisLabels: truth(splits.test), training: training, key: studentKey,
                        exportFeatures: config.methods.contains(.linearity))
            }))
        }
        var summary = summarize(splits: splits, weak: weakOut, ceiling: ceilingOut, students: students)
        if !config.methods.isEmpty {
            let context = InterventionContext(splits: splits, data: data, weak: weak, strong: strong, weakOut: weakOut,
                                              ceilingOut: ceilingOut, student: students[0].1, studentLoss: students[0].0,
                                              weakScore: summary.weak, ceilingScore: summary.ceiling)
            (summary.methods, summary.probeSweep) = try runInterventions(context)
            summary.stageSeconds = stageSeconds; summary.cachedStages = cachedStages
        }
        try write(summary: summary, splits: splits, weak: weakOut, ceiling: ceilingOut, students: students)
        if let store {
            var done = record
            done.status = "finished"
            try store.upsert(done)
            try store.record(runID: config.runName, stage: "weak", metrics: ["test_auc": summary.weak.auc, "test_accuracy": summary.weak.accuracy])
            try store.record(runID: config.runName, stage: "ceiling", metrics: ["test_auc": summary.ceiling.auc, "test_accuracy": summary.ceiling.accuracy])
            for s in summary.students {
                var m = ["test_auc": s.test.auc, "test_accuracy": s.test.accuracy,
                         "agreement": s.agreement.overall, "agreement_supervisor_correct": s.agreement.whereSupervisorCorrect,
                         "agreement_supervisor_wrong": s.agreement.whereSupervisorWrong]
                if let p = s.pgrAUC { m["pgr_auc"] = p }
                if let i = s.pgrAUCInterval { m["pgr_auc_ci_low"] = i.lower; m["pgr_auc_ci_high"] = i.upper }
                if let p = s.pgrAccuracy { m["pgr_accuracy"] = p }
                if let o = s.oracleStopAUC { m["oracle_stop_auc"] = o }
                if let o = s.oracleStopPGR { m["oracle_stop_pgr"] = o }
                try store.record(runID: config.runName, stage: "student-\(s.loss)", metrics: m)
            }
            for m in summary.methods {
                var values = ["test_auc": m.test.auc, "test_accuracy": m.test.accuracy]
                if let p = m.pgrAUC { values["pgr_auc"] = p }
                if let i = m.pgrAUCInterval { values["pgr_auc_ci_low"] = i.lower; values["pgr_auc_ci_high"] = i.upper }
                if let p = m.pgrAccuracy { values["pgr_accuracy"] = p }
                try store.record(runID: config.runName, stage: "method:\(m.method):\(m.variant)", metrics: values)
            }
            for (stage, seconds) in summary.stageSeconds {
                try store.recordTiming(runID: config.runName, stage: stage, seconds: seconds, cached: summary.cachedStages.contains(stage))
            }
        }
        return summary
    }

    func summarize(splits: DatasetSplits, weak: StageOutput, ceiling: StageOutput, students: [(LossKind, StageOutput)]) -> RunSummary {
        let testLabels = splits.test.map(\.label)
        func score(_ p: [Float]) -> ModelScore {
            ModelScore(auc: rocAUC(scores: p, labels: testLabels) ?? .nan, accuracy: accuracy(probabilities: p, labels: testLabels))
        }
        let weakScore = score(weak.predictions["test"]!), ceilingScore = score(ceiling.predictions["test"]!)
        let studentScores = students.map { loss, out -> StudentScore in
            let s = score(out.predictions["test"]!)
            let oracle = out.training.curve.compactMap(\.analysisAUC).max()
            return StudentScore(
                loss: loss.name, lossDescription: loss.description, test: s,
                pgrAUC: performanceGapRecovered(weak: weakScore.auc, student: s.auc, ceiling: ceilingScore.auc),
                pgrAUCInterval: bootstrapPGRInterval(weak: weak.predictions["test"]!, student: out.predictions["test"]!,
                                                     ceiling: ceiling.predictions["test"]!, labels: testLabels, seed: config.seed),
                pgrAccuracy: performanceGapRecovered(weak: weakScore.accuracy, student: s.accuracy, ceiling: ceilingScore.accuracy),
                agreement: agreement(student: out.predictions["test"]!, supervisor: weak.predictions["test"]!, groundTruth: testLabels),
                bestStep: out.training.bestStep, totalSteps: out.training.totalSteps, oracleStopAUC: oracle,
                oracleStopPGR: oracle.flatMap { performanceGapRecovered(weak: weakScore.auc, student: $0, ceiling: ceilingScore.auc) })
        }
        return RunSummary(runName: config.runName, config: config,
                          splitCounts: Dictionary(uniqueKeysWithValues: splits.all.map { ($0.split.rawValue, $0.examples.count) }),
                          weak: weakScore, ceiling: ceilingScore,
                          weakLabelAccuracy: accuracy(probabilities: weak.predictions["strong_train"]!, labels: splits.strongTrain.map(\.label)),
                          students: studentScores, stageSeconds: stageSeconds, cachedStages: cachedStages)
    }

    func write(summary: RunSummary, splits: DatasetSplits, weak: StageOutput, ceiling: StageOutput, students: [(LossKind, StageOutput)]) throws {
        try AtomicFile.writeJSON(summary, to: runDirectory.appendingPathComponent("metrics.json"))
        var csv = "id,split,label,weak,ceiling" + students.map { ",student_\($0.0.name)" }.joined() + "\n"
        for (split, examples) in splits.all where split != .weakTrain {
            for (i, e) in examples.enumerated() {
                csv += "\(e.id),\(split.rawValue),\(e.label),\(weak.predictions[split.rawValue]![i]),\(ceiling.predictions[split.rawValue]![i])"
                csv += students.map { ",\($0.1.predictions[split.rawValue]![i])" }.joined() + "\n"
            }
        }
        try AtomicFile.write(Data(csv.utf8), to: runDirectory.appendingPathComponent("predictions.csv"))
        var curves = "stage,step,train_loss,validation_auc,test_auc\n"
        for (name, out) in [("weak", weak), ("ceiling", ceiling)] + students.map({ ("student_\($0.0.name)", $0.1) }) {
            for p in out.training.curve {
                curves += "\(name),\(p.step),\(p.trainLoss.map { "\($0)" } ?? ""),\(p.validationAUC),\(p.analysisAUC.map { "\($0)" } ?? "")\n"
            }
        }
        try AtomicFile.write(Data(curves.utf8), to: runDirectory.appendingPathComponent("curves.csv"))
        // Charts: validation AUC (solid, the selection signal) and ground-truth test AUC (dashed) per stage.
        var series: [Charts.Series] = []
        for (name, out) in [("weak", weak), ("ceiling", ceiling)] + students.map({ ("student \($0.0.name)", $0.1) }) {
            series.append(Charts.Series(name: "\(name) val", points: out.training.curve.map { (Double($0.step), $0.validationAUC) }))
            series.append(Charts.Series(name: "\(name) test", points: out.training.curve.compactMap { p in p.analysisAUC.map { (Double(p.step), $0) } },
                                        dashed: true))
        }
        try AtomicFile.write(Data(Charts.lines(title: "\(summary.runName): AUC during training", xLabel: "optimizer step", yLabel: "ROC AUC",
                                                series: series).utf8), to: runDirectory.appendingPathComponent("curves.svg"))
        let bars = summary.students.map { ("student \($0.loss)", $0.pgrAUC ?? .nan) }
            + summary.methods.map { ("\($0.method): \($0.variant)", $0.pgrAUC ?? .nan) }
        try AtomicFile.write(Data(Charts.bars(title: "\(summary.runName): PGR on test AUC", valueLabel: "PGR = (method − weak) / (ceiling − weak)",
                                               bars: bars).utf8), to: runDirectory.appendingPathComponent("pgr.svg"))
        if !summary.probeSweep.isEmpty {
            var sweep = "probe,layer,parameter,test_auc,minus_weak_auc\n"
            for p in summary.probeSweep { sweep += "\(p.probe),\(p.layer),\(p.parameter),\(p.testAUC),\(p.minusWeakAUC)\n" }
            try AtomicFile.write(Data(sweep.utf8), to: runDirectory.appendingPathComponent("probe_sweep.csv"))
        }
        try AtomicFile.write(Data((summary.table + "\n").utf8), to: runDirectory.appendingPathComponent("results.md"))
    }
}
