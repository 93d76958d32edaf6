import Analysis
import Foundation

/// The interventions of the source documents, run on top of vanilla weak-to-strong training and reported
/// next to it (EleutherAI's post; Burns et al. for bootstrapping and the linearity analysis).
public enum Intervention: String, Codable, Sendable, CaseIterable {
    /// Relabel strong-train with the student's own predictions and train a fresh student; N iterations.
    case strongToStrong = "strong-to-strong"
    /// A chain weak → intermediate models → strong, each rung trained on the previous rung's labels.
    case bootstrap
    /// The same chain through separately pretrained models (paraphrase-MiniLM-L3-v2 → all-MiniLM-L6-v2 → all-mpnet-base-v2).
    case bootstrapPretrained = "bootstrap-pretrained"
    /// Probes (kNN, logistic regression) on frozen strong activations, fit to the weak labels, scored on test.
    case probe
    /// Drop the strong-train points where a probe (kNN, logistic, TopoFilter) disagrees most with the weak label.
    case filter
    /// Train the student only on the fraction of strong-train whose weak labels are most confident, |p − ½|.
    case confident
    /// Train the student on a probe's in-sample predictions instead of the weak labels.
    case relabel
    /// lp(weak), lp(gt), ft(weak), ft(weak)+lp(gt), ft(gt) (Burns et al. §5.2.3).
    case linearity
    /// Probe AUC minus weak-label AUC over k, the L2 penalty and the layer.
    case probeSweep = "probe-sweep"

    /// "all", "none" or a comma-separated list.
    public static func parse(list: String) throws -> [Intervention] {
        let names = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if names == ["all"] { return allCases }
        if names.isEmpty || names == ["none"] { return [] }
        return try names.map { name in
            guard let m = Intervention(rawValue: name) else {
                throw ExperimentError.invalid("unknown method '\(name)'; choose from \(allCases.map(\.rawValue).joined(separator: ", ")), all, none")
            }
            return m
        }
    }
}
