import Datasets
import Foundation
import Training

/// The files of a run directory a researcher reads: metrics.json, predictions.csv, curves.csv, results.md and
/// the two charts.
struct RunOutputs {
    let directory: URL

    func write(summary: RunSummary, splits: DatasetSplits, weak: StageOutput, ceiling: StageOutput, students: [(Arm, StageOutput)]) throws {
        try AtomicFile.writeJSON(summary, to: directory.appendingPathComponent("metrics.json"))
        let columns: [(String, StageOutput)] = [("weak", weak), ("ceiling", ceiling)] + students.map { ($0.0.id, $0.1) }
        // Probabilities for reading, logit margins for ranking (σ saturates to 1 in Float32 beyond a margin of ≈ 16.6).
        // Arm ids may hold commas (`student-logconf(α=0.3,warm-up=0.6)`): quoted (RFC 4180) as column names and stages.
        var csv = "id,split,label," + columns.map { CSV.field($0.0) }.joined(separator: ",") + ","
            + columns.map { CSV.field("\($0.0)_logit") }.joined(separator: ",") + "\n"
        for (split, examples) in splits.all where split != .weakTrain {
            let probabilities = columns.map { $0.1.probabilities(split) }, margins = columns.map { $0.1.margins(split) }
            for (i, e) in examples.enumerated() {
                csv += "\(e.id),\(split.rawValue),\(e.label)," + probabilities.map { "\($0[i])" }.joined(separator: ",") + ","
                    + margins.map { "\($0[i])" }.joined(separator: ",") + "\n"
            }
        }
        try AtomicFile.write(Data(csv.utf8), to: directory.appendingPathComponent("predictions.csv"))

        func number(_ x: Double?) -> String { x.map { "\($0)" } ?? "" }
        var curves = "stage,step,train_loss,validation_score,validation_auc,test_auc\n"
        for (name, out) in columns {
            for p in out.training.curve {
                curves += "\(CSV.field(name)),\(p.step),\(number(p.trainLoss)),\(p.validationScore),\(number(p.validationAUC)),\(number(p.analysisAUC))\n"
            }
        }
        try AtomicFile.write(Data(curves.utf8), to: directory.appendingPathComponent("curves.csv"))

        // Validation AUC (solid, the selection signal) and ground-truth test AUC (dashed) per stage.
        var series: [Charts.Series] = []
        for (name, out) in columns {
            series.append(Charts.Series(name: "\(name) val", points: out.training.curve.compactMap { p in p.validationAUC.map { (Double(p.step), $0) } }))
            series.append(Charts.Series(name: "\(name) test", points: out.training.curve.compactMap { p in p.analysisAUC.map { (Double(p.step), $0) } },
                                        dashed: true))
        }
        try AtomicFile.write(Data(Charts.lines(title: "\(summary.runName): AUC during training", xLabel: "optimizer step", yLabel: "ROC AUC",
                                                series: series).utf8), to: directory.appendingPathComponent("curves.svg"))
        let bars = (summary.students + summary.methods).map { ($0.arm.id, $0.pgrAUC ?? .nan) }
        try AtomicFile.write(Data(Charts.bars(title: "\(summary.runName): PGR on test AUC", valueLabel: "PGR = (method − weak) / (ceiling − weak)",
                                               bars: bars).utf8), to: directory.appendingPathComponent("pgr.svg"))
        if !summary.probeSweep.isEmpty {
            var sweep = "probe,layer,parameter,test_auc,minus_weak_auc\n"
            for p in summary.probeSweep { sweep += "\(p.probe),\(p.layer),\(p.parameter),\(p.testAUC),\(p.minusWeakAUC)\n" }
            try AtomicFile.write(Data(sweep.utf8), to: directory.appendingPathComponent("probe_sweep.csv"))
        }
        try AtomicFile.write(Data(summary.report.utf8), to: directory.appendingPathComponent("results.md"))
    }
}
