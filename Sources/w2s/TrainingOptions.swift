import ArgumentParser
import Experiments
import Training

/// How the weak supervisor, the ceiling and the students train (`run`, `demo`).
struct TrainingOptions: ParsableArguments {
    @Option(help: "Training mode: head (frozen backbone, cached activations, linear head), lora (rank-r adapters + head), full.")
    var mode = ExperimentDefaults.mode
    @Option(help: "Student losses, comma separated (one student each).")
    var loss = CommaSeparated(ExperimentDefaults.losses)
    @Option(help: "α_max of the logconf and entropy losses (warmed up linearly over the first --alpha-warmup of steps).")
    var alpha = ExperimentDefaults.alpha
    @Option(help: "Share of training over which α rises from 0 to α_max (the default is Burns et al.'s). With few steps, a later ramp lets the student learn before it hardens its own predictions.")
    var alphaWarmup = ExperimentDefaults.alphaWarmup
    @Option(help: "Seeds, comma separated (one run each).")
    var seeds = CommaSeparated(ExperimentDefaults.seeds)
    @Option(help: "Epochs.") var epochs = ExperimentDefaults.epochs
    @Option(help: "Learning rate of the weak model (default: \(HelpText.perMode { HelpText.number(ExperimentDefaults.learningRate(mode: $0, strong: false)) })).")
    var lrWeak: Float?
    @Option(help: "Learning rate of the strong model (default: \(HelpText.perMode { HelpText.number(ExperimentDefaults.learningRate(mode: $0, strong: true)) })).")
    var lrStrong: Float?
    @Option(help: "Effective batch size (gradient accumulation over micro-batches).") var batchSize = ExperimentDefaults.batchSize
    @Option(help: "Micro-batch size: sequences per forward/backward pass, gradients accumulated up to --batch-size (default: \(HelpText.perMode { "\(ExperimentDefaults.microBatchSize(mode: $0))" })). Smaller uses less memory.")
    var microBatchSize: Int?
    @Option(help: "Evaluate on validation (and the test set, for the oracle-stop curve) every N optimizer steps (default: about 12 evaluations per stage).")
    var evalEvery: Int?
    @Option(help: "Rank of the LoRA adapters (lora mode).") var loraRank = ExperimentDefaults.loraRank
    @Option(help: "lora/full: train only the top K layers of each model (a number, or all). The layers below are frozen; their output is computed once per text and cached under the runs directory, so every step and evaluation runs only the top K layers.")
    var trainLayers = LayerCount(top: ExperimentDefaults.trainLayers)
    @Option(help: "With --train-layers: how the frozen layers' token states are stored (fp16 halves the disk; default \(ExperimentDefaults.frozenStatePrecision.rawValue)).")
    var frozenPrecision: PackFile.Precision?

    func validate() throws {
        try requireDistinctItems(loss.values, option: "--loss", items: "loss", describe: \.argument)
        guard (0...1).contains(alpha), (0...1).contains(alphaWarmup) else {
            throw ValidationError("--alpha and --alpha-warmup must lie in [0, 1] (got \(alpha) and \(alphaWarmup))")
        }
        try requireDistinctItems(seeds.values, option: "--seeds", items: "seed")
        try requireAtLeast(1, epochs, option: "--epochs")
        try requirePositive(lrWeak, option: "--lr-weak")
        try requirePositive(lrStrong, option: "--lr-strong")
        try requireAtLeast(1, batchSize, option: "--batch-size")
        try requireAtLeast(1, microBatchSize, option: "--micro-batch-size")
        try requireAtLeast(1, evalEvery, option: "--eval-every")
        try requireAtLeast(1, loraRank, option: "--lora-rank")
        try requireAtLeast(1, trainLayers.top, option: "--train-layers")
        if mode == .head, trainLayers != LayerCount(top: ExperimentDefaults.trainLayers) {
            throw ValidationError("--train-layers applies to --mode lora and full (head mode trains no encoder layer)")
        }
        if frozenPrecision != nil, trainLayers.top == nil || mode == .head {
            throw ValidationError("--frozen-precision applies only with --train-layers K (lora or full mode)")
        }
    }

    /// The student losses with `--alpha` and `--alpha-warmup`.
    func losses() throws -> [LossKind] {
        try loss.values.map { try LossKind(parsing: $0.argument, alphaMax: alpha, warmupFraction: alphaWarmup) }
    }

    /// The mode's default training of the weak (`strong: false`) or strong models, with these options applied.
    func training(strong: Bool, seed: UInt64) -> TrainingConfig {
        var training = ExperimentConfig.defaultTraining(mode: mode, strong: strong, seed: seed)
        training.epochs = epochs
        training.batchSize = batchSize
        if let microBatchSize { training.microBatchSize = microBatchSize }
        training.evalEvery = evalEvery
        if let rate = strong ? lrStrong : lrWeak { training.learningRate = rate }
        return training
    }
}
