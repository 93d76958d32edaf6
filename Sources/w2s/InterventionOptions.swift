import ArgumentParser
import Experiments
import Foundation

/// The interventions after the vanilla students and their hyperparameters (`run`, `demo`); defaults are
/// `InterventionSettings()`'s.
struct InterventionOptions: ParsableArguments {
    private static let defaults = InterventionSettings()

    @Option(help: "Interventions after the vanilla students, comma separated, or all or none. Their students use the first loss. strong-to-strong, probe, filter, relabel and probe-sweep follow the EleutherAI post; bootstrap and linearity Burns et al. 2023 (§4.3.1, §5.2.3); confident trains on the most confident --confident-fraction of the weak labels, the confidence-filtering baseline of weak-to-strong follow-ups.")
    var methods = MethodList([])
    @Option(help: "Strong-model layer the probes read (default: the middle layer).") var probeLayer: Int?
    @Option(help: "k of the kNN probe (neighbours by cosine similarity of mean-pooled activations).")
    var knnK = InterventionOptions.defaults.knnK
    @Option(help: "L2 penalty λ of the logistic probe (λ‖w‖² on standardised activations).")
    var logisticPenalty = InterventionOptions.defaults.logisticPenalty
    @Option(help: "Fraction of strong-train that filtering removes.") var filterFraction = InterventionOptions.defaults.filterFraction
    @Option(help: "Fraction of strong-train the confident method keeps: the examples whose weak labels are most confident, |p − ½| (the confidence-filtering baseline of weak-to-strong follow-ups that select which weak labels to trust). The student trains on those rows only and is early-stopped as the vanilla one.")
    var confidentFraction = InterventionSettings.defaultConfidentFraction
    @Option(help: "k of both TopoFilter steps.") var topoK = InterventionOptions.defaults.topoK
    @Option(help: "Strong-to-strong relabeling iterations.")
    var strongToStrongIterations = InterventionOptions.defaults.strongToStrongIterations
    @Option(help: "Intermediate bootstrapping rungs between weak and strong, comma separated (default: the strong model at half depth).")
    var bootstrapVia: CommaSeparated<String>?
    @Option(help: "Separately pretrained rungs of bootstrap-pretrained, comma separated, smallest first (default: the catalog's models between the weak and the strong one in size, e.g. paraphrase-MiniLM-L3-v2 → all-MiniLM-L6-v2 → all-mpnet-base-v2).")
    var bootstrapPretrainedVia: CommaSeparated<String>?

    func validate() throws {
        try requireDistinctItems(methods.methods, option: "--methods", items: "method", describe: \.rawValue,
                                 allowEmpty: true)
        if let probeLayer { try requireAtLeast(0, probeLayer, option: "--probe-layer") }
        try requireAtLeast(1, knnK, option: "--knn-k")
        guard logisticPenalty.isFinite, logisticPenalty >= 0 else {
            throw ValidationError("--logistic-penalty must be a finite number ≥ 0 (got \(logisticPenalty))")
        }
        guard filterFraction > 0, filterFraction < 1 else {
            throw ValidationError("--filter-fraction must lie strictly between 0 and 1 (got \(filterFraction))")
        }
        guard confidentFraction > 0, confidentFraction <= 1 else {
            throw ValidationError("--confident-fraction must lie in (0, 1] (got \(confidentFraction))")
        }
        try requireAtLeast(1, topoK, option: "--topo-k")
        try requireAtLeast(1, strongToStrongIterations, option: "--strong-to-strong-iterations")
        if let bootstrapVia {
            try requireDistinctItems(bootstrapVia.values, option: "--bootstrap-via", items: "model")
            for rung in bootstrapVia.values { try requireModelReference(rung, option: "--bootstrap-via") }
        }
        if let bootstrapPretrainedVia {
            try requireDistinctItems(bootstrapPretrainedVia.values, option: "--bootstrap-pretrained-via", items: "model")
            for rung in bootstrapPretrainedVia.values { try requireModelReference(rung, option: "--bootstrap-pretrained-via") }
        }
    }

    var settings: InterventionSettings {
        var settings = InterventionSettings()
        settings.probeLayer = probeLayer
        settings.knnK = knnK
        settings.logisticPenalty = logisticPenalty
        settings.filterFraction = filterFraction
        // The default is stored as nil, so runs from before the option existed keep their names.
        settings.confidentFraction = confidentFraction == InterventionSettings.defaultConfidentFraction ? nil : confidentFraction
        settings.topoK = topoK
        settings.strongToStrongIterations = strongToStrongIterations
        settings.bootstrapVia = bootstrapVia?.values
        settings.bootstrapPretrainedVia = bootstrapPretrainedVia?.values
        return settings
    }
}

/// `--methods`: interventions, comma separated, or `all` or `none` (an empty value is none).
struct MethodList: ExpressibleByArgument {
    var methods: [Intervention]

    init(_ methods: [Intervention]) { self.methods = methods }

    init?(argument: String) {
        switch argument.trimmingCharacters(in: .whitespaces) {
        case "all": self.init(Intervention.allCases)
        case "none": self.init([])
        default:
            guard let list = CommaSeparated<Intervention>(argument: argument) else { return nil }
            self.init(list.values)
        }
    }

    var defaultValueDescription: String {
        methods.isEmpty ? "none" : methods == Intervention.allCases ? "all" : CommaSeparated(methods).defaultValueDescription
    }

    static var allValueStrings: [String] { Intervention.allCases.map(\.rawValue) + ["all", "none"] }
}
