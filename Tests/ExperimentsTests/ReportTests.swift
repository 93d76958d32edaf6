import XCTest
import Foundation
import Analysis
import Experiments
import Training
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The HTML report and the CSV/JSONL exports on hand-made runs: three datasets (one named like an HTML tag) with
/// two seeds each, two students, an intervention on one dataset, and a failed run whose error quotes HTML.
final class ReportTests: XCTestCase {
    static let evil = "<script>alert(1)</script>"
    static let failure = "cannot read \"x.csv\", line 3:\n<img src=x onerror=alert(1)> & more"
    static let probe = "method:probe:kNN k=50, layer 6"
    /// A loss label with a comma in it: the CSV must quote it.
    static let comma = "student-logconf(α=0.3,warm-up=0.6)"

    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("w2s-report-\(UUID())")
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    // MARK: Hand-made runs

    struct ArmNumbers {
        var auc: Double, accuracy: Double, pgr: Double, interval: (Double, Double), agreement: (Double, Double, Double)
    }

    func config(_ dataset: String, seed: UInt64, mode: TrainingMode = .head) -> ExperimentConfig {
        ExperimentConfig(dataset: dataset, sizes: .init(weakTrain: 60, strongTrain: 60, validation: 40, test: 60), seed: seed,
                         weakModel: "all-MiniLM-L6-v2@1", strongModel: "all-MiniLM-L6-v2@2", mode: mode,
                         losses: [.xent, .logconf(), .logconf(alphaMax: 0.3, warmupFraction: 0.6)], maxLength: 32,
                         trainLayers: mode == .head ? nil : 1)
    }

    func arm(_ role: String, _ variant: String, _ n: ArmNumbers) -> [String: Any] {
        ["arm": ["role": role, "variant": variant], "description": variant, "test": ["auc": n.auc, "accuracy": n.accuracy],
         "pgrAUC": n.pgr, "pgrAUCInterval": ["lower": n.interval.0, "upper": n.interval.1, "confidence": 0.95, "resamples": 1000, "usable": 990],
         "pgrAccuracy": n.pgr - 0.1,
         "agreement": ["overall": n.agreement.0, "whereSupervisorCorrect": n.agreement.1, "whereSupervisorWrong": n.agreement.2,
                       "supervisorCorrectCount": 45, "supervisorWrongCount": 15],
         "training": ["bestStep": 7, "totalSteps": 12, "selection": "validation AUC", "oracleStopAUC": n.auc + 0.01]]
    }

    /// A finished run: its summary (decoded from JSON like a metrics.json) and its record with the same numbers.
    func finished(_ dataset: String, seed: UInt64, weak: Double, ceiling: Double, students: [String: ArmNumbers],
                  probe: ArmNumbers? = nil, created: String, mode: TrainingMode = .head) throws -> StoredRun {
        let c = config(dataset, seed: seed, mode: mode)
        let configJSON = try JSONSerialization.jsonObject(with: JSONEncoder().encode(c))
        let order = ["xent", "logconf", "logconf(α=0.3,warm-up=0.6)"].filter { students[$0] != nil }
        let summaryJSON: [String: Any] = [
            "runName": c.runName, "config": configJSON,
            "splitCounts": ["weak_train": 60, "strong_train": 60, "validation": 40, "test": 60],
            "weak": ["auc": weak, "accuracy": weak - 0.05], "ceiling": ["auc": ceiling, "accuracy": ceiling - 0.05],
            "weakLabelAccuracy": 0.75, "studentSelection": "validation AUC",
            "students": order.map { arm("student", $0, students[$0]!) },
            "methods": probe.map { [arm("method", "probe:kNN k=50, layer 6", $0)] } ?? [],
            "probeSweep": [], "stageSeconds": ["weak (all-MiniLM-L6-v2@1)": 1.5], "cachedStages": [],
        ]
        let summary = try JSONDecoder().decode(RunSummary.self, from: JSONSerialization.data(withJSONObject: summaryJSON))
        var record = RunRecord(config: c, status: .finished)
        record.created = created
        record.metrics = ["weak": ["test_auc": weak, "test_accuracy": weak - 0.05],
                          "ceiling": ["test_auc": ceiling, "test_accuracy": ceiling - 0.05, "gap_auc": ceiling - weak,
                                      "gap_auc_ci_low": ceiling - weak - 0.15, "gap_auc_ci_high": ceiling - weak + 0.15]]
        // Timings: seed 1 reuses seed 0's weak stage (cached); every student costs 3.6 s.
        record.timings = ["activations all-MiniLM-L6-v2@2": .init(seconds: 36, cached: false),
                          "weak (all-MiniLM-L6-v2@1)": .init(seconds: 18, cached: seed == 1),
                          "ceiling (all-MiniLM-L6-v2@2)": .init(seconds: 7.2, cached: false)]
        for a in summary.students { record.timings[a.arm.stage("all-MiniLM-L6-v2@2")] = .init(seconds: 3.6, cached: false) }
        for a in summary.students + summary.methods {
            record.metrics[a.arm.id] = ["test_auc": a.test.auc, "test_accuracy": a.test.accuracy, "pgr_auc": a.pgrAUC!,
                                        "pgr_auc_ci_low": a.pgrAUCInterval!.lower, "pgr_auc_ci_high": a.pgrAUCInterval!.upper,
                                        "pgr_accuracy": a.pgrAccuracy!, "agreement": a.agreement.overall,
                                        "agreement_supervisor_correct": a.agreement.whereSupervisorCorrect,
                                        "agreement_supervisor_wrong": a.agreement.whereSupervisorWrong,
                                        "oracle_stop_auc": a.training!.oracleStopAUC!]
        }
        let curves = [StoredRun.CurvePoint(stage: "weak", step: 0, trainLoss: nil, validationScore: 0.6, validationAUC: 0.6, testAUC: 0.58),
                      StoredRun.CurvePoint(stage: "weak", step: 4, trainLoss: 0.6, validationScore: 0.7, validationAUC: 0.7, testAUC: 0.69),
                      StoredRun.CurvePoint(stage: "student-xent", step: 4, trainLoss: 0.6, validationScore: 0.8, validationAUC: 0.8, testAUC: 0.74)]
        return StoredRun(record: record, config: c, summary: summary, curves: curves)
    }

