import Analysis
import Foundation

/// The report's two diagnostics of how a student's numbers come about: the stop rule behind each test AUC and PGR, and
/// the misfit with the weak supervisor beside the gain over it (Charikar et al. 2024).
extension HTMLReport {
    /// Test AUC and PGR of every trained arm under three stop rules, mean ± sd over seeds: early stopping on the weak
    /// labels' validation AUC (every other table), the last step and the ground-truth oracle step, all read from the
    /// test AUC recorded at each evaluation.
    func stopRulesSection(_ datasets: [ReportDataset]) -> String {
        let rules: [(metric: String, pgr: String, name: String, help: String)] = [
            ("test_auc", "pgr_auc", "early stop", "the checkpoint with the best validation AUC against the weak labels (what every other table reports)"),
            ("last_step_auc", "last_step_pgr", "last step", "the model at the end of training (fixed epochs, no early stopping)"),
            ("oracle_stop_auc", "oracle_stop_pgr", "oracle step", "the evaluation with the best ground-truth test AUC: cheating, an analysis only"),
        ]
        let rows = datasets.flatMap { d in
            d.arms.filter { $0.isStudentOrMethod && $0.spread("last_step_auc") != nil }.map { arm -> [HTML.Table.Cell] in
                var row: [HTML.Table.Cell] = [.text(d.label), .text(arm.id), .number(Double(arm.seeds.count), "\(arm.seeds.count)")]
                row += rules.map { spreadCell(arm.spread($0.metric)) }
                row += rules.map { spreadCell(arm.spread($0.pgr), digits: 3, signed: true, seeds: arm.seeds.count) }
                if let early = arm.spread("pgr_auc"), let oracle = arm.spread("oracle_stop_pgr") {
                    let d = oracle.mean - early.mean
                    row.append(.number(d, ReportFormat.signed(d)))
                } else {
                    row.append(.number(nil, ""))
                }
                return row
            }
        }
        guard !rows.isEmpty else { return "<p>No finished run records the test AUC at its last step (runs before this table existed).</p>\n" }
        let columns: [HTML.Table.Column] = [.init(title: "dataset"), .init(title: "arm"), .init(title: "n", help: "seeds", numeric: true)]
            + rules.map { .init(title: "AUC, \($0.name)", help: "test AUC of \($0.help)", numeric: true) }
            + rules.map { .init(title: "PGR, \($0.name)", help: "PGR on test AUC of \($0.help)", numeric: true) }
            + [.init(title: "oracle − early PGR", help: "how much PGR a perfect stopping rule would add", numeric: true)]
        return "<p class=\"note\">How much of PGR is the stopping rule: each student's ground-truth test AUC and PGR at the checkpoint early "
            + "stopping chose (validation AUC against the weak labels), at the last step, and at the best test AUC seen at any evaluation "
            + "(the oracle, as in Burns et al. §5.1.1). Read from the test AUC recorded at every evaluation, no retraining. Weak supervisor "
            + "and ceiling are as reported in every table. Mean ± sd over seeds.</p>\n"
            + HTML.Table(columns: columns, rows: rows).render()
    }

    /// Misfit and gain per arm and dataset, and their correlation across datasets.
    func misfitSection(_ datasets: [ReportDataset]) -> String {
        let rows = datasets.flatMap { d in
            d.arms.filter { $0.isStudentOrMethod && $0.spread("misfit") != nil }.map { arm -> [HTML.Table.Cell] in
                [.text(d.label), .text(arm.id), .number(Double(arm.seeds.count), "\(arm.seeds.count)"),
                 spreadCell(arm.spread("misfit"), digits: 4), spreadCell(arm.spread("misfit_kl"), digits: 4),
                 spreadCell(arm.spread("gain_auc"), digits: 4, signed: true), spreadCell(arm.spread("gain_accuracy"), digits: 4, signed: true),
                 spreadCell(arm.spread("gain_brier"), digits: 4, signed: true)]
            }
        }
        guard !rows.isEmpty else { return "<p>No finished run records its misfit (runs before it was recorded).</p>\n" }
        var html = "<p class=\"note\">Charikar, Pabbaraju &amp; Shiragur 2024 show that the gain of a weak-to-strong student over its supervisor "
            + "is quantified by its <i>misfit</i>, its disagreement with the supervisor: for the squared loss, gain ≥ misfit, and about equal "
            + "in their experiments. Misfit on the ground-truth test inputs: mean (p<sub>arm</sub> − p<sub>weak</sub>)² (the paper's squared "
            + "form) and mean KL(weak ‖ arm) in nats (the cross-entropy form of Mulgund &amp; Pabbaraju 2025). Gains are arm − weak on test; "
            + "the Brier gain (weak − arm squared error) is the quantity the theorem bounds. Mean ± sd over seeds.</p>\n"
        html += HTML.Table(columns: [
            .init(title: "dataset"), .init(title: "arm"), .init(title: "n", help: "seeds", numeric: true),
            .init(title: "misfit (squared)", numeric: true), .init(title: "misfit (KL)", numeric: true),
            .init(title: "gain test AUC", numeric: true), .init(title: "gain test accuracy", numeric: true),
            .init(title: "gain Brier", help: "weak Brier − arm Brier on test", numeric: true),
        ], rows: rows).render()
        let correlations = MisfitGain.compute(runs.map(\.record))
        guard !correlations.isEmpty else { return html }
        html += "<h3>Across datasets</h3>\n<p class=\"muted\">One point per dataset setting (seeds averaged); Pearson r, n/a below three points. "
            + "The pooled row joins every arm's points, which share each dataset's supervisor: descriptive, not a test.</p>\n"
        html += HTML.Table(columns: [
            .init(title: "arm"), .init(title: "n", help: "dataset settings", numeric: true),
            .init(title: "mean misfit", numeric: true), .init(title: "mean gain AUC", numeric: true),
            .init(title: "r(misfit, gain AUC)", numeric: true), .init(title: "r(misfit, gain Brier)", numeric: true),
        ], rows: correlations.map { c in
            let n = Double(c.points.count)
            let misfit = c.points.map(\.misfit).reduce(0, +) / n, gain = c.points.map(\.gainAUC).reduce(0, +) / n
            return [.text(c.arm), .number(n, "\(c.points.count)"), .number(misfit, ReportFormat.number(misfit, digits: 4)),
                    .number(gain, ReportFormat.signed(gain)),
                    .number(c.correlationAUC, ReportFormat.number(c.correlationAUC, digits: 2)),
                    .number(c.correlationBrier, ReportFormat.number(c.correlationBrier, digits: 2))]
        }).render()
        return html
    }
}
