import Foundation

/// Sentence-pair tasks: natural language inference and word sense.
enum SentencePairConverters {
    /// NLI gold labels: entailment, contradiction; neutral dropped.
    static let inference = LabelCodes(positive: "e", negative: "c", dropped: ["n"])

    /// Registered in this order (`DatasetRegistry.standard`): defining a dataset here is the whole of adding it.
    static let all: [DatasetDefinition] = [
        DatasetDefinition(
            name: "anli", summary: "Adversarial NLI, round 2 dev set",
            conversion: "premise → text, hypothesis → pair; entailment (1) vs contradiction (0), neutral dropped; only R2 dev obtainable, every split carved from it, grouped by premise.",
            files: ["ANLI_analysis_r2_dev.csv"], hasTrainSplit: false) { folder, name in
            let url = Convert.file(folder, "ANLI_analysis_r2_dev.csv")
            return ConvertedDataset(train: nil, evaluation: try DelimitedReader.table(url, separator: ",").compactMap { r in
                guard let label = try inference.label(try r["gold_label"], url, line: r.line) else { return nil }
                let premise = try r["context"]
                return Example(dataset: name, groupID: premise, text: premise, pairText: try r["statement"], label: label)
            })
        },

        DatasetDefinition(
            name: "wic", summary: "Word-in-Context (SuperGLUE)",
            conversion: "\"word: sentence1\" → text, sentence2 → pair; same sense (1) / different (0); train.jsonl is the training pool, val.jsonl the test pool.",
            files: ["train.jsonl", "val.jsonl"], hasTrainSplit: true) { folder, name in
            func load(_ file: String) throws -> [Example] {
                let url = Convert.file(folder, file)
                return try JSONLinesReader.objects(url).map { line, o in
                    guard let label = o["label"] as? Bool else {
                        throw DatasetError.badLabel(file: url, line: line, value: "\(o["label"] ?? "none")", allowed: "true/false")
                    }
                    let word = try Convert.string(o, "word", url, line)
                    let s1 = try Convert.string(o, "sentence1", url, line), s2 = try Convert.string(o, "sentence2", url, line)
                    return Example(dataset: name, groupID: "\(file)#\(o["idx"] ?? line)", text: word + ": " + s1, pairText: s2,
                                   label: label ? 1 : 0)
                }
            }
            return ConvertedDataset(train: try load("train.jsonl"), evaluation: try load("val.jsonl"))
        },
    ]
}
