import Foundation

/// Multiple-choice benchmarks: each question gives one correct and one distractor example
/// (`Convert.multipleChoice`), grouped by question.
enum MultipleChoiceConverters {
    /// Registered in this order (`DatasetRegistry.standard`): defining a dataset here is the whole of adding it.
    static let all: [DatasetDefinition] = [
        DatasetDefinition(
            name: "sciq", summary: "SciQ science exam questions",
            conversion: "support + question → text, candidate → pair; correct answer (1) vs one random distractor (0); train missing, every split carved from valid.json + test.json.",
            files: ["valid.json", "test.json"], hasTrainSplit: false) { folder, name in
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
                    let text = (support.isEmpty ? "" : support + "\n") + "Question: " + question
                    let candidates = [correct] + (1...3).map { item["distractor\($0)"] as? String ?? "" }
                    examples += Convert.multipleChoice(dataset: name, groupID: question, text: text, candidates: candidates, correct: 0)
                }
            }
            return ConvertedDataset(train: nil, evaluation: examples)
        },

        DatasetDefinition(
            name: "cosmos_qa", summary: "Cosmos QA commonsense reading comprehension",
            conversion: "context + question → text, candidate → pair; correct (1) vs one random wrong answer (0); only valid.csv obtainable, every split carved from it.",
            files: ["valid.csv"], hasTrainSplit: false) { folder, name in
            let url = Convert.file(folder, "valid.csv")
            return ConvertedDataset(train: nil, evaluation: try DelimitedReader.table(url, separator: ",").flatMap { r in
                let context = try r["context"], question = try r["question"]
                let correct = try Convert.answerIndex(try r["label"], in: 0...3, url, line: r.line)
                let candidates = try (0...3).map { try r["answer\($0)"] }
                return Convert.multipleChoice(dataset: name, groupID: r.values["id"] ?? "\(r.line)",
                                              text: context + "\nQuestion: " + question, candidates: candidates, correct: correct)
            })
        },

        DatasetDefinition(
            name: "piqa", summary: "PIQA physical commonsense",
            conversion: "goal → text, solution → pair; correct (1) vs the other solution (0); only the validation split obtainable, every split carved from it.",
            files: ["valid.jsonl", "valid-labels.lst"], hasTrainSplit: false) { folder, name in
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
            files: ["dev.jsonl", "dev-labels.lst"], hasTrainSplit: false) { folder, name in
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
            files: ["train.json", "dev.json", "test.json"], hasTrainSplit: true) { folder, name in
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
                        examples += Convert.multipleChoice(dataset: name, groupID: "\(entry[2])#\(k)", text: dialogue + "\nQuestion: " + question,
                                                           candidates: choices, correct: correct)
                    }
                }
                return examples
            }
            return ConvertedDataset(train: try load("train.json"), evaluation: try load("dev.json") + load("test.json"))
        },

        DatasetDefinition(
            name: "quail", summary: "QuAIL reading comprehension (challenge set, jsonl)",
            conversion: "context + question → text, answer → pair; correct (1) vs one random wrong answer (0); the jsonl challenge set is the pool (train missing); grouped by passage.",
            files: ["challenge.jsonl"], hasTrainSplit: false) { folder, name in
            let url = Convert.file(folder, "challenge.jsonl")
            var examples: [Example] = []
            for (line, o) in try JSONLinesReader.objects(url) {
                let context = try Convert.string(o, "context", url, line), question = try Convert.string(o, "question", url, line)
                guard let answers = o["answers"] as? [String], let correctText = o["correct_answer_id"],
                      let correct = Int("\(correctText)") else {
                    throw DatasetError.malformed(file: url, line: line, what: "missing answers or correct_answer_id")
                }
                examples += Convert.multipleChoice(dataset: name, groupID: o["context_id"] as? String ?? "\(line)",
                                                   text: context + "\nQuestion: " + question, candidates: answers, correct: correct)
            }
            return ConvertedDataset(train: nil, evaluation: examples)
        },
    ]
}
