import Foundation

/// Multiple-choice benchmarks: each question gives one correct and one distractor example
/// (`Convert.multipleChoice`), grouped by question.
enum MultipleChoiceConverters {
    /// Registered in this order (`DatasetRegistry.standard`): defining a dataset here is the whole of adding it.
    static let all: [DatasetDefinition] = [
        DatasetDefinition(
            name: "sciq", summary: "SciQ science exam questions",
            conversion: "support + question → text, candidate → pair; correct answer (1) vs one random distractor (0); train missing, every split carved from valid.json + test.json.",
            source: .github("sjd210/Automated-Distractor-Generation", commit: "50810ad572d3f8e7501eddfb3a0f4555b307fb33",
                            licence: .nonCommercial("CC BY-NC 3.0 (license.txt)"),
                            files: [
                                .init("valid.json", path: "SciQ/SciQ dataset-2 3/valid.json", bytes: 869776, sha256: "b201bc1c002b31cabc8581d05f8a5ce9d115b9ad4f7b4a428c00c3935d67a6ec"),
                                .init("test.json", path: "SciQ/SciQ dataset-2 3/test.json", bytes: 879642, sha256: "7340983c427dc2ffd3dccf1adb758b6cdc9455bd22bf3db0ddf6ffcae0452006"),
                            ]),
            hasTrainSplit: false, layouts: { folder, name, layout in
            var examples: [Example] = []
            for file in ["valid.json", "test.json"] {
                let url = Convert.file(folder, file)
                guard let items = try JSONLinesReader.document(url) as? [[String: Any]] else {
                    throw DatasetError.malformed(file: url, line: 1, what: "expected a JSON array of questions")
                }
                for (i, item) in items.enumerated() {
                    guard let question = item["question"] as? String, let correct = item["correct_answer"] as? String else {
                        throw DatasetError.malformed(file: url, line: 1, what: "question \(i) lacks question/correct_answer")
                    }
                    let support = (item["support"] as? String ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                    let candidates = [correct] + (1...3).map { item["distractor\($0)"] as? String ?? "" }
                    examples += Convert.multipleChoice(dataset: name, groupID: question, context: support, question: question,
                                                       candidates: candidates, correct: 0, layout: layout)
                }
            }
            return ConvertedDataset(train: nil, evaluation: examples)
        }),

        DatasetDefinition(
            name: "cosmos_qa", summary: "Cosmos QA commonsense reading comprehension",
            conversion: "context + question → text, candidate → pair; correct (1) vs one random wrong answer (0); only valid.csv obtainable, every split carved from it.",
            source: .github("wilburOne/cosmosqa", commit: "b6eb99cca4e2a51dd28a9a6f562534872d851639",
                            licence: .init("not stated in the source; the project page states CC BY 4.0 (unverified)"),
                            files: [
                                .init("valid.csv", path: "data/valid.csv", bytes: 2128345, sha256: "a6a94fc1463ca82bb10f98ef68ed535405e6f5c36e044ff8e136b5c19dea63f3"),
                            ]),
            hasTrainSplit: false, layouts: { folder, name, layout in
            let url = Convert.file(folder, "valid.csv")
            return ConvertedDataset(train: nil, evaluation: try DelimitedReader.table(url, separator: ",").flatMap { r in
                let context = try r["context"], question = try r["question"]
                let correct = try Convert.answerIndex(try r["label"], in: 0...3, url, line: r.line)
                let candidates = try (0...3).map { try r["answer\($0)"] }
                return Convert.multipleChoice(dataset: name, groupID: r.values["id"] ?? "\(r.line)", context: context,
                                              question: question, candidates: candidates, correct: correct, layout: layout)
            })
        }),

        DatasetDefinition(
            name: "piqa", summary: "PIQA physical commonsense",
            conversion: "goal → text, solution → pair; correct (1) vs the other solution (0); only the validation split obtainable, every split carved from it.",
            source: .github("ybisk/ybisk.github.io", commit: "21edab439af693b961be2f069e8690a88d3b4e37",
                            licence: .init("AFL 3.0 (README.md)"),
                            files: [
                                .init("valid.jsonl", path: "piqa/data/valid.jsonl", bytes: 495929, sha256: "93503cc97c679e459b065c3d13e848282e44b2a25213985bed3e5d458abef72d"),
                                .init("valid-labels.lst", path: "piqa/data/valid-labels.lst", bytes: 3676, sha256: "b4192dc3a2a0363d9d60ccf79800cbbe2f32ebb17726efdde6970e0b8131bceb"),
                            ]),
            hasTrainSplit: false) { folder, name in
            let url = Convert.file(folder, "valid.jsonl"), labelsURL = Convert.file(folder, "valid-labels.lst")
            var examples: [Example] = []
            for ((line, o), label, labelLine) in try Convert.withLabels(try JSONLinesReader.objects(url), labels: labelsURL) {
                let correct = try Convert.answerIndex(label, in: 0...1, labelsURL, line: labelLine)
                let goal = try Convert.string(o, "goal", url, line)
                examples += Convert.multipleChoice(dataset: name, groupID: "\(line)|" + goal, text: goal,
                                                   candidates: [try Convert.string(o, "sol1", url, line), try Convert.string(o, "sol2", url, line)],
                                                   correct: correct)
            }
            return ConvertedDataset(train: nil, evaluation: examples)
        },

        DatasetDefinition(
            name: "social_i_qa", summary: "Social IQa social commonsense",
            conversion: "context + question → text, answer → pair; correct (1) vs one random wrong answer (0); only dev obtainable, every split carved from it.",
            source: .github("zhengxxwhu/amr_based_unsupervised_commonsenseqa", commit: "510cbcf75764ed21250f3694587701b9378a1a0f",
                            licence: .init("not stated in the source"),
                            files: [
                                .init("dev.jsonl", path: "data/socialiqa/socialiqa-train-dev/dev.jsonl", bytes: 474441, sha256: "539c64711c5ecc2b361458c91829b6450fa6cf94bf905fa1be3969a4c9b3031b"),
                                .init("dev-labels.lst", path: "data/socialiqa/socialiqa-train-dev/dev-labels.lst", bytes: 3908, sha256: "2d882ff71969d3980d37dd07aecdf9093c6e63e27c670f3a203bcf3b9b74bc05"),
                            ]),
            hasTrainSplit: false) { folder, name in
            let url = Convert.file(folder, "dev.jsonl"), labelsURL = Convert.file(folder, "dev-labels.lst")
            var examples: [Example] = []
            for ((line, o), label, labelLine) in try Convert.withLabels(try JSONLinesReader.objects(url), labels: labelsURL) {
                let oneBased = try Convert.answerIndex(label, in: 1...3, labelsURL, line: labelLine)
                let context = try Convert.string(o, "context", url, line), question = try Convert.string(o, "question", url, line)
                let candidates = try ["answerA", "answerB", "answerC"].map { try Convert.string(o, $0, url, line) }
                examples += Convert.multipleChoice(dataset: name, groupID: "\(line)|" + question, text: context + "\nQuestion: " + question,
                                                   candidates: candidates, correct: oneBased - 1)
            }
            return ConvertedDataset(train: nil, evaluation: examples)
        },

        DatasetDefinition(
            name: "dream", summary: "DREAM dialogue-based reading comprehension",
            conversion: "dialogue + question → text, choice → pair; correct (1) vs one random wrong choice (0); train.json is the training pool, dev.json + test.json the test pool; grouped by question.",
            source: .github("nlpdata/dream", commit: "bb64644c209cb6497bb9e13244fbf220c900a740",
                            licence: .nonCommercial("non-commercial research only (license.txt)"),
                            files: [
                                .init("train.json", path: "data/train.json", bytes: 3355481, sha256: "90942ddea1b56231a0ad2097dc5f115ce1face1cfb86f029041e5bad38e68566"),
                                .init("dev.json", path: "data/dev.json", bytes: 1097827, sha256: "9d5af2e580d809c73872a7dd43fe93d0b07c6f6086b04a9a9a1917603009d961"),
                                .init("test.json", path: "data/test.json", bytes: 1104882, sha256: "d96d7d0752f7eab1ea8f165a582430f35653c428d36633ab4d7f26fc14946c3a"),
                            ]),
            hasTrainSplit: true, layouts: { folder, name, layout in
            func load(_ file: String) throws -> [Example] {
                let url = Convert.file(folder, file)
                guard let dialogues = try JSONLinesReader.document(url) as? [[Any]] else {
                    throw DatasetError.malformed(file: url, line: 1, what: "expected [[turns], [questions], id] entries")
                }
                var examples: [Example] = []
                for (d, entry) in dialogues.enumerated() {
                    guard entry.count >= 3, let turns = entry[0] as? [String], let questions = entry[1] as? [[String: Any]] else {
                        throw DatasetError.malformed(file: url, line: 1, what: "dialogue \(d) is not [[turns], [questions], id]")
                    }
                    let dialogue = turns.joined(separator: "\n")
                    for (k, q) in questions.enumerated() {
                        guard let question = q["question"] as? String, let choices = q["choice"] as? [String],
                              let answer = q["answer"] as? String, let correct = choices.firstIndex(of: answer) else { continue }
                        examples += Convert.multipleChoice(dataset: name, groupID: "\(entry[2])#\(k)", context: dialogue,
                                                           question: question, candidates: choices, correct: correct, layout: layout)
                    }
                }
                return examples
            }
            return ConvertedDataset(train: try load("train.json"), evaluation: try load("dev.json") + load("test.json"))
        }),

        DatasetDefinition(
            name: "quail", summary: "QuAIL reading comprehension (challenge set, jsonl)",
            conversion: "context + question → text, answer → pair; correct (1) vs one random wrong answer (0); the jsonl challenge set is the pool (train missing); grouped by passage.",
            source: .github("text-machine-lab/quail", commit: "e2b0705a2099f44b60fad0bad5a947913b181bbd",
                            licence: .nonCommercial("CC BY-NC-SA 4.0 (LICENSE.md)"),
                            files: [
                                .init("challenge.jsonl", path: "quail_v1.3/json/challenge.jsonl", bytes: 1282446, sha256: "c512309d2fbf2ddcb0fe1782598eda876515008608a88f8012b2f370de495914"),
                            ]),
            hasTrainSplit: false, layouts: { folder, name, layout in
            let url = Convert.file(folder, "challenge.jsonl")
            var examples: [Example] = []
            for (line, o) in try JSONLinesReader.objects(url) {
                let context = try Convert.string(o, "context", url, line), question = try Convert.string(o, "question", url, line)
                guard let answers = o["answers"] as? [String], let correctText = o["correct_answer_id"],
                      let correct = Int("\(correctText)") else {
                    throw DatasetError.malformed(file: url, line: line, what: "missing answers or correct_answer_id")
                }
                examples += Convert.multipleChoice(dataset: name, groupID: o["context_id"] as? String ?? "\(line)", context: context,
                                                   question: question, candidates: answers, correct: correct, layout: layout)
            }
            return ConvertedDataset(train: nil, evaluation: examples)
        }),
    ]
}