    func numbers(_ auc: Double, pgr: Double) -> ArmNumbers {
        ArmNumbers(auc: auc, accuracy: auc - 0.04, pgr: pgr, interval: (pgr - 0.3, pgr + 0.25), agreement: (0.8, 0.9, 0.4))
    }

    /// sst2, boolq and the evil name, seeds 0 and 1; logconf beats xent on sst2 and boolq, loses on the third;
    /// the probe only on sst2; a failed cola run.
    func runs() throws -> [StoredRun] {
        var runs: [StoredRun] = []
        let rows: [(String, Double, Double, [Double], [Double])] = [   // dataset, weak, ceiling, xent PGR per seed, logconf PGR per seed
            ("sst2", 0.70, 0.90, [0.40, 0.50], [0.60, 0.65]),
            ("boolq", 0.60, 0.70, [0.20, 0.30], [0.35, 0.45]),
            (Self.evil, 0.55, 0.75, [0.50, 0.40], [0.30, 0.20]),
        ]
        for (dataset, weak, ceiling, xent, logconf) in rows {
            for seed in 0..<2 {
                let w = weak + 0.02 * Double(seed), c = ceiling + 0.02 * Double(seed)
                func auc(_ pgr: Double) -> Double { w + pgr * (c - w) }
                var students = ["xent": numbers(auc(xent[seed]), pgr: xent[seed]), "logconf": numbers(auc(logconf[seed]), pgr: logconf[seed])]
                if dataset == "sst2" { students["logconf(α=0.3,warm-up=0.6)"] = numbers(auc(0.55), pgr: 0.55) }
                runs.append(try finished(dataset, seed: UInt64(seed), weak: w, ceiling: c, students: students,
                                         probe: dataset == "sst2" ? numbers(auc(-0.25), pgr: -0.25) : nil, created: "2025-01-0\(seed + 1)T00:00:00Z"))
            }
        }
        // The failed run finetuned the top two layers with LoRA (so the exports' finetuning columns have values).
        var lora = config("cola", seed: 0)
        lora = ExperimentConfig(dataset: lora.dataset, sizes: lora.sizes, seed: 0, weakModel: lora.weakModel, strongModel: lora.strongModel,
                                mode: .lora, losses: lora.losses, maxLength: lora.maxLength, loraRank: 4, trainLayers: 2,
                                frozenStatePrecision: .fp16)
        var failed = RunRecord(config: lora, status: .failed)
        failed.error = Self.failure
        failed.created = "2025-01-03T00:00:00Z"
        runs.append(StoredRun(record: failed, config: lora))
        return runs
    }

    func report() throws -> String {
        var report = HTMLReport(source: "runs/<mine>", runs: try runs(), problems: ["bad record <b>x</b>"])
        report.reproduce = { config in
            HTMLReport.Reproduction(command: "w2s run --dataset '\(config.dataset)' --seeds \(config.seed)",
                                    caveat: config.dataset == "boolq" ? "Not an exact reproduction: <warm-up>" : nil)
        }
        return report.render()
    }

    // MARK: HTML

    /// The text of the section with this id, up to the next section.
    func section(_ html: String, _ id: String) throws -> String {
        let start = try XCTUnwrap(html.range(of: "<section id=\"\(id)\">"), "no section \(id)").upperBound
        return String(html[start...]).components(separatedBy: "</section>")[0]
    }

