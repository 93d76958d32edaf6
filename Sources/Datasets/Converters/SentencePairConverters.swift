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
            source: .github("facebookresearch/anli", commit: "b5ce27af54a53bd495af7260fdc485000eed15f8",
                            licence: .nonCommercial("CC BY-NC 4.0 (LICENSE)"),
                            files: [
                                .init("ANLI_analysis_r2_dev.csv", path: "anlizinganli/anli_annot_v0.2/ANLI_analysis_r2_dev.csv", bytes: 1292676, sha256: "da676b66bdb0ffab045aa6500425115efe20665355bff15dce16b05cf9819984"),
                            ]),
            hasTrainSplit: false) { folder, name in
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
            source: .github("DavidHe137/mice", commit: "e70addc73cae5c9dab5c64ccd7fe2e4bd660ad2c",
                            licence: .nonCommercial("not stated in the source (a copy of SuperGLUE's WiC); upstream WiC is CC BY-NC 4.0 (unverified)"),
                            files: [
                                .init("train.jsonl", path: "data/WiC/train.jsonl", bytes: 1211413, sha256: "ce301970aaf361ade6c1d218fe15c50b185b14a4bcb618c5785a8484a46f9943"),
                                .init("val.jsonl", path: "data/WiC/val.jsonl", bytes: 146302, sha256: "9f7207c88beba42cbc139de4c62ce05b23bffc189b3d561594b160e0c3920c0b"),
                            ]),
            hasTrainSplit: true) { folder, name in
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
