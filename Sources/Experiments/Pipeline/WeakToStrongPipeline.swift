import Analysis
import Datasets
import Determinism
import Foundation
import Tensors
import Training
import Transformers

/// The weak-to-strong experiment of Burns et al. for one dataset and seed:
/// weak supervisor (ground truth) → weak labels → strong ceiling (ground truth) → strong students
/// (weak labels, one per loss) → interventions → ground-truth test metrics and PGR.
///
/// Every stage's output is stored under a key hashed from all of its inputs (the models' content included), so
/// a rerun reuses finished stages and a killed run resumes where it stopped.
public final class WeakToStrongPipeline {
    public let config: ExperimentConfig
    public let runsRoot: URL
    public let dataDirectory: URL
    public let models: ModelStore
    public let progress: ProgressDisplay
    public let activations: ActivationCache
    public var runDirectory: URL { runsRoot.appendingPathComponent(config.runName) }
    var stageSeconds: [String: Double] = [:]
    /// CPU seconds of the same stages (`CPUClock`).
    var stageCPUSeconds: [String: Double] = [:]
    var cachedStages: [String] = []
    /// Layers of the strong model the interventions read, extracted in the same pass as the last layer.
    var extraStrongLayers: [Int] = []

    public init(config: ExperimentConfig, runsRoot: URL, dataDirectory: URL, models: ModelStore = ModelStore(),
                progress: ProgressDisplay = ProgressDisplay()) {
        self.config = config; self.runsRoot = runsRoot; self.dataDirectory = dataDirectory
        self.models = models; self.progress = progress
        activations = ActivationCache(directory: Self.activationsDirectory(runsRoot: runsRoot), models: models)
    }

    var stageCache: URL { Self.stageDirectory(runsRoot: runsRoot) }
    /// The caches every run of a runs directory shares (`w2s cache info` reports them).
    public static func activationsDirectory(runsRoot: URL) -> URL { runsRoot.appendingPathComponent(".cache/activations") }
    public static func stageDirectory(runsRoot: URL) -> URL { runsRoot.appendingPathComponent(".cache/stages") }
    var frozenPrecision: PackFile.Precision { config.frozenStatePrecision ?? ExperimentDefaults.frozenStatePrecision }

    // MARK: Splits