    func testStopRulesAndMisfitSections() throws {
        var runs = try self.runs()
        // Runs recorded before these metrics existed: the sections say so.
        let before = HTMLReport(source: "r", runs: runs).render()
        XCTAssertTrue(try section(before, "stop-rules").contains("No finished run records the test AUC at its last step"))
        XCTAssertTrue(try section(before, "misfit").contains("No finished run records its misfit"))
        // xent's last step 0.02 AUC below its early stop; misfit 0.03 on sst2, 0.01 on boolq, 0.02 on the third dataset.
        let misfit = ["sst2": 0.03, "boolq": 0.01, Self.evil: 0.02]
        for i in runs.indices where runs[i].record.status == .finished {
            var m = runs[i].record.metrics["student-xent"]!
            m["last_step_auc"] = m["test_auc"]! - 0.02; m["last_step_pgr"] = m["pgr_auc"]! - 0.1; m["oracle_stop_pgr"] = m["pgr_auc"]! + 0.05
            m["misfit"] = misfit[runs[i].record.dataset]!; m["misfit_kl"] = 2 * misfit[runs[i].record.dataset]!
            m["gain_auc"] = m["test_auc"]! - runs[i].record.metrics["weak"]!["test_auc"]!
            runs[i].record.metrics["student-xent"] = m
        }
        let html = HTMLReport(source: "r", runs: runs).render()
        let stop = try section(html, "stop-rules")
        // sst2 xent: early stop 0.78 and 0.82 (mean 0.800), last step 0.760 and 0.800 (mean 0.780); PGR 0.45 → 0.35 (last), 0.50 (oracle).
        let sst2Row = try XCTUnwrap(stop.components(separatedBy: "<tr>").first { $0.contains(">sst2<") && $0.contains("student-xent") })
        for number in [">0.800 ", ">0.780 ", ">0.450 ", ">0.350 ", ">0.500 ", ">+0.050<"] { XCTAssertTrue(sst2Row.contains(number), "\(number) in \(sst2Row)") }
        XCTAssertFalse(stop.contains("student-logconf"), "arms without a last step are left out")
        // Gains (seeds averaged): sst2 0.09, boolq 0.025, the third 0.09 → r(misfit, gain) = √3/2.
        let xent = try XCTUnwrap(MisfitGain.compute(runs.map(\.record)).first { $0.arm == "student-xent" })
        XCTAssertEqual(xent.correlationAUC!, 3.0.squareRoot() / 2, accuracy: 1e-9)
        let misfitSection = try section(html, "misfit")
        XCTAssertTrue(misfitSection.contains("Charikar"))
        let row = try XCTUnwrap(misfitSection.components(separatedBy: "<tr>").last { $0.contains(">student-xent<") })
        XCTAssertTrue(row.contains(">0.87<") && row.contains(">3<"), row)
    }


    func testEveryDatasetArmAndRunIsShownWithFormattedNumbers() throws {
        let html = try report()
        for dataset in ["sst2", "boolq", escaped(Self.evil), "cola"] { XCTAssertTrue(html.contains(dataset), dataset) }
        for arm in ["weak", "ceiling", "student-xent", "student-logconf", escaped(Self.comma), escaped(Self.probe)] {
            XCTAssertTrue(html.contains(">\(arm)"), arm)
        }
        for run in try runs() { XCTAssertTrue(html.contains(escaped(run.record.id)), run.record.id) }
        // sst2 weak AUC over seeds 0.70 and 0.72: mean ± sample sd.
        XCTAssertTrue(html.contains("0.710 <span class=\"sd\">± 0.014</span>"))
        // sst2 xent PGR 0.40 and 0.50, and each seed's bootstrap interval.
        XCTAssertTrue(html.contains("0.450 <span class=\"sd\">± 0.071</span>"))
        XCTAssertTrue(html.contains("s0 [0.10, 0.65]"))
        XCTAssertTrue(html.contains("s1 [0.20, 0.75]"))
        // The gap's interval excludes 0 on both seeds of sst2 (gap 0.20, lower end 0.05), on neither of boolq (0.10, −0.05).
        let overview = try section(html, "overview")
        let sst2Row = try XCTUnwrap(overview.components(separatedBy: "<tr>").first { $0.contains(">sst2<") })
        let boolqRow = try XCTUnwrap(overview.components(separatedBy: "<tr>").first { $0.contains(">boolq<") })
        XCTAssertTrue(sst2Row.contains(">2/2<"), sst2Row)
        XCTAssertTrue(boolqRow.contains(">0/2<") && boolqRow.contains("neg"), boolqRow)
        // PGR > 0 counts: every xent PGR is positive (3 of 3; sst2 and the third dataset have established gaps, boolq
        // not); the probe ran on sst2 only, at −0.25.
        XCTAssertTrue(overview.contains("student-xent 3 of 3 (2 of 2 with an established gap)"), overview)
        XCTAssertTrue(overview.contains("\(escaped(Self.probe)) 0 of 1 (0 of 1 with an established gap)"), overview)
        // A negative PGR is marked, a missing value says so, the probe is charted and its value printed.
        XCTAssertTrue(html.contains("class=\"neg num\""))
        XCTAssertTrue(html.contains("PGR on test AUC per dataset"))
        // Agreement: overall, supervisor right, supervisor wrong; test examples summed over seeds.
        XCTAssertTrue(html.contains("where supervisor wrong"))
        XCTAssertTrue(html.contains("90 / 30"))
        // Curves, commands (escaped), caveats.
        XCTAssertTrue(html.contains("AUC during training"))
        XCTAssertTrue(html.contains("w2s run --dataset &#39;sst2&#39; --seeds 1"))
        XCTAssertTrue(html.contains("Not an exact reproduction: &lt;warm-up&gt;"))
        // No undefined number reaches the page (its script aside).
        let page = html.components(separatedBy: "<script>")[0]
        for bad in ["NaN", "nan<", "inf<", ">nan", ">inf", "Infinity"] {
            let found = page.range(of: bad)
            XCTAssertNil(found, "\(bad) after: \(found.map { String(page[..<$0.upperBound].suffix(200)) } ?? "")")
        }
    }

