import Foundation

/// `w2s results --format csv|jsonl`: every run's metrics in long form, one row per run × stage (arm id) × metric,
/// each row carrying the run's configuration, so `pandas.read_csv` / `read_json(lines=True)` gives a frame to
/// group and pivot without joining anything. A run without metrics (failed, interrupted, running) is one row with
/// empty stage, metric and value, so its status and error are not lost.
public enum ResultsExport {
    public enum Format: String, Sendable, CaseIterable {
        /// The tab-separated listing `w2s results` always printed.
        case table
        case csv
        case jsonl
    }

    /// Column names, in order. Lists (losses, methods) are joined with ";": loss labels contain commas.
    public static let columns = [
        "run_id", "dataset", "seed", "status", "mode", "weak_model", "strong_model",
        "weak_train", "strong_train", "validation", "test", "losses", "methods", "setting",
        "lr_weak", "lr_strong", "epochs", "max_length", "lora_rank", "train_layers", "frozen_precision", "head_input", "created", "error", "stage", "metric", "value",
    ]

    /// A cell: text, an integer, a number, a list, or missing.
    public enum Value: Sendable, Equatable {
        case text(String), integer(Int), number(Double), list([String]), missing

        var csv: String {
            switch self {
            case let .text(s): return s
            case let .integer(i): return "\(i)"
            case let .number(x): return "\(x)"
            case let .list(items): return items.joined(separator: ";")
            case .missing: return ""
            }
        }

        var json: String {
            switch self {
            case let .text(s): return Self.jsonString(s)
            case let .integer(i): return "\(i)"
            case let .number(x): return x.isFinite ? "\(x)" : "null"
            case let .list(items): return "[" + items.map(Self.jsonString).joined(separator: ",") + "]"
            case .missing: return "null"
            }
        }

        static func jsonString(_ s: String) -> String {
            var out = "\""
            for scalar in s.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out + "\""
        }
    }

    /// The rows, runs in the order given, stages and metrics sorted by name; one value per entry of `columns`.
    public static func rows(_ runs: [StoredRun]) -> [[Value]] {
        runs.flatMap { run -> [[Value]] in
            let r = run.record, c = run.resolvedConfig
            // Learning rates are Float32 in the configuration: their shortest decimal form, not Double's expansion.
            func rate(_ x: Float?) -> Value { x.flatMap { Double("\($0)") }.map(Value.number) ?? .missing }
            let config: [Value] = [
                .text(r.id), .text(r.dataset), .integer(r.seed), .text(r.status.rawValue), .text(r.mode),
                .text(r.weakModel), .text(r.strongModel),
                c.map { .integer($0.sizes.weakTrain) } ?? .missing, c.map { .integer($0.sizes.strongTrain) } ?? .missing,
                c.map { .integer($0.sizes.validation) } ?? .missing, c.map { .integer($0.sizes.test) } ?? .missing,
                .list(r.losses), .list(r.methods), .text(r.setting),
                rate(c?.weakTraining.learningRate), rate(c?.strongTraining.learningRate),
                c.map { .integer($0.strongTraining.epochs) } ?? .missing, c.map { .integer($0.maxLength) } ?? .missing,
                c.flatMap { $0.mode == .lora ? Value.integer($0.loraRank) : nil } ?? .missing,
                c?.trainLayersLabel.map(Value.text) ?? .missing, c?.frozenPrecisionLabel.map(Value.text) ?? .missing,
                c?.finetunedHeadInput.map { Value.text($0.rawValue) } ?? .missing,
                .text(r.created), r.error.map(Value.text) ?? .missing,
            ]
            let metrics = r.metrics.sorted { $0.key < $1.key }.flatMap { stage, values in
                values.sorted { $0.key < $1.key }.map { [Value.text(stage), .text($0.key), .number($0.value)] }
            }
            if metrics.isEmpty { return [config + [.missing, .missing, .missing]] }
            return metrics.map { config + $0 }
        }
    }

    public static func csv(_ runs: [StoredRun]) -> String {
        CSV.line(columns) + rows(runs).map { CSV.line($0.map(\.csv)) }.joined()
    }

    /// One JSON object per line, keys in the order of `columns`.
    public static func jsonl(_ runs: [StoredRun]) -> String {
        rows(runs).map { row in
            "{" + zip(columns, row).map { "\(Value.jsonString($0)):\($1.json)" }.joined(separator: ",") + "}\n"
        }.joined()
    }
}
