import ArgumentParser
import Datasets
import Experiments
import Foundation

/// The `w2s run` command that rebuilds a stored configuration, for the report. The flags are this target's, so the
/// command is built here and checked here: it is parsed back by `RunCommand` into a configuration, and only if that
/// equals the stored one (hence the same run name and cache keys) is it called a reproduction. Anything the
/// command line cannot set (warm-up steps, optimizer, per-loss α, a user file edited since) is named instead.
enum RunCommandLine {
    static func arguments(_ c: ExperimentConfig, runsDirectory: String) -> [String] {
        var a = ["run"]
        if let user = c.userData {
            a += ["--dataset", user.path, "--text-column", user.textColumn, "--label-column", user.labelColumn]
            if let pair = user.pairColumn { a += ["--pair-column", pair] }
            if let group = user.groupColumn { a += ["--group-column", group] }
        } else {
            a += ["--dataset", c.dataset]
        }
        a += ["--seeds", "\(c.seed)", "--sizes", c.sizes.counts.map(String.init).joined(separator: ","),
              "--mode", c.mode.rawValue, "--weak", c.weakModel, "--strong", c.strongModel, "--max-length", "\(c.maxLength)",
              "--loss", c.losses.map(\.argument).joined(separator: ",")]
        if let combination = c.weakCombination { a += ["--weak-ensemble", combination.rawValue] }
        // One α and warm-up for every loss on the command line: the first loss that has them speaks for all.
        let ramps = c.losses.compactMap { loss -> (Float, Float)? in
            switch loss {
            case let .logconf(alpha, warmup, _), let .entropy(alpha, warmup): return (alpha, warmup)
            case .xent, .window, .gce, .sce: return nil
            }
        }
        if let ramp = ramps.first {
            if ramp.0 != ExperimentDefaults.alpha { a += ["--alpha", "\(ramp.0)"] }
            if ramp.1 != ExperimentDefaults.alphaWarmup { a += ["--alpha-warmup", "\(ramp.1)"] }
        }
        for loss in c.losses {
            switch loss {
            case let .gce(q) where q != ExperimentDefaults.gceQ: a += ["--gce-q", "\(q)"]
            case let .sce(alpha, beta):
                if alpha != ExperimentDefaults.sceAlpha { a += ["--sce-alpha", "\(alpha)"] }
                if beta != ExperimentDefaults.sceBeta { a += ["--sce-beta", "\(beta)"] }
            default: break
            }
        }
        let s = c.strongTraining
        a += ["--epochs", "\(s.epochs)", "--lr-weak", "\(c.weakTraining.learningRate)", "--lr-strong", "\(s.learningRate)",
              "--batch-size", "\(s.batchSize)"]
        if s.microBatchSize != ExperimentDefaults.microBatchSize(mode: c.mode) { a += ["--micro-batch-size", "\(s.microBatchSize)"] }
        if let every = s.evalEvery { a += ["--eval-every", "\(every)"] }
        if c.loraRank != ExperimentDefaults.loraRank { a += ["--lora-rank", "\(c.loraRank)"] }
        if c.mode != .head, c.trainLayers != ExperimentDefaults.trainLayers { a += ["--train-layers", c.trainLayers.map(String.init) ?? "all"] }
        if let precision = c.frozenStatePrecision { a += ["--frozen-precision", precision.rawValue] }
        if let input = c.finetunedHeadInput, input != ExperimentDefaults.headInput { a += ["--head-input", input.rawValue] }
        if !c.methods.isEmpty {
            a += ["--methods", c.methods == Intervention.allCases ? "all" : c.methods.map(\.rawValue).joined(separator: ",")]
        }
        // Intervention settings are part of the configuration even without --methods.
        let i = c.interventions, d = InterventionSettings()
        if let layer = i.probeLayer { a += ["--probe-layer", "\(layer)"] }
        if i.knnK != d.knnK { a += ["--knn-k", "\(i.knnK)"] }
        if i.logisticPenalty != d.logisticPenalty { a += ["--logistic-penalty", "\(i.logisticPenalty)"] }
        if i.filterFraction != d.filterFraction { a += ["--filter-fraction", "\(i.filterFraction)"] }
        if let q = i.confidentFraction { a += ["--confident-fraction", "\(q)"] }
        if i.topoK != d.topoK { a += ["--topo-k", "\(i.topoK)"] }
        if i.strongToStrongIterations != d.strongToStrongIterations { a += ["--strong-to-strong-iterations", "\(i.strongToStrongIterations)"] }
        if let via = i.bootstrapVia { a += ["--bootstrap-via", via.joined(separator: ",")] }
        if let via = i.bootstrapPretrainedVia { a += ["--bootstrap-pretrained-via", via.joined(separator: ",")] }
        return a + ["--runs-dir", runsDirectory]
    }

    /// The command as one shell line, and a caveat unless parsing it back gives this very configuration.
    static func reproduction(_ config: ExperimentConfig, runsDirectory: String) -> HTMLReport.Reproduction {
        let arguments = arguments(config, runsDirectory: runsDirectory)
        let command = (["w2s"] + arguments).map(shellQuoted).joined(separator: " ")
        let rebuilt: ExperimentConfig
        do {
            let parsed = try RunCommand.parse(Array(arguments.dropFirst()))
            let configs = try parsed.experiment.configs(datasets: parsed.data.datasets.values, sizes: SplitSizes(counts: parsed.data.sizes.values))
            guard configs.count == 1 else { return .init(command: command, caveat: "This command makes \(configs.count) runs, not one.") }
            rebuilt = configs[0]
        } catch {
            return .init(command: command, caveat: "This command could not be checked: \(RunCommand.message(for: error))")
        }
        guard rebuilt != config else { return .init(command: command) }
        let fields = differences(config, rebuilt)
        return .init(command: command, caveat: "Not an exact reproduction: the command line cannot set \(fields.isEmpty ? "every setting" : fields.joined(separator: ", ")) "
                     + "as this run had \(fields.count == 1 ? "it" : "them") (it would make run \(rebuilt.runName), not \(config.runName)).")
    }

    /// Paths of the configuration's JSON where two configurations differ ("strongTraining.warmupSteps").
    static func differences(_ a: ExperimentConfig, _ b: ExperimentConfig) -> [String] {
        func flat(_ config: ExperimentConfig) -> [String: String] {
            guard let data = try? JSONEncoder().encode(config), let object = try? JSONSerialization.jsonObject(with: data) else { return [:] }
            var out: [String: String] = [:]
            func walk(_ value: Any, _ path: String) {
                if let dictionary = value as? [String: Any] {
                    for (k, v) in dictionary { walk(v, path.isEmpty ? k : "\(path).\(k)") }
                } else {
                    out[path] = "\(value)"
                }
            }
            walk(object, "")
            return out
        }
        let x = flat(a), y = flat(b)
        return Set(x.keys).union(y.keys).filter { x[$0] != y[$0] }.sorted()
    }

    /// Single quotes around anything a shell would read differently.
    static func shellQuoted(_ word: String) -> String {
        let plain = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%+=:,./_-")
        if !word.isEmpty, word.unicodeScalars.allSatisfy({ plain.contains($0) }) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