    /// Cost per run by kind of stage, and the directory's total with reused stages counted once.
    func testCostSection() throws {
        let cost = try section(try report(), "cost")
        // boolq: activations 36, weak 18 (its original cost, also where seed 1 reused it), ceiling 7.2, two students 7.2.
        let boolq = try XCTUnwrap(cost.components(separatedBy: "<tr>").first { $0.contains(">boolq<") })
        for number in [">2<", ">36<", ">18<", ">7<", ">68<"] { XCTAssertTrue(boolq.contains(number), "\(number) in \(boolq)") }
        // Six runs: activations 216 s, weak 54 s (three computed), ceiling 43.2 s, students 7 × 2 × 3.6 = 50.4 s → 363.6 s.
        XCTAssertTrue(cost.contains("computed for 0.1 h (activations 0.1 h, weak 0.0 h, ceiling 0.0 h, students 0.0 h)"), cost)
    }

    func testFailedRunIsListedWithItsErrorEscaped() throws {
        let html = try report()
        XCTAssertTrue(html.contains("id=\"unfinished\""))
        XCTAssertTrue(html.contains("status-failed"))
        XCTAssertTrue(html.contains(escaped(Self.failure)))
        XCTAssertFalse(html.contains("<img"))
        XCTAssertTrue(html.contains("bad record &lt;b&gt;x&lt;/b&gt;"))
        XCTAssertTrue(html.contains("runs/&lt;mine&gt;"))
    }

    func testTextFromRunsIsEscaped() throws {
        let html = try report()
        XCTAssertFalse(html.contains(Self.evil))
        XCTAssertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        // The page's own script is the only one.
        XCTAssertEqual(html.components(separatedBy: "<script").count - 1, 1)
        // Every inline SVG is well-formed XML (its text escaped too).
        var rest = Substring(html), charts = 0
        while let start = rest.range(of: "<svg "), let end = rest.range(of: "</svg>", range: start.upperBound..<rest.endIndex) {
            let svg = String(rest[start.lowerBound..<end.upperBound])
            let parser = XMLParser(data: Data(svg.utf8))
            XCTAssertTrue(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? ""): \(svg.prefix(300))")
            charts += 1
            rest = rest[end.upperBound...]
        }
        XCTAssertEqual(charts, 1 + 6, "the PGR chart and one curve chart per finished run")
    }

    func testNothingIsFetched() throws {
        let html = try report()
        let attribute = try NSRegularExpression(pattern: "<[a-z][^>]*?\\s(?:src|href|action|srcset|data)\\s*=\\s*(\"[^\"]*\"|'[^']*'|[^\\s>]+)",
                                              options: [.caseInsensitive])
        let matches = attribute.matches(in: html, range: NSRange(html.startIndex..., in: html))
        XCTAssertFalse(matches.isEmpty, "the table of contents links within the page")
        for m in matches {
            let value = String(html[Range(m.range(at: 1), in: html)!])
            XCTAssertFalse(value.lowercased().contains("http") || value.contains("//"), value)
            XCTAssertTrue(value.hasPrefix("\"#"), "only in-page links: \(value)")
        }
        for external in ["<link", "@import", "url(", "<iframe", "<img", "<object"] {
            XCTAssertFalse(html.lowercased().contains(external), external)
        }
    }

