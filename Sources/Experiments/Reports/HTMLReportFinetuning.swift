import Analysis
import Foundation

/// Head mode against finetuning: the same dataset, models, split sizes and maximum length run once with a frozen
/// backbone and a linear head and once finetuned (LoRA or full, top K layers), compared dataset by dataset and across
/// datasets. Does finetuning raise the ceiling, the students, PGR?
extension HTMLReport {
    /// A head-mode setting and a finetuned setting of the same task, models, sizes and maximum length, with the
    /// seeds both ran.
    struct ModePair {
        var head: ReportDataset
        var tuned: ReportDataset
        var seeds: Set<Int>

        /// "lora, top 1 layer", "full, all layers", "lora, top 2 layers, raw head input".
        var tunedName: String {
            let mode = tuned.mode
            guard let config = tuned.config, let k = config.trainLayersLabel else { return mode }
            return (k == "all" ? "\(mode), all layers" : "\(mode), top \(k) layer\(k == "1" ? "" : "s")")
                + (config.finetunedHeadInput == .raw ? ", raw head input" : "")
        }

        /// Mean over the common seeds of an arm's metric in each mode (nil where either mode lacks it).
        func means(_ arm: String, _ metric: String) -> (head: Double, tuned: Double)? {
            func mean(_ d: ReportDataset) -> Double? {
                let v = d.arm(arm)?.seeds.filter { seeds.contains($0.seed) }.compactMap { $0.metrics[metric] }.filter(\.isFinite) ?? []
                return v.count == seeds.count && !v.isEmpty ? v.reduce(0, +) / Double(v.count) : nil
            }
            guard let h = mean(head), let t = mean(tuned) else { return nil }
            return (h, t)
        }
    }

    static func modePairs(_ datasets: [ReportDataset]) -> [ModePair] {
        func key(_ d: ReportDataset) -> String {
            let r = d.record
            let shape = d.config.map { "\($0.sizes.weakTrain)/\($0.sizes.strongTrain)/\($0.sizes.validation)/\($0.sizes.test) \($0.maxLength)" } ?? ""
            return [r.dataset, r.weakModel, r.strongModel, shape].joined(separator: "\u{1F}")
        }
        let heads = Dictionary(grouping: datasets.filter { $0.mode == TrainingMode.head.rawValue }, by: key)
        return datasets.filter { $0.mode != TrainingMode.head.rawValue }.flatMap { tuned in
            (heads[key(tuned)] ?? []).compactMap { head -> ModePair? in
                let seeds = Set(head.seeds).intersection(tuned.seeds)
                return seeds.isEmpty ? nil : ModePair(head: head, tuned: tuned, seeds: seeds)
            }
        }
    }