    public func splits() throws -> DatasetSplits {
        let url = runDirectory.appendingPathComponent("splits.json")
        if let saved = try? AtomicFile.readJSON(DatasetSplits.self, from: url) { return saved }
        let splits = try config.userData.map { try $0.splits(sizes: config.sizes, seed: config.seed) }
            ?? DatasetRegistry.standard.load(config.dataset, dataDirectory: dataDirectory, sizes: config.sizes, seed: config.seed)
        for (split, examples) in splits.all {
            guard Set(examples.map(\.label)).count == 2 else {
                throw ExperimentError.invalid("\(config.dataset): the \(split.rawValue) split has \(examples.count) examples of one class; choose larger sizes or another dataset")
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

    /// The exact content of a model (weights, configuration, tokenizer; its depth for NAME@k): part of every
    /// key, so a repaired or replaced checkpoint never reuses what the old one computed.
    func modelID(_ reference: ModelReference) throws -> String {
        "\(reference)|\(try models.identity(reference))"
    }

    static func json<T: Encodable>(_ value: T) -> String {
        String(decoding: (try? JSONEncoder.sorted.encode(value)) ?? Data(), as: UTF8.self)
    }

    /// Loads a finished stage by key, or runs `body` and stores its output atomically. `alsoNeeds`: files the
    /// caller needs the stage to have written besides its output (a finetuned student's exported features): a
    /// stage finished by a run that did not write them counts as unfinished and runs again (same seed, same result).
    func stage(_ name: String, key: String, alsoNeeds: [URL] = [], _ body: () throws -> StageOutput) throws -> StageOutput {
        let cacheURL = stageCache.appendingPathComponent("\(key).json")
        let runCopy = runDirectory.appendingPathComponent("stages/\(name).json")
        if FileManager.default.fileExists(atPath: cacheURL.path), let saved = try? AtomicFile.readJSON(StageOutput.self, from: cacheURL),
           saved.key == key, alsoNeeds.allSatisfy({ FileManager.default.fileExists(atPath: $0.path) }) {
            progress.note("\(name.padding(toLength: 34, withPad: " ", startingAt: 0)) cached (finished earlier)")
            cachedStages.append(name)
            stageSeconds[name] = saved.seconds
            if let cpu = saved.cpuSeconds { stageCPUSeconds[name] = cpu }
            try AtomicFile.writeJSON(saved, to: runCopy)
            return saved
        }
        func activations(_ times: [String: Double]) -> Double { times.filter { $0.key.hasPrefix("activations") }.values.reduce(0, +) }
        let before = (wall: activations(stageSeconds), cpu: activations(stageCPUSeconds))
        let started = Date(), cpu = CPUClock()
        var output = try body()
        // Training time only: activation extraction is timed under its own name.
        output.seconds = Date().timeIntervalSince(started) - (activations(stageSeconds) - before.wall)
        output.cpuSeconds = cpu.elapsed - (activations(stageCPUSeconds) - before.cpu)
        stageSeconds[name] = output.seconds
        stageCPUSeconds[name] = output.cpuSeconds
        try AtomicFile.writeJSON(output, to: cacheURL)
        try AtomicFile.writeJSON(output, to: runCopy)
        return output
    }

    /// Trains `arm` on `model` with the rows of `trainSplit` (those at positions `keep`, when given; `targets`
    /// has one entry per row of the split), early-stopped by `selection` on validation, and scores every split
    /// in `splits`. `upstream`: what else the stage depends on (the keys of the stages whose labels it learns).
    /// `exportFeatures`: in lora/full mode, also store the trained encoder's pooled activations (linearity).
    func train(_ arm: Arm, model: ModelReference, splits data: DatasetSplits, on trainSplit: Split, scoring: [Split],
               targets: [Float], keep: [Int]? = nil, selection: Selection, training: TrainingConfig, upstream: [String],
               exportFeatures: Bool = false) throws -> StageOutput {
        var h = ContentHash()
        h.combine(targets); h.combine((keep ?? []).map(String.init).joined(separator: ","))
        switch selection {
        case let .auc(labels): h.combine("auc"); h.combine(labels.map(Float.init))
        case let .softLabelLoss(soft): h.combine("soft"); h.combine(soft)
        }
        let stageKey = key([arm.id, Self.fingerprint(data), try modelID(model), Self.json(training), h.hex] + upstream)
        let name = arm.stage(model)
        // The test-AUC curve (an evaluation of the test split at every evaluation step) is for the stop rules of
        // arms that stop on weak labels. A finetuned stage pays a forward pass over the test split for it each time,
        // about half of the stage at the benchmark's sizes; arms that learn ground truth skip it there (their
        // validation curve is ground truth already). Head mode keeps every curve: its evaluations cost nothing.
        let testCurve = config.mode == .head || !arm.learnsGroundTruth
        let exports = exportFeatures && config.mode != .head ? [featuresURL(stageKey: stageKey)] : []
        return try stage(name, key: stageKey, alsoNeeds: exports) {
            try fit(name, model: model, examples: scoring.map { ($0, data[$0]) }, trainSplit: trainSplit, targets: targets, keep: keep,
                    selection: selection, analysisLabels: testCurve ? data.test.map(\.label) : [], training: training, key: stageKey,
                    exportFeatures: exportFeatures)
        }
    }

    func key(_ parts: [String]) -> String {
        var h = ContentHash()
        h.combine("stage-v2")
        for p in parts { h.combine(p) }
        h.combine(config.mode.rawValue); h.combine(config.maxLength); h.combine(config.loraRank); h.combine(Double(config.loraAlpha))
        if let k = config.trainLayers { h.combine("top-\(k)-\(frozenPrecision.rawValue)") }
        if let input = config.headInput { h.combine("head-input-\(input.rawValue)") }
        return h.hex
    }

    func fit(_ name: String, model: ModelReference, examples: [(Split, [Example])], trainSplit: Split, targets: [Float],
             keep: [Int]?, selection: Selection, analysisLabels: [Int], training: TrainingConfig, key: String,
             exportFeatures: Bool) throws -> StageOutput {
        var offsets: [Split: Range<Int>] = [:]
        var all: [Example] = []
        for (split, list) in examples { offsets[split] = all.count..<(all.count + list.count); all += list }
        let splitRows = Array(offsets[trainSplit]!)
        let positions = keep ?? Array(splitRows.indices)
        let trainRows = positions.map { splitRows[$0] }, trainTargets = positions.map { targets[$0] }
        let classifier: TrainableClassifier
        switch config.mode {
        case .head:
            let started = Date(), cpu = CPUClock()
            let layers = model == (try ModelReference(parsing: config.strongModel)) ? [-1] + extraStrongLayers : [-1]
            let features = try activations.activations(model: model, examples: all, layers: layers, maxLength: config.maxLength,
                                                        progress: progress)[-1]!
            stageSeconds["activations \(model)", default: 0] += Date().timeIntervalSince(started)
            stageCPUSeconds["activations \(model)", default: 0] += cpu.elapsed
            classifier = HeadClassifier(features: features, fitRows: trainRows)
        case .lora, .full:
            // A fresh copy each time: adapters and finetuned weights must not leak between stages.
            let encoder = try models.load(model, maxSequenceLength: config.maxLength)
            let depth = encoder.encoder.layers.count
            let trainAbove = config.trainLayers.map { max(0, depth - $0) } ?? 0
            var frozen: FrozenStates? = nil
            if trainAbove > 0 {
                let started = Date(), cpu = CPUClock()
                frozen = try activations.tokenStates(model: model, examples: all, layer: trainAbove, maxLength: config.maxLength,
                                                     precision: frozenPrecision, alsoPooled: try headModeLayers(model),
                                                     progress: progress)
                stageSeconds["activations \(model)", default: 0] += Date().timeIntervalSince(started)
                stageCPUSeconds["activations \(model)", default: 0] += cpu.elapsed
            }
            let finetuned = EncoderClassifier(model: encoder, texts: all.map { encoder.tokenize($0.text, pair: $0.pairText) },
                                              mode: config.mode, loraRank: config.loraRank, loraAlpha: config.loraAlpha, seed: config.seed,
                                              trainAbove: trainAbove, frozen: frozen)
            if config.finetunedHeadInput == .standardised { try finetuned.standardiseHeadInput(fitRows: trainRows) }
            classifier = finetuned
        }
        progress.begin(name)
        let result = try Trainer(config: training).train(
            model: classifier, trainRows: trainRows, targets: trainTargets, validationRows: Array(offsets[.validation]!),
            selection: selection, analysisRows: analysisLabels.isEmpty ? [] : Array(offsets[.test]!), analysisLabels: analysisLabels) { p in
            self.progress.update(p.step, p.totalSteps, detail: String(format: "loss %.3f  val %.3f", p.loss, p.lastValidationScore ?? .nan))
        }
        var margins: [Split: [Float]] = [:]
        for (split, range) in offsets { margins[split] = try predictMargins(classifier, rows: Array(range), batchSize: 64) }
        if exportFeatures, let encoderClassifier = classifier as? EncoderClassifier {
            try MatrixFile.write(try encoderClassifier.pooledFeatures(rows: Array(0..<all.count)), to: featuresURL(stageKey: key))
        }
        progress.finish(String(format: "best %@ %.3f at step %d/%d", result.selection.hasPrefix("validation AUC") ? "val AUC" : "val −CE",
                               result.bestValidationScore, result.bestStep, result.totalSteps))
        return StageOutput(stage: name, key: key, margins: margins, training: result, seconds: 0)
    }

    /// The mean-pooled layers of `model` a head-mode run on these texts reads (the last; for the strong model also every
    /// layer its interventions read): a finetuned run stores them from its frozen-layer pass at little extra cost.
    func headModeLayers(_ model: ModelReference) throws -> [Int] {
        guard model == (try ModelReference(parsing: config.strongModel)) else { return [-1] }
        let rungs = try bootstrapRungs(strong: model).filter { $0.name == model.name }.map { try models.layerCount($0) }
        return Array(Set([-1, try probeLayer(strong: model)] + (try sweepLayers(strong: model)) + rungs)).sorted()
    }

    /// Pooled activations of a finetuned encoder stage (lora/full), rows in the stage's example order.
    func featuresURL(stageKey: String) -> URL {
        stageCache.appendingPathComponent("\(stageKey).features.w2sm")
    }

    // MARK: Run

    /// Runs the experiment, recording it in the runs directory's store: "running" now, then "finished" with every
    /// metric in one write, or "failed" with the error.
    @discardableResult
    public func run() throws -> RunSummary {
        let store = try RunStore(root: runsRoot)
        for folder in [runDirectory, runDirectory.appendingPathComponent("stages"), stageCache, activations.directory]
            + activations.store.namespaceFolders() {
            AtomicFile.removeStaleTemporaries(in: folder)
        }
        let weak = try config.weakModels.map { try ModelReference(parsing: $0) }, strong = try ModelReference(parsing: config.strongModel)
        for model in weak + [strong] { _ = try models.identity(model) }
        try AtomicFile.createDirectory(runDirectory)
        try AtomicFile.writeJSON(config, to: runDirectory.appendingPathComponent("config.json"))
        let record = try store.begin(config)
        do {
            let summary = try execute(weak: weak, strong: strong)
            try store.finish(record, summary: summary)
            return summary
        } catch {
            store.fail(record, error: error)
            throw error
        }
    }

    func execute(weak: [ModelReference], strong: ModelReference) throws -> RunSummary {
        let splits = try splits()
        let truth = { (split: Split) in splits[split].map { Float($0.label) } }
        extraStrongLayers = try layersForInterventions(strong: strong)
        try validateInterventions(strong: strong)

        let (weakOut, members) = try trainWeak(weak, splits: splits)
        let ceilingOut = try train(.ceiling, model: strong, splits: splits, on: .strongTrain, scoring: Split.strongSide,
                                   targets: truth(.strongTrain), selection: .auc(labels: splits.validation.map(\.label)),
                                   training: config.strongTraining, upstream: [])
        // Students learn the weak labels and are early-stopped on them, never on ground truth.
        let weakLabels = weakOut.probabilities(.strongTrain)
        let studentSelection = Selection.weakLabels(weakOut.probabilities(.validation))
        var students: [(LossKind, StageOutput)] = []
        for loss in config.losses {
            var training = config.strongTraining
            training.loss = loss
            students.append((loss, try train(.student(loss), model: strong, splits: splits, on: .strongTrain, scoring: Split.strongSide,
                                             targets: weakLabels, selection: studentSelection, training: training, upstream: [weakOut.key],
                                             exportFeatures: config.methods.contains(.linearity))))
        }
        let scorer = Scorer(test: splits.test, weak: weakOut.margins(.test), ceiling: ceilingOut.margins(.test), seed: config.seed)
        var summary = RunSummary(
            runName: config.runName, config: config,
            splitCounts: Dictionary(uniqueKeysWithValues: splits.all.map { ($0.split.rawValue, $0.examples.count) }),
            weak: scorer.weak, ceiling: scorer.ceiling,
            weakLabelAccuracy: accuracy(probabilities: weakLabels, labels: splits.strongTrain.map(\.label)),
            studentSelection: studentSelection.name,
            students: students.map { loss, out in
                scorer.score(.student(loss), margins: out.margins(.test), description: loss.description, training: out.training)
            },
            stageSeconds: [:], cachedStages: [])
        summary.gapAUCInterval = scorer.gapInterval
        if !members.isEmpty { summary.weakMembers = members.map { m in
            scorer.score(.weakMember(m.model.description), margins: m.output.margins(.test), description: m.note, training: m.output.training, note: m.note)
        } }
        if let (loss, student) = students.first, !config.methods.isEmpty {
            let interventions = InterventionRun(pipeline: self, splits: splits, weak: config.weakModel, strong: strong, weakOut: weakOut,
                                                ceilingOut: ceilingOut, student: student, studentLoss: loss, scorer: scorer)
            (summary.methods, summary.probeSweep) = try interventions.run(config.methods)
        }
        summary.stageSeconds = stageSeconds
        summary.stageCPUSeconds = stageCPUSeconds
        summary.cachedStages = cachedStages
        try RunOutputs(directory: runDirectory).write(summary: summary, splits: splits, weak: weakOut, ceiling: ceilingOut,
                                                     students: members.map { (Arm.weakMember($0.model.description), $0.output) }
                                                         + students.map { (Arm.student($0.0), $0.1) })
        return summary
    }
}
