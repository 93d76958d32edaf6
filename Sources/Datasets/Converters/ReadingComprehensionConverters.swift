import Foundation

/// Natively binary question answering over a passage.
enum ReadingComprehensionConverters {
    /// Registered in this order (`DatasetRegistry.standard`): defining a dataset here is the whole of adding it.
    static let all: [DatasetDefinition] = [
        DatasetDefinition(
            name: "boolq", summary: "BoolQ yes/no questions over Wikipedia passages",
            conversion: "passage → text, question → pair, answer true (1) / false (0); train missing, every split carved from val.jsonl (test.jsonl is unlabelled). Grouped by question.",
            source: .github("DavidHe137/mice", commit: "e70addc73cae5c9dab5c64ccd7fe2e4bd660ad2c",
                            licence: .init("CC BY-SA 3.0 (the BoolQ authors' README; this SuperGLUE copy has no licence file)"),
                            files: [
                                .init("val.jsonl", path: "data/BoolQ/val.jsonl", bytes: 2254565, sha256: "0c86a5045886e5795fe9052003873f7d94b88ed3028a33007c51d99e44fd66d9"),
                            ]),
            hasTrainSplit: false) { folder, name in
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
            source: .github("DavidHe137/mice", commit: "e70addc73cae5c9dab5c64ccd7fe2e4bd660ad2c",
                            licence: .init("not stated in the source (a copy of SuperGLUE's MultiRC)"),
                            files: [
                                .init("train.jsonl", path: "data/MultiRC/train.jsonl", bytes: 3094341, sha256: "bb73d0838618f8269190a2533fead3140607558975ea0df6511fa534e8d3535c"),
                                .init("val.jsonl", path: "data/MultiRC/val.jsonl", bytes: 550086, sha256: "d2b480195b15574ac00d52c4479f630bc161a7ab2de77e970fd00652846953ee"),
                            ]),
            hasTrainSplit: true, layouts: { folder, name, layout in
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
                            examples.append(layout.example(dataset: name, groupID: group, context: clean, question: question,
                                                           answer: answer, label: label))
                        }
                    }
                }
                return examples
            }
            return ConvertedDataset(train: try load("train.jsonl"), evaluation: try load("val.jsonl"))
        }),

        DatasetDefinition(
            name: "mc_taco", summary: "MC-TACO temporal commonsense (plausible vs implausible answers)",
            conversion: "sentence + question → text, candidate answer → pair, yes (1) / no (0); no train split by design, every split carved from dev + test; grouped by question.",
            source: .github("CogComp/MCTACO", commit: "0ba9b790ad5a87ab3eef0f0cb7819408192f9729",
                            licence: .init("not stated in the source"),
                            files: [
                                .init("dev_3783.tsv", path: "dataset/dev_3783.tsv", bytes: 679912, sha256: "8de54f6d3e0a6466e4ba2c5179c7f9ac3442eeba8683c46fd712f5f54751d6dd"),
                                .init("test_9442.tsv", path: "dataset/test_9442.tsv", bytes: 1705225, sha256: "47e12f88559eb0735eeca2af2d0a3ed48efb3bb2742ff31de9fcfc9a76094354"),
                            ]),
            hasTrainSplit: false) { folder, name in
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
