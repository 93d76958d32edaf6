import Analysis
import Foundation

/// One self-contained HTML page about a runs directory (`w2s report`): per dataset the weak supervisor, every
/// student, the ceiling and every intervention with the seed spread; PGR per dataset and arm as the EleutherAI
/// post's bar chart; each arm against a baseline across datasets; agreement with the supervisor; and per run its
/// training curves, configuration and the command that reproduces it. Unfinished runs are listed with their error.
///
/// The page works offline (inline SVG, style and script; nothing fetched), and every text that comes from a run is
/// escaped. The numbers are the run store's (`record.json`), as for `w2s results` and `w2s compare`.
public struct HTMLReport {
    /// The `w2s run` command that rebuilds a run's configuration, and what it cannot express (nil: nothing, the
    /// command gives the same run).
    public struct Reproduction: Sendable {
        public var command: String
        public var caveat: String?
        public init(command: String, caveat: String? = nil) { self.command = command; self.caveat = caveat }
    }

    public var title = "Weak-to-strong report"
    /// What the page says it was made from (the runs directory as given).
    public var source: String
    public var runs: [StoredRun]
    /// Records that could not be read.
    public var problems: [String]
    /// The arm every other arm is compared with, and the side the tests look for (the post's one-sided tests).
    public var baseline = "student-xent"
    public var alternative: Alternative = .greater
    /// Metrics of the comparison section, one table each.
    public var comparedMetrics = ["pgr_auc", "test_auc"]
    public var generated = Date()
    /// Builds each run's reproducing command (the command line's flags are the `w2s` target's business).
    public var reproduce: (@Sendable (ExperimentConfig) -> Reproduction)?

    public init(source: String, runs: [StoredRun], problems: [String] = []) {
        self.source = source; self.runs = runs; self.problems = problems
    }

    static let metricNames = ["pgr_auc": "PGR (AUC)", "test_auc": "test AUC", "pgr_accuracy": "PGR (accuracy)",
                              "test_accuracy": "test accuracy"]
    static func metricName(_ metric: String) -> String { metricNames[metric] ?? metric }

