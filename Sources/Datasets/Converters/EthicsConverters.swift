import Foundation

/// ETHICS (Hendrycks et al.): each sub-task is its own registry entry.
enum EthicsConverters {
    /// Every task's files come from one copy of the authors' ethics.tar (a mirror repository, read at the commit
    /// that added them).
    static func source(_ files: [DatasetSource.File]) -> DatasetSource {
        .github("oughtinc/ice", commit: "5449543c71c039753603ab57344147a1156bfb46",
                licence: .init("not stated in the source (README.txt); the authors' repository is MIT-licensed (unverified)"),
                files: files)
    }

    /// A labelled ETHICS file: `text` reads a row's text and pair. Ids hash the text and pair as the group;
    /// `groupedByText` then groups the examples by their text alone (every excuse or trait of one scenario).
    static func labelled(_ url: URL, name: String, groupedByText: Bool = false,
                         text: (TableRow) throws -> (String, String?)) throws -> [Example] {
        try DelimitedReader.table(url, separator: ",").compactMap { r in
            guard let label = try LabelCodes.zeroOne.label(try r["label"], url, line: r.line) else { return nil }
            let (a, b) = try text(r)
            let e = Example(dataset: name, groupID: a + "|" + (b ?? ""), text: a, pairText: b, label: label)
            return groupedByText ? Example(id: e.id, groupID: e.text, text: e.text, pairText: e.pairText, label: e.label) : e
        }
    }

    /// Registered in this order (`DatasetRegistry.standard`): defining a dataset here is the whole of adding it.
    static let all: [DatasetDefinition] = [
        DatasetDefinition(
            name: "ethics_commonsense", folder: "ethics",
            summary: "ETHICS commonsense morality",
            conversion: "scenario → clearly wrong (1) / not wrong (0); the commonsense train split is missing, every split carved from cm_test + cm_test_hard.",
            source: source([
                .init("commonsense/cm_test.csv", path: "ethics/commonsense/cm_test.csv", bytes: 3177263, sha256: "aa521e2a45f0aa34c9b055d8022012044f705b35767627cf48919a1102b89115"),
                .init("commonsense/cm_test_hard.csv", path: "ethics/commonsense/cm_test_hard.csv", bytes: 3893595, sha256: "9689b2d7b72f3f21796c31cdc21522d8e11296fba21aa8bc3d9e8f0b9071b522"),
            ]),
            hasTrainSplit: false) { folder, name in
            ConvertedDataset(train: nil, evaluation: try ["commonsense/cm_test.csv", "commonsense/cm_test_hard.csv"].flatMap {
                try labelled(Convert.file(folder, $0), name: name) { (try $0["input"], nil) }
            })
        },

        DatasetDefinition(
            name: "ethics_justice", folder: "ethics", summary: "ETHICS justice",
            conversion: "scenario → reasonable (1) / unreasonable (0); justice_train is the training pool, justice_test the test pool.",
            source: source([
                .init("justice/justice_train.csv", path: "ethics/justice/justice_train.csv", bytes: 2330717, sha256: "d945f01ce0779cc9f41f854878d692bf88e172d8323f617900c125abbd383d47"),
                .init("justice/justice_test.csv", path: "ethics/justice/justice_test.csv", bytes: 286706, sha256: "d7cc506a1055915d455a9244b26de573c75a760d416a8508a9420d41cbf40250"),
            ]),
            hasTrainSplit: true) { folder, name in
            func load(_ f: String) throws -> [Example] { try labelled(Convert.file(folder, f), name: name) { (try $0["scenario"], nil) } }
            return ConvertedDataset(train: try load("justice/justice_train.csv"), evaluation: try load("justice/justice_test.csv"))
        },

        DatasetDefinition(
            name: "ethics_deontology", folder: "ethics", summary: "ETHICS deontology",
            conversion: "request → text, excuse → pair; reasonable (1) / unreasonable (0); deontology_train is the training pool, deontology_test the test pool; grouped by request.",
            source: source([
                .init("deontology/deontology_train.csv", path: "ethics/deontology/deontology_train.csv", bytes: 1707427, sha256: "f8433623e0daa3111818da3f6ea29eb724280f8fd288336806130a752e9eaffd"),
                .init("deontology/deontology_test.csv", path: "ethics/deontology/deontology_test.csv", bytes: 340017, sha256: "2b3be27cb1c8386919f164398c4f47b2a7d1e920515ac0a958b121866e8f7455"),
            ]),
            hasTrainSplit: true) { folder, name in
            func load(_ f: String) throws -> [Example] {
                try labelled(Convert.file(folder, f), name: name, groupedByText: true) { (try $0["scenario"], try $0["excuse"]) }
            }
            return ConvertedDataset(train: try load("deontology/deontology_train.csv"), evaluation: try load("deontology/deontology_test.csv"))
        },

        DatasetDefinition(
            name: "ethics_virtue", folder: "ethics", summary: "ETHICS virtue",
            conversion: "scenario → text, trait → pair (split at \" [SEP] \"); the trait fits (1) / does not (0); virtue_train is the training pool, virtue_test the test pool; grouped by scenario.",
            source: source([
                .init("virtue/virtue_train.csv", path: "ethics/virtue/virtue_train.csv", bytes: 2485512, sha256: "b666df098c9d4128fe35cabe800f977648adc5a2fa11c1dd0aaf1300717b93ba"),
                .init("virtue/virtue_test.csv", path: "ethics/virtue/virtue_test.csv", bytes: 446402, sha256: "dea8526e233107b1747ba1d8e7c3031d75d306d5e68143b18a0f118007fc9470"),
            ]),
            hasTrainSplit: true) { folder, name in
            func load(_ f: String) throws -> [Example] {
                try labelled(Convert.file(folder, f), name: name, groupedByText: true) { r in
                    let parts = try r["scenario"].components(separatedBy: " [SEP] ")
                    return (parts.first ?? "", parts.count > 1 ? parts[1] : "")
                }
            }
            return ConvertedDataset(train: try load("virtue/virtue_train.csv"), evaluation: try load("virtue/virtue_test.csv"))
        },
    ]
}
