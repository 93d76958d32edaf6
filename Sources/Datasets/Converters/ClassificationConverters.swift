import Foundation

/// Natively single-sentence tasks: sentiment, acceptability, topic.
enum ClassificationConverters {
    /// TweetEval: 0 negative, 1 neutral, 2 positive.
    static let sentiment = LabelCodes(positive: "2", negative: "0", dropped: ["1"])
    /// AG News: 1 World, 2 Sports, 3 Business, 4 Sci/Tech.
    static let topic = LabelCodes(positive: "4", negative: "3", dropped: ["1", "2"])

    /// Registered in this order (`DatasetRegistry.standard`): defining a dataset here is the whole of adding it.
    static let all: [DatasetDefinition] = [
        DatasetDefinition(
            name: "sst2", summary: "SST-2 movie-review sentiment (GLUE)",
            conversion: "sentence → label (1 positive, 0 negative); train.tsv is the training pool, dev.tsv the test pool (test.tsv is unlabelled).",
            files: ["train.tsv", "dev.tsv"], hasTrainSplit: true) { folder, name in
            func load(_ file: String) throws -> [Example] {
                try DelimitedReader.table(Convert.file(folder, file), separator: "\t", quoted: false).compactMap { r in
                    let text = try r["sentence"].trimmingCharacters(in: .whitespaces)
                    guard let label = try LabelCodes.zeroOne.label(try r["label"], r.file, line: r.line) else { return nil }
                    return Example(dataset: name, groupID: text, text: text, pairText: nil, label: label)
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
                return try DelimitedReader.rows(url, separator: "\t", quoted: false).compactMap { line, f in
                    guard f.count >= 4 else { throw DatasetError.malformed(file: url, line: line, what: "expected source, label (0/1), mark, sentence") }
                    guard let label = try LabelCodes.zeroOne.label(f[1], url, line: line) else { return nil }
                    let text = f[3].trimmingCharacters(in: .whitespaces)
                    return Example(dataset: name, groupID: text, text: text, pairText: nil, label: label)
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
                let labelURL = Convert.file(folder, "\(part)_labels.txt")
                let texts = try LinesReader.lines(Convert.file(folder, "\(part)_text.txt"))
                for (text, code, line) in try Convert.withLabels(texts, labels: labelURL) {
                    guard let label = try sentiment.label(code, labelURL, line: line) else { continue }
                    examples.append(Example(dataset: name, groupID: text, text: text.trimmingCharacters(in: .whitespaces), pairText: nil, label: label))
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
                guard let label = try topic.label(f[0], url, line: line) else { continue }
                // The CSV escapes newlines as backslashes and dollar signs as " #36;".
                let description = f[2].replacingOccurrences(of: "\\", with: " ").replacingOccurrences(of: " #36;", with: " $")
                let text = f[1] + ". " + description
                examples.append(Example(dataset: name, groupID: text, text: text, pairText: nil, label: label))
            }
            return ConvertedDataset(train: nil, evaluation: examples)
        },
    ]
}