    func testComparisonStatesNAndTheUnit() throws {
        let html = try report()
        let section = try XCTUnwrap(html.range(of: "id=\"comparison\"")).upperBound
        let comparison = String(html[section...]).components(separatedBy: "id=\"agreement\"")[0]
        XCTAssertTrue(comparison.contains(escaped(ComparisonUnit.dataset.explanation)))
        XCTAssertTrue(comparison.contains("one-sided"))
        let pgr = try XCTUnwrap(comparison.components(separatedBy: "<h3>PGR (AUC)</h3>").dropFirst().first).components(separatedBy: "<h3>")[0]
        let auc = try XCTUnwrap(comparison.components(separatedBy: "<h3>test AUC</h3>").dropFirst().first).components(separatedBy: "<h3>")[0]
        // Test AUC pairs all three datasets; PGR only the two whose gap is established (not boolq: 0/2).
        XCTAssertTrue(auc.contains("n = 3 dataset settings") && !auc.contains("left out"), auc)
        XCTAssertTrue(pgr.contains("n = 2 dataset settings") && pgr.contains("left out: boolq."), pgr)
        // logconf against xent on PGR: wins on sst2, not on the third; n = 2 pairs.
        let row = try XCTUnwrap(pgr.components(separatedBy: "<tr>").first { $0.contains(">student-logconf<") })
        XCTAssertTrue(row.contains(">2<"), row)
        XCTAssertTrue(row.contains(">1/2<"), row)
        let expected = try ArmComparison.compare(RunRecord.withEstablishedGap(try runs().map(\.record)), metric: "pgr_auc",
                                                 baseline: "student-xent", alternative: .greater).first { $0.arm == "student-logconf" }!
        XCTAssertEqual(expected.pairs.count, 2)
        XCTAssertTrue(row.contains(String(format: "%+.3f", expected.meanDifference)), row)
        XCTAssertTrue(row.contains(String(format: "%.3f", expected.tTest!.pValue)), row)
        // Beside each p, its Holm adjustment over the arms of the table.
        XCTAssertTrue(pgr.contains("Holm p (t-test)") && pgr.contains("Holm p (Wilcoxon)"), pgr)
        XCTAssertTrue(row.contains(String(format: "%.3f", expected.tTestHolm!)) && row.contains(String(format: "%.3f", expected.wilcoxonHolm!)), row)
        // Arms run on one dataset only still state their n.
        let probe = try XCTUnwrap(comparison.components(separatedBy: "<tr>").first { $0.contains(">\(escaped(Self.probe))<") })
        XCTAssertTrue(probe.contains(">1<") && probe.contains(">0/1<"), probe)
    }

    /// The runs above plus sst2 and boolq finetuned (LoRA, top layer): weak 0.01 lower, ceiling 0.04 (sst2) and 0.06
    /// (boolq) higher than in head mode, the same PGRs.
    func runsInTwoModes() throws -> [StoredRun] {
        var runs = try self.runs()
        for (dataset, weak, ceiling, lift) in [("sst2", 0.70, 0.90, 0.04), ("boolq", 0.60, 0.70, 0.06)] {
            for seed in 0..<2 {
                let w = weak + 0.02 * Double(seed) - 0.01, c = ceiling + 0.02 * Double(seed) + lift
                let students = ["xent": numbers(w + 0.5 * (c - w), pgr: 0.5), "logconf": numbers(w + 0.6 * (c - w), pgr: 0.6)]
                runs.append(try finished(dataset, seed: UInt64(seed), weak: w, ceiling: c, students: students,
                                         created: "2025-02-0\(seed + 1)T00:00:00Z", mode: .lora))
            }
        }
        return runs
    }

    func testComparisonsAreSplitByTrainingMode() throws {
        let html = HTMLReport(source: "r", runs: try runsInTwoModes()).render()
        let comparison = try section(html, "comparison")
        XCTAssertTrue(comparison.contains("2 training modes (head, lora)"), comparison)
        let head = try XCTUnwrap(comparison.components(separatedBy: "<h3>PGR (AUC) — head mode</h3>").dropFirst().first)
            .components(separatedBy: "<h3>")[0]
        let lora = try XCTUnwrap(comparison.components(separatedBy: "<h3>PGR (AUC) — lora mode</h3>").dropFirst().first)
            .components(separatedBy: "<h3>")[0]
        // Head mode: the two datasets with an established gap as before; LoRA: its two (boolq's gap established there),
        // where logconf (0.6) beats xent (0.5) on both.
        XCTAssertTrue(head.contains("n = 2 dataset settings"), head)
        XCTAssertTrue(lora.contains("n = 2 dataset settings"), lora)
        let loraRow = try XCTUnwrap(lora.components(separatedBy: "<tr>").first { $0.contains(">student-logconf<") })
        XCTAssertTrue(loraRow.contains(">2/2<") && loraRow.contains(">+0.100<"), loraRow)
        // One PGR chart per mode, its groups named by the dataset alone.
        let charts = try section(html, "pgr")
        XCTAssertEqual(charts.components(separatedBy: "<svg ").count - 1, 2)
        XCTAssertTrue(charts.contains("— head mode") && charts.contains("— lora mode"), charts)
        XCTAssertEqual(charts.components(separatedBy: ">sst2</text>").count - 1, 2, "within one mode sst2 has one setting: its name alone")
        // A report of one mode has no per-mode headings and no finetuning section.
        let single = try report()
        XCTAssertFalse(single.contains("training modes"))
        XCTAssertFalse(single.contains("id=\"finetuning\""))
    }

