import Determinism
import Datasets
import Foundation
import Training

/// Everything that determines a weak-to-strong run's results; saved with the run.
public struct ExperimentConfig: Codable, Hashable, Sendable {
    public var dataset: String
    public var sizes: SplitSizes
    public var seed: UInt64
    /// One model (NAME or NAME@k), or several separated by commas: a weak ensemble (`weakModels`).
    public var weakModel: String
    /// How several weak models are combined (nil with one weak model, so single-model runs keep their names).
    public var weakCombination: WeakCombination?
    public var strongModel: String
    public var mode: TrainingMode
    /// Student losses to compare (each gets its own student stage; weak and ceiling are shared).
    public var losses: [LossKind]
    public var weakTraining: TrainingConfig
    public var strongTraining: TrainingConfig
    /// Tokens per example (with special tokens); longer inputs are truncated.
    public var maxLength: Int
    public var loraRank: Int
    public var loraAlpha: Float
    /// Top-K-layer finetuning (lora, full): only each model's top K layers train; the output of the layers below
    /// is computed once per text and cached. nil = every layer (K = all).
    public var trainLayers: Int?
    /// How the frozen layers' token states are stored (nil = `ExperimentDefaults.frozenStatePrecision`).
    public var frozenStatePrecision: PackFile.Precision?
    /// What a finetuned model's head reads: `.standardised`, or nil for raw pooled features (`finetunedHeadInput`).
    /// Raw is stored as nil so that runs recorded before the choice existed keep their names; nil in head mode.
    public var headInput: HeadInput?
    /// Interventions run after the vanilla students (their students use the first loss).
    public var methods: [Intervention]
    public var interventions: InterventionSettings
    /// The researcher's own file when the data is not a registered benchmark (`dataset` is then its name).
    public var userData: UserDataSource?

    public init(dataset: String, sizes: SplitSizes = ExperimentDefaults.sizes, seed: UInt64 = ExperimentDefaults.seed,
                weakModel: String = ExperimentDefaults.weakModel, strongModel: String = ExperimentDefaults.strongModel,
                mode: TrainingMode = ExperimentDefaults.mode, losses: [LossKind] = ExperimentDefaults.configLosses,
                weakTraining: TrainingConfig? = nil, strongTraining: TrainingConfig? = nil,
                maxLength: Int = ExperimentDefaults.maxLength, loraRank: Int = ExperimentDefaults.loraRank,
                loraAlpha: Float = ExperimentDefaults.loraAlpha(rank: ExperimentDefaults.loraRank),
                trainLayers: Int? = ExperimentDefaults.trainLayers, frozenStatePrecision: PackFile.Precision? = nil,
                headInput: HeadInput = ExperimentDefaults.headInput,
                methods: [Intervention] = [], interventions: InterventionSettings = InterventionSettings(),
                userData: UserDataSource? = nil, weakCombination: WeakCombination? = nil) {
        self.dataset = dataset; self.sizes = sizes; self.seed = seed
        self.weakModel = weakModel; self.strongModel = strongModel; self.mode = mode; self.losses = losses
        self.weakTraining = weakTraining ?? ExperimentConfig.defaultTraining(mode: mode, strong: false, seed: seed)
        self.strongTraining = strongTraining ?? ExperimentConfig.defaultTraining(mode: mode, strong: true, seed: seed)
        self.maxLength = maxLength; self.loraRank = loraRank; self.loraAlpha = loraAlpha
        self.trainLayers = mode == .head ? nil : trainLayers
        self.frozenStatePrecision = self.trainLayers == nil ? nil : frozenStatePrecision
        self.headInput = mode == .head || headInput == .raw ? nil : headInput
        self.methods = methods; self.interventions = interventions; self.userData = userData
        self.weakCombination = weakCombination
    }

    /// How many top layers train, as the exports show it: "K", or "all" for lora/full through every layer; nil in head
    /// mode (nothing of the encoder trains).
    public var trainLayersLabel: String? { mode == .head ? nil : trainLayers.map(String.init) ?? "all" }

    /// The storage precision of the frozen layers' token states; nil when no layer is frozen (head mode, K = all).
    public var frozenPrecisionLabel: String? {
        trainLayers == nil ? nil : (frozenStatePrecision ?? ExperimentDefaults.frozenStatePrecision).rawValue
    }

    /// What a finetuned model's head reads; nil in head mode.
    public var finetunedHeadInput: HeadInput? { mode == .head ? nil : headInput ?? .raw }

    /// The weak supervisors: one, or the members of the ensemble in the order given.
    public var weakModels: [String] { weakModel.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }

    /// The training of the weak supervisor (`strong: false`) or of the strong ceiling and students: `ExperimentDefaults`.
    public static func defaultTraining(mode: TrainingMode, strong: Bool, seed: UInt64) -> TrainingConfig {
        TrainingConfig(epochs: ExperimentDefaults.epochs, batchSize: ExperimentDefaults.batchSize,
                       microBatchSize: ExperimentDefaults.microBatchSize(mode: mode),
                       learningRate: ExperimentDefaults.learningRate(mode: mode, strong: strong),
                       warmupSteps: ExperimentDefaults.warmupSteps, seed: seed)
    }

    /// A short, stable name: dataset, mode, seed and a hash of everything else.
    public var runName: String { "\(dataset)-\(mode.rawValue)-s\(seed)-\(Self.hash(self).prefix(8))" }

    /// Everything that shapes a run's numbers except its arms (losses, interventions and their settings, which
    /// the arms' names carry): two runs with the same setting trained the same weak model and ceiling, so their
    /// arms can be compared pair by pair.
    public var setting: String {
        var c = self
        c.losses = []; c.methods = []; c.interventions = InterventionSettings()
        c.weakTraining.loss = .xent; c.strongTraining.loss = .xent
        return Self.hash(c)
    }

    /// `setting` with the seed left out: the seeds of one dataset setting.
    public var settingAcrossSeeds: String {
        var c = self
        c.seed = 0; c.weakTraining.seed = 0; c.strongTraining.seed = 0
        return c.setting
    }

    static func hash(_ config: ExperimentConfig) -> String {
        let data = (try? JSONEncoder.sorted.encode(config)) ?? Data()
        var h = ContentHash()
        h.combine(bytes: data)
        return h.hex
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }
}
