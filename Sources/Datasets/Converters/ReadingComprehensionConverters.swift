import Foundation

/// Natively binary question answering over a passage.
enum ReadingComprehensionConverters {
    /// Registered in this order (`DatasetRegistry.standard`): defining a dataset here is the whole of adding it.
    static let all: [DatasetDefinition] = [
        DatasetDefinition(
            name: "boolq", summary: "BoolQ yes/no questions over Wikipedia passages",
            conversion: "passage → text, question → pair, answer true (1) / false (0); train missing, every split carved from val.jsonl (test.jsonl is unlabelled). Grouped by question.",
            files: ["val.jsonl"], hasTrainSplit: false) { folder, name in
            let url = Convert.file(folder, "val.jsonl")
            return ConvertedDataset(train: nil, evaluation: try JSONLinesReader.objects(url).map { line, o in
                let question = try Convert.string(o, "question", url, line), passage = try Convert.string(o, "passage", url, line)
                guard let answer = (o["label"] ?? o["answer"]) as? Bool else {
                    throw DatasetError.badLabel(file: url, line: line, value: "\(o["label"] ?? "none")", allowed: "true/false")
                }
                return Example(dataset: name, groupID: question, text: passage, pairText: question + "?", label: answer ? 1 : 0)
            })
        },

        DatasetDefinition(
            name: "multirc", summary: "MultiRC multi-sentence reading comprehension (SuperGLUE)",
            conversion: "passage + question → text, each candidate answer → pair, labelled correct (1) / incorrect (0); grouped by passage so no passage straddles splits; train.jsonl is the training pool, val.jsonl the test pool.",
            files: ["train.jsonl", "val.jsonl"], hasTrainSplit: true) { folder, name in
            func load(_ file: String) throws -> [Example] {
                let url = Convert.file(folder, file)
                var examples: [Example] = []
                for (line, o) in try JSONLinesReader.objects(url) {
                    guard let passage = o["passage"] as? [String: Any], let text = passage["text"] as? String,
                          let questions = passage["questions"] as? [[String: Any]] else {
                        throw DatasetError.malformed(file: url, line: line, what: "missing passage.text or passage.questions")
                    }
                    let group = "\(file)#\(o["idx"] ?? line)"
                    // The SuperGLUE copy marks sentence boundaries with <br> tags.
                    let clean = text.replacingOccurrences(of: "<br>", with: " ").replacingOccurrences(of: "<b>", with: "")
                        .replacingOccurrences(of: "</b>", with: "")
                    for q in questions {
                        guard let question = q["question"] as? String, let answers = q["answers"] as? [[String: Any]] else { continue }
                        for a in answers {
                            guard let answer = a["text"] as? String, let label = (a["label"] as? NSNumber)?.intValue,
                                  label == 0 || label == 1 else {
                                throw DatasetError.badLabel(file: url, line: line, value: "\(a["label"] ?? "none")", allowed: "0/1")
                            }
                            examples.append(Example(dataset: name, groupID: group, text: clean + "\nQuestion: " + question,
                                                    pairText: answer, label: label))
                        }
                    }
                }
                return examples
            }
            return ConvertedDataset(train: try load("train.jsonl"), evaluation: try load("val.jsonl"))
        },

        DatasetDefinition(
            name: "mc_taco", summary: "MC-TACO temporal commonsense (plausible vs implausible answers)",
            conversion: "sentence + question → text, candidate answer → pair, yes (1) / no (0); no train split by design, every split carved from dev + test; grouped by question.",
            files: ["dev_3783.tsv", "test_9442.tsv"], hasTrainSplit: false) { folder, name in
            var examples: [Example] = []
            for file in ["dev_3783.tsv", "test_9442.tsv"] {
                let url = Convert.file(folder, file)
                for (line, f) in try DelimitedReader.rows(url, separator: "\t", quoted: false) {
                    guard f.count >= 4 else { throw DatasetError.malformed(file: url, line: line, what: "expected sentence, question, answer, label") }
                    guard f[3] == "yes" || f[3] == "no" else { throw DatasetError.badLabel(file: url, line: line, value: f[3], allowed: "yes/no") }
                    examples.append(Example(dataset: name, groupID: f[0] + "|" + f[1], text: f[0] + "\nQuestion: " + f[1],
                                            pairText: f[2], label: f[3] == "yes" ? 1 : 0))
                }
            }
            return ConvertedDataset(train: nil, evaluation: examples)
        },
    ]
}