    /// Linearity rows that restate another arm are not counted, charted or shown in the overview where they restate it:
    /// ft(gt) (the ceiling) nowhere, ft(weak)+lp(gt) in LoRA mode only (in head mode it is lp(gt)).
    func testRestatingArmsAreLeftOutOfOverviewCountsAndCharts() throws {
        var runs = try runsInTwoModes()
        for i in runs.indices where runs[i].record.status == .finished {
            for arm in [Arm.Linearity.probeTruth, Arm.Linearity.finetunedWeakProbeTruth, Arm.Linearity.finetunedTruth] {
                runs[i].record.metrics[arm.id] = ["test_auc": 0.8, "pgr_auc": arm == Arm.Linearity.finetunedTruth ? 1 : 0.3]
            }
        }
        let html = HTMLReport(source: "r", runs: runs).render()
        let overview = try section(html, "overview")
        let counts = try XCTUnwrap(overview.components(separatedBy: "PGR &gt; 0").dropFirst().first)
        let head = try XCTUnwrap(counts.components(separatedBy: "lora mode:").first), lora = try XCTUnwrap(counts.components(separatedBy: "lora mode:").last)
        XCTAssertTrue(head.contains("lp(gt) 3 of 3") && !head.contains("ft(weak)+lp(gt)"), head)
        XCTAssertTrue(lora.contains("ft(weak)+lp(gt) 2 of 2"), lora)
        XCTAssertFalse(overview.contains("ft(gt)"), "the ceiling restated")
        let sst2Head = try XCTUnwrap(overview.components(separatedBy: "<tr>").first { $0.contains("sst2") && $0.contains(" head ") })
        XCTAssertEqual(sst2Head.components(separatedBy: ">0.30<").count - 1, 1, "lp(gt) shown, ft(weak)+lp(gt) blank: \(sst2Head)")
        let charts = try section(html, "pgr")
        XCTAssertFalse(charts.contains("ft(gt)"))
        let headChart = try XCTUnwrap(charts.components(separatedBy: "— lora mode").first)
        XCTAssertFalse(headChart.contains("ft(weak)+lp(gt)"), headChart)
    }

    /// A PGR chart too wide for a page wraps into panels that each fit 1,300 px, on one y axis, every dataset in one.
    func testWidePGRChartWrapsIntoPanelsOnOneAxis() throws {
        let names = (0..<8).map { "task\($0)" }
        let runs = try names.enumerated().map { i, name in
            try finished(name, seed: 0, weak: 0.6, ceiling: 0.8, students: ["xent": numbers(0.7, pgr: 0.5), "logconf": numbers(0.7, pgr: 0.1 * Double(i) - 0.3)],
                         probe: numbers(0.65, pgr: i == 7 ? 1.6 : 0.2), created: "2025-01-01T00:00:00Z")
        }
        let charts = try section(HTMLReport(source: "r", runs: runs).render(), "pgr")
        let svgs = charts.components(separatedBy: "<svg ").dropFirst().map { $0.components(separatedBy: "</svg>")[0] }
        XCTAssertEqual(svgs.count, 2, "three arms: seven datasets fit one panel")
        XCTAssertTrue(svgs[0].contains("(1 of 2)") && svgs[1].contains("(2 of 2)"))
        func attribute(_ svg: String, _ name: String) throws -> Double {
            let value = try XCTUnwrap(svg.components(separatedBy: "\(name)=\"").dropFirst().first?.components(separatedBy: "\"").first)
            return try XCTUnwrap(Double(value))
        }
        for svg in svgs { XCTAssertLessThanOrEqual(try attribute(svg, "width"), 1300) }
        // One axis: task7's probe at 1.6 sets the top for both panels (y up to 1.75, ticks every 0.5; the first panel
        // alone would stop at 1).
        func ticks(_ svg: String) -> [String] {
            svg.components(separatedBy: "text-anchor=\"end\" fill=\"#444\">").dropFirst().map { $0.components(separatedBy: "<")[0] }
        }
        XCTAssertEqual(ticks(svgs[0]), ticks(svgs[1]))
        XCTAssertEqual(ticks(svgs[0]).last, "1.50")
        for name in names {
            XCTAssertEqual(svgs.map { $0.components(separatedBy: ">\(name)</text>").count - 1 }.reduce(0, +), 1, name)
        }
    }