    public func render() -> String {
        let datasets = ReportDataset.group(runs)
        let unfinished = runs.filter { $0.record.status != .finished }
        var sections: [(id: String, title: String, html: String)] = []
        if !unfinished.isEmpty || !problems.isEmpty {
            sections.append(("unfinished", "Not finished (\(unfinished.count + problems.count))", unfinishedSection(unfinished)))
        }
        sections.append(("overview", "Overview", overviewSection(datasets)))
        sections.append(("pgr", "PGR per dataset", pgrChartSection(datasets)))
        sections.append(("datasets", "Per dataset", datasetSections(datasets)))
        sections.append(("comparison", "Against \(baseline)", comparisonSection(datasets)))
        if let finetuning = finetuningSection(datasets) {
            sections.append(("finetuning", "Head mode against finetuning", finetuning))
        }
        sections.append(("agreement", "Agreement with the supervisor", agreementSection(datasets)))
        sections.append(("stop-rules", "Stop rules", stopRulesSection(datasets)))
        sections.append(("misfit", "Misfit and gain", misfitSection(datasets)))
        sections.append(("cost", "Cost", costSection(datasets)))
        sections.append(("runs", "Runs", runsSection()))

        var html = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(HTML.escape(title)) · \(HTML.escape(source))</title>
        <style>
        \(ReportAssets.css)
        </style>
        </head>
        <body>
        <main>

        """
        html += header(datasets: datasets, unfinished: unfinished)
        html += "<nav class=\"toc\">" + sections.map { "<a href=\"#\($0.id)\">\(HTML.escape($0.title))</a>" }.joined() + "</nav>\n"
        for s in sections {
            html += "<section id=\"\(s.id)\">\n<h2>\(HTML.escape(s.title))</h2>\n\(s.html)</section>\n"
        }
        html += "</main>\n<script>\n\(ReportAssets.script)\n</script>\n</body>\n</html>\n"
        return html
    }

    // MARK: Header

    func header(datasets: [ReportDataset], unfinished: [StoredRun]) -> String {
        let formatter = ISO8601DateFormatter()
        let count = { (s: RunRecord.Status) in unfinished.filter { $0.record.status == s }.count }
        let finished = runs.count - unfinished.count
        let arms = Set(datasets.flatMap { $0.arms.map(\.id) })
        var cards: [(String, String, Bool)] = [("\(finished)", "finished runs", false)]
        for status in [RunRecord.Status.failed, .interrupted, .running] where count(status) > 0 {
            cards.append(("\(count(status))", "\(status.rawValue)", status != .running))
        }
        cards += [("\(datasets.count)", datasets.count == 1 ? "dataset setting" : "dataset settings", false),
                  ("\(Set(datasets.flatMap(\.seeds)).count)", "seeds", false),
                  ("\(arms.filter { !Arm.isReferencePoint($0) }.count)", "students and interventions", false)]
        return "<h1>\(HTML.escape(title))</h1>\n"
            + "<p class=\"muted\">Runs directory <code>\(HTML.escape(source))</code> · generated \(HTML.escape(formatter.string(from: generated)))"
            + " · PGR = (arm − weak) / (ceiling − weak) on ground-truth test AUC</p>\n"
            + "<div class=\"cards\">" + cards.map { "<div class=\"card\(($0.2 ? " bad" : ""))\"><b>\(HTML.escape($0.0))</b><span>\(HTML.escape($0.1))</span></div>" }.joined()
            + "</div>\n"
    }

    // MARK: Unfinished runs

    func unfinishedSection(_ unfinished: [StoredRun]) -> String {
        var html = "<p class=\"note\">Failed runs keep their error; a run that was killed reads as interrupted (same machine, process gone); "
            + "running may also be a run on another machine. Their results are not in any table below.</p>\n"
        if !unfinished.isEmpty {
            let rows: [[HTML.Table.Cell]] = unfinished.map { run in
                let r = run.record
                return [HTML.Table.Cell(html: "<a href=\"#\(HTML.anchor("run", r.id))\">\(HTML.escape(r.id))</a>", sortKey: r.id),
                        .text(r.dataset), .number(Double(r.seed), "\(r.seed)"), statusCell(r.status), .text(r.host),
                        HTML.Table.Cell(html: HTML.escape(ReportFormat.time(r.created)), sortKey: r.created),
                        HTML.Table.Cell(html: HTML.escape(r.finished.map(ReportFormat.time) ?? ""), sortKey: r.finished ?? ""),
                        .text(r.error ?? "", cssClass: "error")]
            }
            html += HTML.Table(columns: [.init(title: "run"), .init(title: "dataset"), .init(title: "seed", numeric: true),
                                         .init(title: "status"), .init(title: "host"), .init(title: "started"),
                                         .init(title: "ended"), .init(title: "error")], rows: rows).render()
        }
        if !problems.isEmpty {
            html += "<p>Records that could not be read:</p>\n<pre>\(HTML.escape(problems.joined(separator: "\n")))</pre>\n"
        }
        return html
    }

    // MARK: Overview and PGR chart

    /// Arms with a PGR (students and interventions) across all datasets, in table order.
    func pgrArms(_ datasets: [ReportDataset]) -> [String] {
        let order = ReportDataset.armOrder(runs)
        // Not the arms that restate another (linearity's ft(weak) is the student, ft(gt) the ceiling).
        let ids = Set(datasets.flatMap { d in
            d.arms.filter { $0.isStudentOrMethod && !$0.values("pgr_auc").isEmpty && Arm.restatement(of: $0.id, mode: d.mode) == nil }.map(\.id)
        })
        return ids.sorted { (order[$0] ?? Int.max, $0) < (order[$1] ?? Int.max, $1) }
    }

    func overviewSection(_ datasets: [ReportDataset]) -> String {
        guard !datasets.isEmpty else { return "<p>No finished runs.</p>\n" }
        let arms = pgrArms(datasets)
        var columns: [HTML.Table.Column] = [
            .init(title: "dataset"), .init(title: "seeds", numeric: true),
            .init(title: "weak AUC", help: "Weak supervisor trained on ground truth: test AUC, mean over seeds", numeric: true),
            .init(title: "ceiling AUC", help: "Strong model trained on ground truth: test AUC, mean over seeds", numeric: true),
            .init(title: "gap", help: "ceiling − weak test AUC: a small gap makes PGR very uncertain", numeric: true),
            .init(title: "gap > 0", help: "Seeds whose 95% paired bootstrap interval of ceiling − weak (over test examples) excludes 0: "
                  + "where it does not, the gap is within the test set's noise and PGR is not informative", numeric: true),
        ]
        columns += arms.map { .init(title: "PGR \(ReportArm.shortName($0))", help: "\($0): PGR on test AUC, mean over seeds", numeric: true) }
        let rows = datasets.map { d -> [HTML.Table.Cell] in
            let weak = d.arm(Arm.weak.id)?.spread("test_auc"), ceiling = d.arm(Arm.ceiling.id)?.spread("test_auc")
            let gap = weak.flatMap { w in ceiling.map { $0.mean - w.mean } }
            var row: [HTML.Table.Cell] = [
                HTML.Table.Cell(html: "<a href=\"#\(HTML.anchor("dataset", d.label))\">\(HTML.escape(d.label))</a>", sortKey: d.label),
                .number(Double(d.seeds.count), "\(d.seeds.count)"),
                .number(weak?.mean, ReportFormat.number(weak?.mean)), .number(ceiling?.mean, ReportFormat.number(ceiling?.mean)),
                .number(gap, ReportFormat.number(gap), cssClass: (gap ?? 1) <= 0 ? "neg" : nil),
                established(d.gapLowerEnds),
            ]
            row += arms.map { id in
                let s = Arm.restatement(of: id, mode: d.mode) == nil ? d.arm(id)?.spread("pgr_auc") : nil
                return .number(s?.mean, ReportFormat.number(s?.mean, digits: 2), cssClass: (s?.mean ?? 0) < 0 ? "neg" : nil)
            }
            return row
        }
        let inverted = datasets.filter { $0.ceilingBeatsWeak == false }
        return "<p class=\"note\">One row per dataset setting (runs equal in everything but seed and arms). Click a header to sort.</p>\n"
            + HTML.Table(columns: columns, rows: rows).render()
            + positivePGRCounts(datasets, arms: arms)
            + (inverted.isEmpty ? "" : "<p class=\"caveat\">The ceiling does not beat the weak supervisor on \(inverted.map { HTML.escape($0.label) }.joined(separator: ", ")): "
                + "PGR divides by that gap, so there it measures nothing (larger splits or models separate them).</p>\n")
    }

    /// On how many dataset settings each arm's PGR (mean over seeds) is above 0, per training mode: over every setting
    /// with a PGR, and over those whose ceiling − weak gap is established (its interval excludes 0 on every seed),
    /// where PGR measures something.
    func positivePGRCounts(_ datasets: [ReportDataset], arms: [String]) -> String {
        guard !arms.isEmpty else { return "" }
        let modes = Self.modes(datasets.map(\.record))
        let lines = modes.map { mode -> String in
            let subset = datasets.filter { $0.mode == mode }
            let counts = arms.compactMap { id -> String? in
                guard Arm.restatement(of: id, mode: mode) == nil else { return nil }
                let means = subset.compactMap { d in d.arm(id)?.spread("pgr_auc").map { (established: d.gapEstablished, pgr: $0.mean) } }
                guard !means.isEmpty else { return nil }
                let onEstablished = means.filter(\.established)
                return "\(HTML.escape(id)) \(means.filter { $0.pgr > 0 }.count) of \(means.count) "
                    + "(\(onEstablished.filter { $0.pgr > 0 }.count) of \(onEstablished.count) with an established gap)"
            }
            return (modes.count > 1 ? "\(HTML.escape(mode)) mode: " : "") + counts.joined(separator: "; ")
        }
        return "<p class=\"note\">PGR &gt; 0 (mean over seeds), dataset settings: " + lines.joined(separator: ". ") + ".</p>\n"
    }

    /// The kind of work a stage timing measures, from its name (`Arm.stage`, "activations MODEL").
    static func stageKind(_ stage: String) -> String {
        if stage.hasPrefix("activations ") { return "activations" }
        if stage.hasPrefix(Arm.studentPrefix) { return "students" }
        if stage.hasPrefix("method:") { return "interventions" }
        if stage.hasPrefix("weak") { return "weak" }
        if stage.hasPrefix("ceiling") { return "ceiling" }
        return "other"
    }
    static let stageKinds = ["activations", "weak", "ceiling", "students", "interventions", "other"]

    /// Seconds per run by kind of stage, mean over each dataset setting's finished runs, and the whole directory's
    /// compute: what a reader needs to plan a larger run. A stage one run reused from another (cached) counts at
    /// its original cost in the per-run means and once in the total.
    func costSection(_ datasets: [ReportDataset]) -> String {
        guard !datasets.isEmpty else { return "<p>No finished runs.</p>\n" }
        var totals: [String: Double] = [:]
        let rows = datasets.map { d -> [HTML.Table.Cell] in
            var sums: [String: Double] = [:]
            for run in d.runs {
                for (stage, t) in run.record.timings {
                    sums[Self.stageKind(stage), default: 0] += t.seconds
                    if !t.cached { totals[Self.stageKind(stage), default: 0] += t.seconds }
                }
            }
            let n = Double(d.runs.count)
            let perRun = Self.stageKinds.map { (sums[$0] ?? 0) / n }
            return [HTML.Table.Cell(html: HTML.escape(d.label), sortKey: d.label), .number(n, "\(d.runs.count)")]
                + perRun.map { .number($0, String(format: "%.0f", $0)) }
                + [.number(perRun.reduce(0, +), String(format: "%.0f", perRun.reduce(0, +)))]
        }
        let columns: [HTML.Table.Column] = [.init(title: "dataset"), .init(title: "runs", numeric: true)]
            + Self.stageKinds.map { .init(title: "\($0) s", help: "seconds per run in \($0) stages, mean over the runs", numeric: true) }
            + [.init(title: "total s", help: "seconds per run, all stages", numeric: true)]
        let whole = totals.values.reduce(0, +)
        let parts = Self.stageKinds.compactMap { k in totals[k].map { String(format: "%@ %.1f h", k, $0 / 3600) } }
        return "<p class=\"note\">Stage seconds per finished run (activations: the time this run spent embedding; texts already in the "
            + "activation store cost nothing). All finished runs together computed for \(String(format: "%.1f", whole / 3600)) h "
            + "(\(HTML.escape(parts.joined(separator: ", ")))), stages reused from another run counted once.</p>\n"
            + HTML.Table(columns: columns, rows: rows).render()
    }

    /// "k/n": of the n seeds with a gap interval, k have its lower end above 0 (empty for runs recorded without one).
    func established(_ lowerEnds: [Double]) -> HTML.Table.Cell {
        guard !lowerEnds.isEmpty else { return .number(nil, "") }
        let k = lowerEnds.filter { $0 > 0 }.count
        return .number(Double(k) / Double(lowerEnds.count), "\(k)/\(lowerEnds.count)", cssClass: k == 0 ? "neg" : nil)
    }

    func pgrChartSection(_ datasets: [ReportDataset]) -> String {
        guard !pgrArms(datasets).isEmpty else { return "<p>No finished run has a PGR.</p>\n" }
        // One chart per training mode: head mode's interventions and a finetuned sweep's two losses side by side
        // would be mostly empty slots.
        let modes = Self.modes(datasets.map { $0.record })
        let charts = modes.compactMap { mode -> String? in
            let subset = datasets.filter { $0.mode == mode }
            let arms = pgrArms(subset)
            guard !arms.isEmpty else { return nil }
            // Within one mode a dataset usually has one setting: name it by the dataset alone.
            let repeated = Set(Dictionary(grouping: subset, by: \.dataset).filter { $0.value.count > 1 }.keys)
            let groups = subset.map { d in
                let name = repeated.contains(d.dataset) ? d.label : d.dataset
                // PGR over a gap ≤ 0 is no measurement: the group says so instead of drawing bars the axis must cut.
                return d.ceilingBeatsWeak == false ? Charts.BarGroup(name: name, bars: [], note: "ceiling ≤ weak: no PGR") :
                Charts.BarGroup(name: name, bars: arms.enumerated().compactMap { i, id in
                    guard let arm = d.arm(id), let s = arm.spread("pgr_auc") else { return nil }
                    let intervals = arm.seeds.compactMap { seed in
                        seed.metrics["pgr_auc_ci_low"].flatMap { lo in seed.metrics["pgr_auc_ci_high"].map { "s\(seed.seed) [\(ReportFormat.number(lo, digits: 2)), \(ReportFormat.number($0, digits: 2))]" } }
                    }
                    let tooltip = "\(d.label) · \(id): PGR \(ReportFormat.spreadText(s, digits: 3))"
                        + (intervals.isEmpty ? "" : "; 95% bootstrap CI \(intervals.joined(separator: ", "))")
                    return Charts.Bar(series: i, value: s.mean, points: s.n > 1 ? arm.values("pgr_auc") : [], tooltip: tooltip)
                })
            }
            let panels = Charts.barPanels(title: "PGR on test AUC per dataset, one bar per student loss and intervention"
                                            + (modes.count > 1 ? " — \(mode) mode" : ""),
                                          yLabel: "PGR (AUC)", series: arms, groups: groups,
                                          references: [(1, "ceiling (PGR 1)")])
            return panels.map { "<div class=\"chart\">\($0)</div>\n" }.joined()
        }
        return "<p class=\"note\">Bars: mean over seeds; dots: the individual seeds. 0 is the weak supervisor, 1 the strong ceiling. "
            + "Hover a bar for mean ± sd, n and each seed's 95% bootstrap interval. Bars beyond the axis are cut and labelled; "
            + "a dataset whose ceiling does not beat its weak supervisor has no bars (its PGR is in the tables)"
            + (modes.count > 1 ? ". One chart per training mode" : "") + ".</p>\n"
            + charts.joined()
    }

    // MARK: Per dataset

    func datasetSections(_ datasets: [ReportDataset]) -> String {
        guard !datasets.isEmpty else { return "<p>No finished runs.</p>\n" }
        var html = "<p class=\"note\">Test metrics on ground truth, mean ± sd over seeds (n seeds). The 95% interval of PGR is the paired "
            + "bootstrap over test examples of each seed's run (weak, arm and ceiling rescored on the same resample of source questions).</p>\n"
        for d in datasets {
            html += "<h3 id=\"\(HTML.anchor("dataset", d.label))\">\(HTML.escape(d.label))</h3>\n<p class=\"muted\">\(HTML.escape(describe(d)))</p>\n"
            let columns: [HTML.Table.Column] = [
                .init(title: "arm"), .init(title: "n", help: "seeds", numeric: true),
                .init(title: "test AUC", numeric: true), .init(title: "test accuracy", numeric: true),
                .init(title: "PGR (AUC)", numeric: true),
                .init(title: "PGR 95% CI", help: "paired bootstrap over test examples, per seed", numeric: true),
                .init(title: "PGR (accuracy)", numeric: true),
                .init(title: "oracle-stop AUC", help: "best ground-truth test AUC at any evaluation: an analysis only, never used to stop", numeric: true),
            ]
            let rows = d.arms.map { arm -> [HTML.Table.Cell] in
                let intervals = arm.seeds.compactMap { seed -> (Double, String)? in
                    guard let lo = seed.metrics["pgr_auc_ci_low"], let hi = seed.metrics["pgr_auc_ci_high"] else { return nil }
                    let text = "[\(ReportFormat.number(lo, digits: 2)), \(ReportFormat.number(hi, digits: 2))]"
                    return (lo, arm.seeds.count > 1 ? "s\(seed.seed) \(text)" : text)
                }
                let blank = HTML.Table.Cell.number(nil, "")
                let reference = !arm.isStudentOrMethod
                return [
                    HTML.Table.Cell(html: HTML.escape(arm.id) + roleNote(arm.id), sortKey: arm.id),
                    .number(Double(arm.seeds.count), "\(arm.seeds.count)"),
                    spreadCell(arm.spread("test_auc")), spreadCell(arm.spread("test_accuracy")),
                    reference ? blank : spreadCell(arm.spread("pgr_auc"), digits: 3, signed: true, seeds: arm.seeds.count),
                    HTML.Table.Cell(html: intervals.map { "<span class=\"ci\">\(HTML.escape($0.1))</span>" }.joined(separator: "<br>"),
                                    sortKey: intervals.first.map { "\($0.0)" } ?? ""),
                    reference ? blank : spreadCell(arm.spread("pgr_accuracy"), digits: 3, signed: true, seeds: arm.seeds.count),
                    reference ? blank : spreadCell(arm.spread("oracle_stop_auc")),
                ]
            }
            html += HTML.Table(columns: columns, rows: rows,
                               rowClasses: d.arms.map { $0.isStudentOrMethod ? nil : "reference" }).render()
        }
        return html
    }

    func roleNote(_ id: String) -> String {
        switch id {
        case Arm.weak.id: return " <span class=\"muted\">(supervisor, ground truth)</span>"
        case Arm.ceiling.id: return " <span class=\"muted\">(strong, ground truth)</span>"
        default: return ""
        }
    }

    /// Models, mode, sizes, and what the summaries say about the weak labels and early stopping.
    func describe(_ d: ReportDataset) -> String {
        let r = d.record
        var parts = ["\(r.weakModel) → \(r.strongModel)", "\(r.mode) mode"]
        if let c = d.config {
            parts.append("sizes \(c.sizes.weakTrain)/\(c.sizes.strongTrain)/\(c.sizes.validation)/\(c.sizes.test) (weak-train/strong-train/validation/test)")
            parts.append("max length \(c.maxLength)")
        }
        parts.append("seeds \(d.seeds.map(String.init).joined(separator: ", "))")
        let summaries = d.runs.compactMap(\.summary)
        if !summaries.isEmpty {
            let (mean, sd) = meanAndStandardDeviation(summaries.map(\.weakLabelAccuracy))
            parts.append("weak-label accuracy \(ReportFormat.number(mean))" + (summaries.count > 1 ? " ± \(ReportFormat.number(sd))" : ""))
            let fallbacks = summaries.filter { !$0.studentSelection.hasPrefix("validation AUC") }
            if !fallbacks.isEmpty {
                parts.append("students of \(fallbacks.count) run(s) early-stopped on \(fallbacks[0].studentSelection)")
            }
        }
        return parts.joined(separator: " · ")
    }

    // MARK: Comparison

    func comparisonSection(_ datasets: [ReportDataset]) -> String {
        let records = runs.map(\.record)
        var html = "<p class=\"note\">Each student loss and intervention against <code>\(HTML.escape(baseline))</code>, as in the EleutherAI post: "
            + "one pair per dataset setting with its seeds averaged first (only seeds where both arms ran), "
            + "\(alternative == .twoSided ? "two-sided" : "one-sided") tests (H₁: arm \(alternative == .less ? "&lt;" : alternative == .greater ? "&gt;" : "≠") baseline), "
            + "paired t-test and Wilcoxon signed-rank. Arms pair only within runs of the same setting. n counts dataset settings; "
            + "with n < 2, or constant differences, a test is n/a.</p>\n"
        // One set of tables per training mode: a dataset run in head mode and finetuned is two settings, but not two
        // independent datasets, so pooling the modes would count it twice.
        let modes = Self.modes(records)
        if modes.count > 1 {
            html += "<p class=\"note\">The runs use \(modes.count) training modes (\(modes.joined(separator: ", "))): one set of tables per mode.</p>\n"
        }
        for metric in comparedMetrics {
            for mode in modes {
                let title = Self.metricName(metric) + (modes.count > 1 ? " — \(mode) mode" : "")
                html += "<h3>\(HTML.escape(title))</h3>\n"
                // PGR only where it measures something: over a gap within the test set's noise it can take any value
                // and would dominate a mean (the post likewise leaves out datasets where every model saturates).
                let inMode = records.filter { $0.mode == mode }
                let gapOnly = metric.hasPrefix("pgr")
                let leftOut = gapOnly ? datasets.filter { $0.mode == mode && !$0.gapEstablished }.map(\.label) : []
                html += comparisonTables(metric: metric, records: gapOnly ? RunRecord.withEstablishedGap(inMode) : inMode, leftOut: leftOut)
            }
        }
        return html
    }

    /// The training modes of the finished runs, head mode first.
    static func modes(_ records: [RunRecord]) -> [String] {
        let order = TrainingMode.allCases.map(\.rawValue)
        return Set(records.filter { $0.status == .finished }.map(\.mode))
            .sorted { (order.firstIndex(of: $0) ?? order.count, $0) < (order.firstIndex(of: $1) ?? order.count, $1) }
    }

    /// One metric's comparison table and wins matrix over these records.
    func comparisonTables(metric: String, records: [RunRecord], leftOut: [String]) -> String {
        let note = leftOut.isEmpty ? "" : "<p class=\"caveat\">Only dataset settings whose ceiling − weak gap is established (its 95% interval "
            + "excludes 0 on every seed); left out: \(leftOut.map(HTML.escape).joined(separator: ", ")). The test AUC comparison includes them.</p>\n"
        guard records.contains(where: { $0.status == .finished }) else { return note + "<p>No dataset setting to compare.</p>\n" }
        let comparisons: [ArmComparison]
        do {
            // Students and interventions only: weak and ceiling have a test AUC too, but they are the reference points.
            let order = ReportDataset.armOrder(runs)
            comparisons = try ArmComparison.compare(records, metric: metric, baseline: baseline, alternative: alternative, unit: .dataset)
                .filter { !Arm.isReferencePoint($0.arm) }
                .sorted { (order[$0.arm] ?? Int.max, $0.arm) < (order[$1.arm] ?? Int.max, $1.arm) }
        } catch {
            return "<p class=\"caveat\">\(HTML.escape("\(error)"))</p>\n"
        }
        guard !comparisons.isEmpty else {
            return "<p>No other arm shares a setting with \(HTML.escape(baseline)).</p>\n"
        }
        let n = Set(comparisons.flatMap { $0.pairs.map(\.run) }).count
        var html = note + "<p class=\"muted\">Unit: \(HTML.escape(ComparisonUnit.dataset.explanation)); n = \(n) dataset setting\(n == 1 ? "" : "s") in all.</p>\n"
        let rows = comparisons.map { c -> [HTML.Table.Cell] in
            let wins = c.pairs.filter { $0.arm > $0.baseline }.count
            let a = meanAndStandardDeviation(c.pairs.map(\.arm)), b = meanAndStandardDeviation(c.pairs.map(\.baseline))
            return [
                .text(c.arm), .number(Double(c.pairs.count), "\(c.pairs.count)"),
                .number(Double(wins) / Double(c.pairs.count), "\(wins)/\(c.pairs.count)", cssClass: wins * 2 > c.pairs.count ? "win" : nil),
                .number(a.mean, ReportFormat.number(a.mean)), .number(b.mean, ReportFormat.number(b.mean)),
                .number(c.meanDifference, ReportFormat.signed(c.meanDifference), cssClass: c.meanDifference < 0 ? "neg" : nil),
                .number(c.tTest?.statistic, ReportFormat.number(c.tTest?.statistic, digits: 2)),
                pCell(c.tTest?.pValue),
                .number(c.wilcoxon?.statistic, ReportFormat.number(c.wilcoxon?.statistic, digits: 1)),
                pCell(c.wilcoxon?.pValue), pCell(c.tTestHolm), pCell(c.wilcoxonHolm),
            ]
        }
        let side = alternative == .twoSided ? "two-sided" : "one-sided, \(alternative.rawValue)"
        let holm = "Holm's adjustment over this column's p-values (every arm of the table with a test): below 0.05, the chance of any false finding among them is at most 5%"
        html += HTML.Table(columns: [
            .init(title: "arm"), .init(title: "n", help: "dataset settings (pairs)", numeric: true),
            .init(title: "wins", help: "datasets where the arm beats the baseline", numeric: true),
            .init(title: "arm mean", numeric: true), .init(title: "baseline mean", numeric: true),
            .init(title: "mean difference", numeric: true),
            .init(title: "t", numeric: true), .init(title: "p (t-test)", help: side, numeric: true),
            .init(title: "W+", help: "sum of the ranks of positive differences", numeric: true),
            .init(title: "p (Wilcoxon)", help: side, numeric: true),
            .init(title: "Holm p (t-test)", help: holm, numeric: true), .init(title: "Holm p (Wilcoxon)", help: holm, numeric: true),
        ], rows: rows).render()
        html += winsMatrix(comparisons)
        return html
    }

    /// Arm − baseline per dataset: where the wins come from.
    func winsMatrix(_ comparisons: [ArmComparison]) -> String {
        let units = Array(Set(comparisons.flatMap { $0.pairs.map(\.run) })).sorted()
        guard units.count > 1 || comparisons.count > 1 else { return "" }
        // The labels are "dataset weak→strong mode"; when every label shares what follows the dataset, show the dataset only.
        let tails = Set(units.map { $0.split(separator: " ", maxSplits: 1).dropFirst().joined() })
        let short = tails.count == 1 ? units.map { String($0.split(separator: " ", maxSplits: 1)[0]) } : units
        let rows = comparisons.map { c -> [HTML.Table.Cell] in
            [.text(c.arm)] + units.map { unit in
                guard let pair = c.pairs.first(where: { $0.run == unit }) else { return .number(nil, "") }
                let d = pair.arm - pair.baseline
                return .number(d, ReportFormat.signed(d), cssClass: d > 0 ? "win" : d < 0 ? "loss" : nil)
            }
        }
        return "<details class=\"run\"><summary>Arm − baseline per dataset (\(units.count) dataset setting\(units.count == 1 ? "" : "s")"
            + (tails.count == 1 ? ", \(HTML.escape(tails.first!))" : "") + ")</summary><div class=\"body\">\n"
            + HTML.Table(columns: [.init(title: "arm")] + short.map { .init(title: $0, numeric: true) }, rows: rows).render()
            + "</div></details>\n"
    }

    // MARK: Agreement

    func agreementSection(_ datasets: [ReportDataset]) -> String {
        let rows = datasets.flatMap { d in
            d.arms.filter(\.isStudentOrMethod).compactMap { arm -> [HTML.Table.Cell]? in
                guard let all = arm.spread("agreement") else { return nil }
                let counts = arm.seeds.compactMap { $0.score(arm.id)?.agreement }
                let right = counts.map(\.supervisorCorrectCount).reduce(0, +), wrong = counts.map(\.supervisorWrongCount).reduce(0, +)
                return [.text(d.label), .text(arm.id), .number(Double(all.n), "\(all.n)"), spreadCell(all),
                        spreadCell(arm.spread("agreement_supervisor_correct")), spreadCell(arm.spread("agreement_supervisor_wrong")),
                        counts.isEmpty ? .number(nil, "") : .number(Double(right), "\(right) / \(wrong)")]
            }
        }
        guard !rows.isEmpty else { return "<p>No finished run reports agreement.</p>\n" }
        return "<p class=\"note\">How often the arm's hard prediction on the test set equals the weak supervisor's, overall and split by "
            + "whether the supervisor is right. Weak-to-strong generalization shows as high agreement where the supervisor is right and "
            + "low agreement where it is wrong (the student does not imitate its errors). Mean ± sd over seeds.</p>\n"
            + HTML.Table(columns: [
                .init(title: "dataset"), .init(title: "arm"), .init(title: "n", help: "seeds", numeric: true),
                .init(title: "agreement", numeric: true), .init(title: "where supervisor right", numeric: true),
                .init(title: "where supervisor wrong", numeric: true),
                .init(title: "test examples right / wrong", help: "summed over seeds", numeric: true),
            ], rows: rows).render()
    }

    // MARK: Runs

    func runsSection() -> String {
        var html = "<p class=\"note\">Every run in the directory. Open a run for its training curves (validation AUC against the labels it "
            + "learns, solid; ground-truth test AUC, dashed), early stopping, timings, configuration and the command that reproduces it.</p>\n"
        let rows = runs.reversed().map { run -> [HTML.Table.Cell] in
            let r = run.record, c = run.resolvedConfig
            let seconds = r.timings.values.filter { !$0.cached }.map(\.seconds).reduce(0, +)
            return [
                HTML.Table.Cell(html: "<a href=\"#\(HTML.anchor("run", r.id))\">\(HTML.escape(r.id))</a>", sortKey: r.id),
                .text(r.dataset), .number(Double(r.seed), "\(r.seed)"), statusCell(r.status), .text(r.mode),
                .text("\(r.weakModel) → \(r.strongModel)"),
                .text(c.map { "\($0.sizes.weakTrain)/\($0.sizes.strongTrain)/\($0.sizes.validation)/\($0.sizes.test)" } ?? ""),
                .text(r.losses.joined(separator: ", ")), .text(r.methods.joined(separator: ", ")),
                HTML.Table.Cell(html: HTML.escape(ReportFormat.time(r.created)), sortKey: r.created),
                r.status == .finished ? .number(seconds, String(format: "%.1f", seconds)) : .number(nil, ""),
            ]
        }
        html += HTML.Table(columns: [
            .init(title: "run"), .init(title: "dataset"), .init(title: "seed", numeric: true), .init(title: "status"),
            .init(title: "mode"), .init(title: "weak → strong"), .init(title: "sizes", help: "weak-train/strong-train/validation/test"),
            .init(title: "losses"), .init(title: "methods"), .init(title: "started"),
            .init(title: "computed (s)", help: "seconds of the stages computed by this run (cached stages excluded)", numeric: true),
        ], rows: rows).render()
        html += "<div class=\"toolbar\"><button type=\"button\" data-details=\"open\">Open all runs</button>"
            + "<button type=\"button\" data-details=\"close\">Close all runs</button></div>\n"
        for run in runs.reversed() { html += runDetails(run) }
        return html
    }

    func runDetails(_ run: StoredRun) -> String {
        let r = run.record
        var html = "<details class=\"run\" id=\"\(HTML.anchor("run", r.id))\"><summary><code>\(HTML.escape(r.id))</code> "
            + statusBadge(r.status) + " <span class=\"muted\">\(HTML.escape(r.dataset)) · seed \(r.seed) · \(HTML.escape(r.created))</span></summary>\n<div class=\"body\">\n"
        if let error = r.error { html += "<p><b>Error</b></p><pre class=\"error\">\(HTML.escape(error))</pre>\n" }
        if let config = run.resolvedConfig {
            if let reproduce {
                let reproduction = reproduce(config)
                html += "<p><b>Reproduce</b> <span class=\"muted\">(finished stages are cached: in the same runs directory this recomputes nothing)</span></p>"
                    + "<pre><code class=\"command\" data-run=\"\(HTML.escape(r.id))\">\(HTML.escape(reproduction.command))</code></pre>\n"
                if let caveat = reproduction.caveat { html += "<p class=\"caveat\">\(HTML.escape(caveat))</p>\n" }
            }
        } else {
            html += "<p class=\"caveat\">No config.json: the configuration of this run is unknown.</p>\n"
        }
        if let s = run.summary {
            html += "<dl class=\"facts\"><dt>splits</dt><dd>\(s.splitSizes) (weak-train/strong-train/validation/test)</dd>"
                + "<dt>weak-label accuracy</dt><dd>\(ReportFormat.number(s.weakLabelAccuracy)) (strong-train, against ground truth)</dd>"
                + "<dt>students stopped on</dt><dd>\(HTML.escape(s.studentSelection))</dd>"
                + "<dt>host</dt><dd>\(HTML.escape(r.host))</dd></dl>\n"
            let trained = (s.students + s.methods).filter { $0.training != nil || $0.note != nil }
            if !trained.isEmpty {
                html += HTML.Table(columns: [
                    .init(title: "arm"), .init(title: "best step", numeric: true), .init(title: "steps", numeric: true),
                    .init(title: "oracle-stop AUC", numeric: true), .init(title: "note"),
                ], rows: trained.map { a in
                    [.text(a.arm.id), .number(a.training.map { Double($0.bestStep) }, a.training.map { "\($0.bestStep)" } ?? ""),
                     .number(a.training.map { Double($0.totalSteps) }, a.training.map { "\($0.totalSteps)" } ?? ""),
                     .number(a.training?.oracleStopAUC, ReportFormat.number(a.training?.oracleStopAUC)), .text(a.note ?? "")]
                }).render()
            }
        }
        if !run.curves.isEmpty { html += "<div class=\"chart\">\(curveChart(run))</div>\n" }
        if !r.timings.isEmpty {
            let timings = r.timings.sorted { $0.key < $1.key }.map { "\($0.key) \(String(format: "%.2f s", $0.value.seconds))\($0.value.cached ? " (cached)" : "")" }
            html += "<p class=\"muted\">Stages: \(HTML.escape(timings.joined(separator: " · ")))</p>\n"
        }
        if let config = run.resolvedConfig, let json = try? JSONEncoder.pretty.encode(config) {
            html += "<details><summary>Configuration (config.json)</summary><pre>\(HTML.escape(String(decoding: json, as: UTF8.self)))</pre></details>\n"
        }
        return html + "</div></details>\n"
    }

    /// Validation AUC (solid: what early stopping sees) and test AUC (dashed) per stage, as in the run's curves.svg.
    func curveChart(_ run: StoredRun) -> String {
        var stages: [String] = []
        for p in run.curves where !stages.contains(p.stage) { stages.append(p.stage) }
        var series: [Charts.Series] = []
        for stage in stages {
            let points = run.curves.filter { $0.stage == stage }
            series.append(Charts.Series(name: "\(stage) val", points: points.compactMap { p in p.validationAUC.map { (Double(p.step), $0) } }))
            series.append(Charts.Series(name: "\(stage) test", points: points.compactMap { p in p.testAUC.map { (Double(p.step), $0) } }, dashed: true))
        }
        return Charts.lines(title: "\(run.record.id): AUC during training", xLabel: "optimizer step", yLabel: "ROC AUC", series: series)
    }

    // MARK: Cells

    func statusBadge(_ status: RunRecord.Status) -> String {
        "<span class=\"status status-\(status.rawValue)\">\(status.rawValue)</span>"
    }

    func statusCell(_ status: RunRecord.Status) -> HTML.Table.Cell {
        HTML.Table.Cell(html: statusBadge(status), sortKey: status.rawValue)
    }

    /// Mean ± sd; `seeds`: how many seeds the row has, so a value missing in some (an undefined PGR) shows its own n.
    func spreadCell(_ s: (mean: Double, sd: Double, n: Int)?, digits: Int = 3, signed: Bool = false, seeds: Int? = nil) -> HTML.Table.Cell {
        guard let s else { return .number(nil, "<span class=\"muted\">n/a</span>") }
        let partial = seeds.map { s.n < $0 } ?? false ? " <span class=\"sd\">(n = \(s.n))</span>" : ""
        return .number(s.mean, ReportFormat.spread(s, digits: digits) + partial, cssClass: signed && s.mean < 0 ? "neg" : nil)
    }

    func pCell(_ p: Double?) -> HTML.Table.Cell {
        .number(p, ReportFormat.pValue(p), cssClass: (p ?? 1) < 0.05 ? "sig" : nil)
    }
}

extension JSONEncoder {
    static var pretty: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return e
    }
}
