import Foundation

/// Natively single-sentence tasks: sentiment, acceptability, topic.
enum ClassificationConverters {
    /// Registered in this order (`DatasetRegistry.standard`): defining a dataset here is the whole of adding it.
    static let all: [DatasetDefinition] = [
        DatasetDefinition(
            name: "sst2", summary: "SST-2 movie-review sentiment (GLUE)",
            conversion: "sentence → label (1 positive, 0 negative); train.tsv is the training pool, dev.tsv the test pool (test.tsv is unlabelled).",
            files: ["train.tsv", "dev.tsv"], hasTrainSplit: true) { folder, name in
            func load(_ file: String) throws -> [Example] {
                let url = Convert.file(folder, file)
                let (header, rows) = try DelimitedReader.records(url, separator: "\t", quoted: false)
                return try rows.map { line, r in
                    let text = try Convert.column(r, "sentence", url, header: header).trimmingCharacters(in: .whitespaces)
                    let label = try Convert.column(r, "label", url, header: header)
                    guard label == "0" || label == "1" else { throw DatasetError.badLabel(file: url, line: line, value: label, allowed: "0/1") }
                    return Example(dataset: name, groupID: text, text: text, pairText: nil, label: Int(label)!)
                }
            }
            return ConvertedDataset(train: try load("train.tsv"), evaluation: try load("dev.tsv"))
        },

        DatasetDefinition(
            name: "cola", summary: "CoLA grammatical acceptability",
            conversion: "sentence → acceptable (1) / unacceptable (0); raw/in_domain_train.tsv is the training pool, the in- and out-of-domain dev sets the test pool.",
            files: ["raw/in_domain_train.tsv", "raw/in_domain_dev.tsv", "raw/out_of_domain_dev.tsv"], hasTrainSplit: true) { folder, name in
            func load(_ file: String) throws -> [Example] {
                let url = Convert.file(folder, file)
                return try DelimitedReader.rows(url, separator: "\t", quoted: false).map { line, f in
                    guard f.count >= 4, f[1] == "0" || f[1] == "1" else {
                        throw DatasetError.malformed(file: url, line: line, what: "expected source, label (0/1), mark, sentence")
                    }
                    let text = f[3].trimmingCharacters(in: .whitespaces)
                    return Example(dataset: name, groupID: text, text: text, pairText: nil, label: Int(f[1])!)
                }
            }
            return ConvertedDataset(train: try load("raw/in_domain_train.tsv"),
                                    evaluation: try load("raw/in_domain_dev.tsv") + load("raw/out_of_domain_dev.tsv"))
        },

        DatasetDefinition(
            name: "twitter_sentiment", summary: "TweetEval sentiment",
            conversion: "tweet → positive (1) / negative (0), neutral dropped; train split missing, so every split is carved from validation + test.",
            files: ["val_text.txt", "val_labels.txt", "test_text.txt", "test_labels.txt"], hasTrainSplit: false) { folder, name in
            var examples: [Example] = []
            for part in ["val", "test"] {
                let textURL = Convert.file(folder, "\(part)_text.txt"), labelURL = Convert.file(folder, "\(part)_labels.txt")
                let texts = try LinesReader.lines(textURL), labels = try LinesReader.lines(labelURL)
                guard texts.count == labels.count else {
                    throw DatasetError.malformed(file: labelURL, line: min(texts.count, labels.count) + 1,
                                                 what: "\(labels.count) labels for \(texts.count) texts")
                }
                for (i, (text, label)) in zip(texts, labels).enumerated() {
                    switch label.trimmingCharacters(in: .whitespaces) {
                    case "0": examples.append(Example(dataset: name, groupID: text, text: text.trimmingCharacters(in: .whitespaces), pairText: nil, label: 0))
                    case "2": examples.append(Example(dataset: name, groupID: text, text: text.trimmingCharacters(in: .whitespaces), pairText: nil, label: 1))
                    case "1": continue
                    default: throw DatasetError.badLabel(file: labelURL, line: i + 1, value: label, allowed: "0/1/2")
                    }
                }
            }
            return ConvertedDataset(train: nil, evaluation: examples)
        },

        DatasetDefinition(
            name: "ag_news", summary: "AG News: Business vs Sci/Tech headlines",
            conversion: "title + description → Sci/Tech (1) vs Business (0); World and Sports dropped; only test.csv was obtainable, so every split is carved from it.",
            files: ["test.csv"], hasTrainSplit: false) { folder, name in
            let url = Convert.file(folder, "test.csv")
            var examples: [Example] = []
            for (line, f) in try DelimitedReader.rows(url, separator: ",") {
                guard f.count == 3 else { throw DatasetError.malformed(file: url, line: line, what: "expected class, title, description") }
                let label: Int
                switch f[0] {
                case "3": label = 0
                case "4": label = 1
                case "1", "2": continue
                default: throw DatasetError.badLabel(file: url, line: line, value: f[0], allowed: "1–4")
                }
                // The CSV escapes newlines as backslashes and dollar signs as " #36;".
                let description = f[2].replacingOccurrences(of: "\\", with: " ").replacingOccurrences(of: " #36;", with: " $")
                let text = f[1] + ". " + description
                examples.append(Example(dataset: name, groupID: text, text: text, pairText: nil, label: label))
            }
            return ConvertedDataset(train: nil, evaluation: examples)
        },
    ]
}
