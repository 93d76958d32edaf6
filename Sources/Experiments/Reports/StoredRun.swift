import Foundation

/// Everything a runs directory keeps about one run, for the report and the exports: its record (status, error, every
/// metric: the source of truth, as for `w2s results` and `w2s compare`), its configuration (`config.json`, written
/// before the run starts, so failed runs have one too), its summary (`metrics.json`, finished runs only) and its
/// training curves (`curves.csv`).
public struct StoredRun: Sendable {
    public var record: RunRecord
    public var config: ExperimentConfig?
    public var summary: RunSummary?
    public var curves: [CurvePoint]

    /// One row of `curves.csv`: an evaluation during the training of one arm.
    public struct CurvePoint: Sendable, Hashable {
        /// The arm id ("weak", "ceiling", "student-xent").
        public var stage: String
        public var step: Int
        public var trainLoss: Double?
        public var validationScore: Double?
        /// AUC on validation against the labels the stage selects on (the weak labels for students).
        public var validationAUC: Double?
        /// Ground-truth test AUC (analysis only, never used to select).
        public var testAUC: Double?

        public init(stage: String, step: Int, trainLoss: Double? = nil, validationScore: Double? = nil,
                    validationAUC: Double? = nil, testAUC: Double? = nil) {
            self.stage = stage; self.step = step; self.trainLoss = trainLoss; self.validationScore = validationScore
            self.validationAUC = validationAUC; self.testAUC = testAUC
        }
    }

    public init(record: RunRecord, config: ExperimentConfig? = nil, summary: RunSummary? = nil, curves: [CurvePoint] = []) {
        self.record = record; self.config = config; self.summary = summary; self.curves = curves
    }

    /// The configuration from `config.json`, else from the summary.
    public var resolvedConfig: ExperimentConfig? { config ?? summary?.config }

    /// Reads the curves of `curves.csv` (columns stage, step, train_loss, validation_score, validation_auc, test_auc).
    /// Files written before stage names were quoted split a name with commas over several fields: the last five
    /// fields are always the numbers, so the name is what comes before them.
    public static func curves(csv text: String) -> [CurvePoint] {
        CSV.records(text).dropFirst().compactMap { fields -> CurvePoint? in
            guard fields.count >= 6, let step = Int(fields[fields.count - 5]) else { return nil }
            let numbers = fields.suffix(4).map { Double($0) }
            return CurvePoint(stage: fields.dropLast(5).joined(separator: ","), step: step, trainLoss: numbers[0],
                              validationScore: numbers[1], validationAUC: numbers[2], testAUC: numbers[3])
        }
    }
}

extension RunStore {
    /// Every run with what its directory holds, oldest first (see `load`); `datasets` nil or empty: all. Records that
    /// cannot be read are named in `problems`; a missing or unreadable config, summary or curve file only leaves
    /// that part empty (a failed run has no summary).
    public func storedRuns(datasets: [String]? = nil) -> (runs: [StoredRun], problems: [String]) {
        let (records, problems) = load()
        let wanted = datasets.flatMap { $0.isEmpty ? nil : Set($0) }
        let runs = records.filter { wanted?.contains($0.dataset) ?? true }.map { record -> StoredRun in
            let directory = root.appendingPathComponent(record.id)
            let curves = (try? String(contentsOf: directory.appendingPathComponent("curves.csv"), encoding: .utf8))
                .map(StoredRun.curves(csv:)) ?? []
            return StoredRun(record: record,
                             config: try? AtomicFile.readJSON(ExperimentConfig.self, from: directory.appendingPathComponent("config.json")),
                             summary: record.status == .finished
                                ? try? AtomicFile.readJSON(RunSummary.self, from: directory.appendingPathComponent("metrics.json")) : nil,
                             curves: curves)
        }
        return (runs, problems)
    }
}
