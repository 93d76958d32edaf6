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
            source: .github("blueraft/distil-bilstm", commit: "44d3abb1ef7f54d000d95f2634b9b2a275cd4b01",
                            licence: .init("not stated in the source (a copy of GLUE's SST-2); see the GLUE and SST terms"),
                            files: [
                                .init("train.tsv", path: "SST-2/train.tsv", bytes: 3806081, sha256: "48eac26399f8456935f81dd9e3a745c1430adb6c62e233ccfe22db4a0d15d1d1"),
                                .init("dev.tsv", path: "SST-2/dev.tsv", bytes: 94931, sha256: "54a9c12c77e402fc14d6a66a506f24d999f596b0176eb777c972cccc2f9cc4b0"),
                            ]),
            hasTrainSplit: true) { folder, name in
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
            source: .github("nyu-mll/CoLA-baselines", commit: "dd095d3646ed05a315280aaa8ed4ec84ba435b3e",
                            licence: .init("research use; copyright stays with the quoted publications (README, section 5)"),
                            files: [
                                .init("raw/in_domain_train.tsv", path: "acceptability_corpus/cola_public/raw/in_domain_train.tsv", bytes: 428578, sha256: "f320a10f92d3bce6b29152fde322a362eac39238e50d8de0c8815457fdf4fc12"),
                                .init("raw/in_domain_dev.tsv", path: "acceptability_corpus/cola_public/raw/in_domain_dev.tsv", bytes: 25957, sha256: "77176f6a03faa5a1c4f23c69971fc1bff565931112fb65af47b2d6e24b7f42f7"),
                                .init("raw/out_of_domain_dev.tsv", path: "acceptability_corpus/cola_public/raw/out_of_domain_dev.tsv", bytes: 27754, sha256: "201b9c57b2a20f1282242eec0ed8995729e3be19c29a46c047b3727338836c05"),
                            ]),
            hasTrainSplit: true) { folder, name in
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
            source: .github("cardiffnlp/tweeteval", commit: "4fbd22cd78421f05b1ecdb4fc5725bc7a7bd8f66",
                            licence: .init("TweetEval sets no restrictions of its own; the SemEval-2017 and Twitter terms apply (README.md)"),
                            files: [
                                .init("val_text.txt", path: "datasets/sentiment/val_text.txt", bytes: 219137, sha256: "e5b021e6fc45064c260b09814b803d8f56cada519c4d952d72f43d48a350a964"),
                                .init("val_labels.txt", path: "datasets/sentiment/val_labels.txt", bytes: 4000, sha256: "b4566926c72e2e4e2916c864def94e76c4cdde52446af2c7ba4fc2006e057e51"),
                                .init("test_text.txt", path: "datasets/sentiment/test_text.txt", bytes: 1156877, sha256: "09a93a55c63fd93f97485ef7302889d7edb4091cd49733aa37da094f0bfa0675"),
                                .init("test_labels.txt", path: "datasets/sentiment/test_labels.txt", bytes: 24568, sha256: "6afb4afe9374d1f983bcf9a7c79b108d0f37fdf020a83f30488309bed215db9d"),
                            ]),
            hasTrainSplit: false) { folder, name in
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
            source: .github("mhjabreel/CharCnn_Keras", commit: "555590db4219b1243abb1918effd6a7425a2d75f",
                            licence: .nonCommercial("research and any other non-commercial use (readme.txt)"),
                            files: [
                                .init("test.csv", path: "data/ag_news_csv/test.csv", bytes: 1857427, sha256: "521465c2428ed7f02f8d6db6ffdd4b5447c1c701962353eb2c40d548c3c85699"),
                            ]),
            hasTrainSplit: false) { folder, name in
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