    func testHeadModeAgainstFinetuning() throws {
        let finetuning = try section(HTMLReport(source: "r", runs: try runsInTwoModes()).render(), "finetuning")
        func row(_ name: String) throws -> String {
            try XCTUnwrap(finetuning.components(separatedBy: "<tr>").first { $0.contains(">\(name)<") }, name)
        }
        // Ceiling: head 0.91 (sst2) and 0.71 (boolq), LoRA 0.95 and 0.77 → means 0.810 and 0.860; differences 0.04 and
        // 0.06: t = 5 on 1 degree of freedom, two-sided p = 1 − 2·atan(5)/π = 0.126; Wilcoxon (exact, n = 2) p = 0.5.
        let ceiling = try row("ceiling test AUC")
        for text in [">2<", ">2/2<", ">0.810<", ">0.860<", ">+0.050<", ">0.126<", ">0.500<"] {
            XCTAssertTrue(ceiling.contains(text), "\(text) in \(ceiling)")
        }
        // Weak 0.01 lower in both: finetuned higher on 0 of 2.
        XCTAssertTrue(try row("weak test AUC").contains(">0/2<"))
        // Students both modes trained, xent first; the third dataset and the head-only loss variant are not paired. Their
        // PGRs only where both modes established the gap: sst2, not boolq (not established in head mode).
        XCTAssertTrue(try row("student-xent test AUC").contains(">2<"))
        let xentPGR = try row("student-xent PGR (AUC)")
        for text in [">1<", ">1/1<", ">0.450<", ">0.500<"] { XCTAssertTrue(xentPGR.contains(text), "\(text) in \(xentPGR)") }
        XCTAssertLessThan(try XCTUnwrap(finetuning.range(of: ">student-xent test AUC<")).lowerBound,
                          try XCTUnwrap(finetuning.range(of: ">student-logconf test AUC<")).lowerBound)
        XCTAssertFalse(finetuning.contains("warm-up"))
        // Per dataset: head → finetuned, with the finetuned setting named.
        let sst2 = try XCTUnwrap(finetuning.components(separatedBy: "<tr>").first { $0.contains(">sst2<") })
        XCTAssertTrue(sst2.contains("lora, top 1 layer") && sst2.contains("0.910 → 0.950"), sst2)

        // A second way of finetuning the same datasets (the raw head input) is its own block, never pooled.
        var runs = try runsInTwoModes()
        for seed in 0..<2 {
            var c = config("sst2", seed: UInt64(seed), mode: .lora)
            c = ExperimentConfig(dataset: c.dataset, sizes: c.sizes, seed: c.seed, weakModel: c.weakModel, strongModel: c.strongModel,
                                 mode: .lora, losses: c.losses, maxLength: c.maxLength, trainLayers: 1, headInput: .raw)
            var r = try finished("sst2", seed: UInt64(seed), weak: 0.6, ceiling: 0.8, students: ["xent": numbers(0.7, pgr: 0.5)],
                                 created: "2025-03-0\(seed + 1)T00:00:00Z", mode: .lora)
            r.record = RunRecord(config: c, status: .finished)
            r.record.metrics = ["weak": ["test_auc": 0.6], "ceiling": ["test_auc": 0.8]]
            r.config = c
            runs.append(r)
        }
        let twoWays = try section(HTMLReport(source: "r", runs: runs).render(), "finetuning")
        let rawCeiling = try XCTUnwrap(twoWays.components(separatedBy: "<tr>").first {
            $0.contains(">lora, top 1 layer, raw head input<") && $0.contains(">ceiling test AUC<")
        })
        XCTAssertTrue(rawCeiling.contains(">1<") && rawCeiling.contains(">0/1<"), rawCeiling)
        let standardisedCeiling = try XCTUnwrap(twoWays.components(separatedBy: "<tr>").first {
            $0.contains(">lora, top 1 layer<") && $0.contains(">ceiling test AUC<")
        })
        XCTAssertTrue(standardisedCeiling.contains(">2<") && standardisedCeiling.contains(">2/2<"), standardisedCeiling)
    }

    func testEmptyDirectoryStillRenders() {
        let html = HTMLReport(source: "runs", runs: []).render()
        XCTAssertTrue(html.contains("No finished runs."))
        XCTAssertTrue(html.hasSuffix("</html>\n"))
    }

    // MARK: Reading a runs directory

    func testStoredRunsReadRecordConfigSummaryAndCurves() throws {
        let store = try RunStore(root: root)
        let run = try runs()[0]
        try store.write(run.record)
        let directory = root.appendingPathComponent(run.record.id)
        try AtomicFile.writeJSON(run.config!, to: directory.appendingPathComponent("config.json"))
        try AtomicFile.writeJSON(run.summary!, to: directory.appendingPathComponent("metrics.json"))
        // An older curves.csv: stage names unquoted, one of them with a comma.
        try Data("""
            stage,step,train_loss,validation_score,validation_auc,test_auc
            weak,0,,0.6,0.6,0.58
            student-logconf(α=0.3,warm-up=0.6),4,0.61,0.8,0.8,
            "student-logconf(α=0.3,warm-up=0.6)",8,0.5,0.85,0.85,0.7

            """.utf8).write(to: directory.appendingPathComponent("curves.csv"))
        let loaded = store.storedRuns()
        XCTAssertEqual(loaded.runs.count, 1)
        XCTAssertTrue(loaded.problems.isEmpty)
        let stored = loaded.runs[0]
        XCTAssertEqual(stored.config, run.config)
        XCTAssertEqual(stored.summary?.students.map(\.arm.id), ["student-xent", "student-logconf", Self.comma])
        XCTAssertEqual(stored.curves, [
            StoredRun.CurvePoint(stage: "weak", step: 0, trainLoss: nil, validationScore: 0.6, validationAUC: 0.6, testAUC: 0.58),
            StoredRun.CurvePoint(stage: Self.comma, step: 4, trainLoss: 0.61, validationScore: 0.8, validationAUC: 0.8, testAUC: nil),
            StoredRun.CurvePoint(stage: Self.comma, step: 8, trainLoss: 0.5, validationScore: 0.85, validationAUC: 0.85, testAUC: 0.7),
        ])
        XCTAssertEqual(store.storedRuns(datasets: ["boolq"]).runs.count, 0)
        XCTAssertEqual(store.storedRuns(datasets: ["sst2", "boolq"]).runs.count, 1)
    }

