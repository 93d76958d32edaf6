import ArgumentParser
import Experiments
import Training

/// How the weak supervisor, the ceiling and the students train (`run`, `demo`).
struct TrainingOptions: ParsableArguments {
    @Option(help: "Training mode: head (frozen backbone, cached activations, linear head), lora (rank-r adapters + head), full.")
    var mode = ExperimentDefaults.mode
    @Option(help: "Student losses, comma separated (one student each): xent (soft-label cross-entropy), logconf and logconf-balanced (Burns et al. 2023's auxiliary confidence loss), entropy, window (the EleutherAI post's), gce (generalized cross-entropy, Zhang & Sabuncu 2018, on soft labels t·L_q(1) + (1−t)·L_q(0), L_q = (1 − p^q)/q; --gce-q), sce (symmetric cross-entropy, Wang et al. 2019: α·CE + β·RCE, RCE = −Σ_k p_k·log t_k with log 0 clamped to \(HelpText.number(SymmetricCrossEntropyLoss.logFloor)); --sce-alpha, --sce-beta).")
    var loss = CommaSeparated(ExperimentDefaults.losses)
    @Option(help: "α_max of the logconf and entropy losses (warmed up linearly over the first --alpha-warmup of steps).")
    var alpha = ExperimentDefaults.alpha
    @Option(help: "Share of training over which α rises from 0 to α_max (the default is Burns et al.'s). With few steps, a later ramp lets the student learn before it hardens its own predictions.")
    var alphaWarmup = ExperimentDefaults.alphaWarmup
    @Option(help: "q of the gce loss, in (0, 1]: q → 0 is cross-entropy, 1 the mean absolute error (default: Zhang & Sabuncu 2018's). On soft labels its optimum is the weak label's log-odds scaled by 1/(1 − q).")
    var gceQ = ExperimentDefaults.gceQ
    @Option(help: "α of the sce loss: the weight of cross-entropy (default: Wang et al. 2019's for CIFAR-10).")
    var sceAlpha = ExperimentDefaults.sceAlpha
    @Option(help: "β of the sce loss: the weight of the reverse cross-entropy (default: Wang et al. 2019's for CIFAR-10).")
    var sceBeta = ExperimentDefaults.sceBeta
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
    @Option(help: "lora/full: train only the top K layers of each model (a number, or all; default \(LayerCount(top: ExperimentDefaults.trainLayers).defaultValueDescription)). The layers below are frozen; their output is computed once per text and cached under the runs directory, so every step and evaluation runs only the top K layers.")
    var trainLayers: LayerCount?
    /// The top K layers trained: `--train-layers`, else the default.
    var layers: LayerCount { trainLayers ?? LayerCount(top: ExperimentDefaults.trainLayers) }
    @Option(help: "With --train-layers: how the frozen layers' token states are stored (fp16 halves the disk; default \(ExperimentDefaults.frozenStatePrecision.rawValue)).")
    var frozenPrecision: PackFile.Precision?
    @Option(help: "lora/full: what the head reads (default \(ExperimentDefaults.headInput.rawValue)): the top layer's mean-pooled features standardised with the pretrained model's statistics on the training rows under a zero head, so finetuning starts where head mode starts; or raw features under a small random head (every finetuned run before 2026-12-05).")
    var headInput: HeadInput?

    func validate() throws {
        try requireDistinctItems(loss.values, option: "--loss", items: "loss", describe: \.argument)
        guard (0...1).contains(alpha), (0...1).contains(alphaWarmup) else {
            throw ValidationError("--alpha and --alpha-warmup must lie in [0, 1] (got \(alpha) and \(alphaWarmup))")
        }
        guard gceQ > 0, gceQ <= 1 else { throw ValidationError("--gce-q must lie in (0, 1] (got \(gceQ))") }
        guard sceAlpha.isFinite, sceBeta.isFinite, sceAlpha >= 0, sceBeta >= 0, sceAlpha + sceBeta > 0 else {
            throw ValidationError("--sce-alpha and --sce-beta must be finite numbers ≥ 0, not both 0 (got \(sceAlpha) and \(sceBeta))")
        }
        try requireDistinctItems(seeds.values, option: "--seeds", items: "seed")
        try requireAtLeast(1, epochs, option: "--epochs")
        try requirePositive(lrWeak, option: "--lr-weak")
        try requirePositive(lrStrong, option: "--lr-strong")
        try requireAtLeast(1, batchSize, option: "--batch-size")
        try requireAtLeast(1, microBatchSize, option: "--micro-batch-size")
        try requireAtLeast(1, evalEvery, option: "--eval-every")
        try requireAtLeast(1, loraRank, option: "--lora-rank")
        try requireAtLeast(1, layers.top, option: "--train-layers")
        if mode == .head, trainLayers != nil {
            throw ValidationError("--train-layers applies to --mode lora and full (head mode trains no encoder layer)")
        }
        if frozenPrecision != nil, layers.top == nil || mode == .head {
            throw ValidationError("--frozen-precision applies only with --train-layers K (lora or full mode)")
        }
        if mode == .head, headInput != nil {
            throw ValidationError("--head-input applies to --mode lora and full (head mode's head always reads standardised activations)")
        }
    }

    /// The student losses with `--alpha`, `--alpha-warmup`, `--gce-q`, `--sce-alpha` and `--sce-beta`.
    func losses() throws -> [LossKind] {
        try loss.values.map {
            try LossKind(parsing: $0.argument, alphaMax: alpha, warmupFraction: alphaWarmup, gceQ: gceQ, sceAlpha: sceAlpha, sceBeta: sceBeta)
        }
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