    /// nil when no dataset was run both ways (the section is left out).
    func finetuningSection(_ datasets: [ReportDataset]) -> String? {
        let pairs = Self.modePairs(datasets)
        guard !pairs.isEmpty else { return nil }
        // The students both modes trained (interventions run in head mode only, in the benchmark).
        let inHead: Set<String> = Set(pairs.flatMap { $0.head.arms.map(\.id) })
        let inBoth: Set<String> = inHead.intersection(pairs.flatMap { $0.tuned.arms.map(\.id) })
        let students: [String] = inBoth.filter { $0.hasPrefix(Arm.studentPrefix) }
            .sorted { ($0 == baseline ? 0 : 1, $0) < ($1 == baseline ? 0 : 1, $1) }
        typealias Quantity = (arm: String, metric: String, name: String)
        let references: [Quantity] = [(Arm.weak.id, "test_auc", "weak test AUC"), (Arm.ceiling.id, "test_auc", "ceiling test AUC")]
        let studentAUCs: [Quantity] = students.map { ($0, "test_auc", "\($0) test AUC") }
        let studentPGRs: [Quantity] = students.map { ($0, "pgr_auc", "\($0) PGR (AUC)") }
        let quantities = references + studentAUCs + studentPGRs

        var html = "<p class=\"note\">Datasets run both with a frozen backbone and a linear head (head mode) and finetuned, with the same "
            + "models, split sizes and maximum length; means over the seeds both ran. Finetuning changes the weak supervisor too, so the "
            + "students learn from other labels. Across datasets, for each way of finetuning: one pair per dataset, two-sided paired "
            + "t-test and Wilcoxon signed-rank on finetuned − head; PGR rows only over datasets whose ceiling − weak gap is established "
            + "in both modes.</p>\n"
        // One block of rows per way of finetuning (K, head input): a head-mode setting paired with two finetuned
        // variants is two comparisons, never one pooled sample.
        let variants = Dictionary(grouping: pairs, by: \.tunedName)
        let summary = variants.keys.sorted().flatMap { variant in
            quantities.compactMap { q -> [HTML.Table.Cell]? in
                // PGR only where it measures something in both modes (`RunRecord.gapEstablished`).
                let values = variants[variant]!.filter { !q.metric.hasPrefix("pgr") || $0.head.gapEstablished && $0.tuned.gapEstablished }
                    .compactMap { $0.means(q.arm, q.metric) }
                guard !values.isEmpty else { return nil }
                let h = values.map(\.head), t = values.map(\.tuned)
                let higher = values.filter { $0.tuned > $0.head }.count
                let difference = zip(t, h).map { $0 - $1 }.reduce(0, +) / Double(values.count)
                let enough = values.count >= 2
                return [.text(variant), .text(q.name), .number(Double(values.count), "\(values.count)"),
                        .number(Double(higher) / Double(values.count), "\(higher)/\(values.count)", cssClass: higher * 2 > values.count ? "win" : nil),
                        .number(h.reduce(0, +) / Double(h.count), ReportFormat.number(h.reduce(0, +) / Double(h.count))),
                        .number(t.reduce(0, +) / Double(t.count), ReportFormat.number(t.reduce(0, +) / Double(t.count))),
                        .number(difference, ReportFormat.signed(difference), cssClass: difference < 0 ? "neg" : nil),
                        pCell(enough ? pairedTTest(t, h).pValue : nil), pCell(enough ? wilcoxonSignedRank(t, h).pValue : nil)]
            }
        }
        html += HTML.Table(columns: [
            .init(title: "finetuned as"), .init(title: "quantity"), .init(title: "n", help: "datasets run both ways", numeric: true),
            .init(title: "finetuned higher", numeric: true), .init(title: "head mean", numeric: true),
            .init(title: "finetuned mean", numeric: true), .init(title: "mean difference", help: "finetuned − head", numeric: true),
            .init(title: "p (t-test)", help: "two-sided", numeric: true), .init(title: "p (Wilcoxon)", help: "two-sided", numeric: true),
        ], rows: summary).render()

        // Dataset by dataset: head → finetuned for the weak model, the ceiling and each shared student.
        let perStudent: [Quantity] = students.flatMap { id -> [Quantity] in
            [(id, "test_auc", "\(ReportArm.shortName(id)) AUC"), (id, "pgr_auc", "\(ReportArm.shortName(id)) PGR")]
        }
        let shown: [Quantity] = [(Arm.weak.id, "test_auc", "weak AUC"), (Arm.ceiling.id, "test_auc", "ceiling AUC")] + perStudent
        let rows = pairs.map { p -> [HTML.Table.Cell] in
            let cells = shown.map { q -> HTML.Table.Cell in
                guard let m = p.means(q.arm, q.metric) else { return HTML.Table.Cell.number(nil, "") }
                let d = m.tuned - m.head
                return HTML.Table.Cell.number(d, "\(ReportFormat.number(m.head)) → \(ReportFormat.number(m.tuned))",
                                              cssClass: d > 0 ? "win" : d < 0 ? "loss" : nil)
            }
            return [HTML.Table.Cell.text(p.head.dataset), .text(p.tunedName), .number(Double(p.seeds.count), "\(p.seeds.count)")] + cells
        }
        html += "<details class=\"run\"><summary>Per dataset, head → finetuned (\(pairs.count) pair\(pairs.count == 1 ? "" : "s") of settings; "
            + "a column sorts by the difference)</summary><div class=\"body\">\n"
            + HTML.Table(columns: [.init(title: "dataset"), .init(title: "finetuned as"), .init(title: "seeds", numeric: true)]
                         + shown.map { HTML.Table.Column(title: $0.name, numeric: true) }, rows: rows).render()
            + "</div></details>\n"
        return html
    }
}