    // MARK: Exports

    func testCSVExportParsesBackOneRowPerRunStageAndMetric() throws {
        let runs = try runs()
        let table = parseCSV(ResultsExport.csv(runs))
        XCTAssertEqual(table.first, ResultsExport.columns)
        let rows = table.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(ResultsExport.columns, $0)) }
        XCTAssertTrue(table.dropFirst().allSatisfy { $0.count == ResultsExport.columns.count })
        let metricCount = runs.map { $0.record.metrics.values.map(\.count).reduce(0, +) }.reduce(0, +)
        XCTAssertEqual(rows.count, metricCount + 1, "every metric, and one row for the failed run")

        let sst2 = runs[0]
        let row = try XCTUnwrap(rows.first { $0["run_id"] == sst2.record.id && $0["stage"] == Self.comma && $0["metric"] == "test_auc" })
        XCTAssertEqual(Double(row["value"]!), sst2.record.metrics[Self.comma]!["test_auc"]!)
        XCTAssertEqual(row["dataset"], "sst2")
        XCTAssertEqual(row["seed"], "0")
        XCTAssertEqual(row["mode"], "head")
        XCTAssertEqual(row["weak_model"], "all-MiniLM-L6-v2@1")
        XCTAssertEqual(row["strong_model"], "all-MiniLM-L6-v2@2")
        XCTAssertEqual([row["weak_train"], row["strong_train"], row["validation"], row["test"]], ["60", "60", "40", "60"])
        XCTAssertEqual(row["losses"], "xent;logconf;logconf(α=0.3,warm-up=0.6)")
        XCTAssertEqual(row["lr_weak"], "0.001")
        XCTAssertEqual(row["lr_strong"], "0.001")
        XCTAssertEqual(row["epochs"], "3")
        XCTAssertEqual(row["max_length"], "32")
        XCTAssertEqual(row["status"], "finished")
        XCTAssertEqual(row["setting"], sst2.record.setting)
        XCTAssertEqual([row["lora_rank"], row["train_layers"], row["frozen_precision"], row["head_input"]], ["", "", "", ""],
                       "head mode finetunes nothing")

        let failed = try XCTUnwrap(rows.first { $0["status"] == "failed" })
        XCTAssertEqual(failed["error"], Self.failure, "quotes, commas and the line break survive")
        XCTAssertEqual(failed["dataset"], "cola")
        XCTAssertEqual([failed["mode"], failed["lora_rank"], failed["train_layers"], failed["frozen_precision"], failed["head_input"]],
                       ["lora", "4", "2", "fp16", "standardised"])
        XCTAssertEqual([failed["stage"], failed["metric"], failed["value"]], ["", "", ""])
        XCTAssertTrue(rows.contains { $0["dataset"] == Self.evil })
    }

    func testJSONLinesExportParsesBack() throws {
        let runs = try runs()
        let lines = ResultsExport.jsonl(runs).split(separator: "\n")
        XCTAssertEqual(lines.count, parseCSV(ResultsExport.csv(runs)).count - 1)
        for line in lines {
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            XCTAssertEqual(Set(object.keys), Set(ResultsExport.columns))
        }
        let objects = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        let failed = try XCTUnwrap(objects.first { $0["status"] as? String == "failed" })
        XCTAssertEqual(failed["error"] as? String, Self.failure)
        XCTAssertTrue(failed["value"] is NSNull)
        let first = objects.first { $0["run_id"] as? String == runs[0].record.id && $0["stage"] as? String == "weak" && $0["metric"] as? String == "test_auc" }!
        XCTAssertEqual(first["value"] as? Double, 0.70)
        XCTAssertEqual(first["seed"] as? Int, 0)
        XCTAssertEqual(first["losses"] as? [String], ["xent", "logconf", "logconf(α=0.3,warm-up=0.6)"])
        XCTAssertEqual(first["lr_weak"] as? Double, 0.001)
    }

    // MARK: Helpers

    /// The test's own reading of RFC 4180 (not the library's), so a quoting mistake cannot cancel itself out.
    func parseCSV(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = "", inQuotes = false
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if inQuotes {
                if c == "\"" {
                    if i + 1 < chars.count, chars[i + 1] == "\"" { field.append("\""); i += 1 } else { inQuotes = false }
                } else { field.append(c) }
            } else if c == "\"" {
                inQuotes = true
            } else if c == "," {
                row.append(field); field = ""
            } else if c == "\n" {
                row.append(field); rows.append(row); row = []; field = ""
            } else {
                field.append(c)
            }
            i += 1
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }

    /// How the page writes a text.
    func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "'", with: "&#39;")
    }
}
