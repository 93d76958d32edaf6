import Determinism
import Datasets
import Foundation
import Training

public enum TrainingMode: String, Codable, Sendable, CaseIterable {
    /// Frozen backbone, cached mean-pooled activations, linear head.
    case head
    /// Rank-r adapters on attention and MLP weights plus the head; backbone frozen.
    case lora
    /// Every weight trained.
    case full
}

/// Everything that determines a weak-to-strong run's results; saved with the run.
public struct ExperimentConfig: Codable, Hashable, Sendable {
    public var dataset: String
    public var sizes: SplitSizes
    public var seed: UInt64
    public var weakModel: String
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
                methods: [Intervention] = [], interventions: InterventionSettings = InterventionSettings(),
                userData: UserDataSource? = nil) {
        self.dataset = dataset; self.sizes = sizes; self.seed = seed
        self.weakModel = weakModel; self.strongModel = strongModel; self.mode = mode; self.losses = losses
        self.weakTraining = weakTraining ?? ExperimentConfig.defaultTraining(mode: mode, strong: false, seed: seed)
        self.strongTraining = strongTraining ?? ExperimentConfig.defaultTraining(mode: mode, strong: true, seed: seed)
        self.maxLength = maxLength; self.loraRank = loraRank; self.loraAlpha = loraAlpha
        self.methods = methods; self.interventions = interventions; self.userData = userData
    }

    /// The training of the weak supervisor (`strong: false`) or of the strong ceiling and students: `ExperimentDefaults`.
    public static func defaultTraining(mode: TrainingMode, strong: Bool, seed: UInt64) -> TrainingConfig {
        TrainingConfig(epochs: ExperimentDefaults.epochs, batchSize: ExperimentDefaults.batchSize,
                       microBatchSize: ExperimentDefaults.microBatchSize(mode: mode),
                       learningRate: ExperimentDefaults.learningRate(mode: mode, strong: strong),
                       warmupSteps: ExperimentDefaults.warmupSteps, seed: seed)
    }

    /// A short, stable name: dataset, mode, seed and a hash of everything else.
    public var runName: String {
        let data = (try? JSONEncoder.sorted.encode(self)) ?? Data()
        var h = ContentHash()
        data.withUnsafeBytes { h.combine(bytes: $0) }
        return "\(dataset)-\(mode.rawValue)-s\(seed)-\(h.hex.prefix(8))"
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }
}
