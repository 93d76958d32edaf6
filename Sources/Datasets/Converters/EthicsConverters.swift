import Foundation

/// ETHICS (Hendrycks et al.): each sub-task is its own registry entry.
enum EthicsConverters {
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
            files: ["commonsense/cm_test.csv", "commonsense/cm_test_hard.csv"], hasTrainSplit: false) { folder, name in
            ConvertedDataset(train: nil, evaluation: try ["commonsense/cm_test.csv", "commonsense/cm_test_hard.csv"].flatMap {
                try labelled(Convert.file(folder, $0), name: name) { (try $0["input"], nil) }
            })
        },

        DatasetDefinition(
            name: "ethics_justice", folder: "ethics", summary: "ETHICS justice",
            conversion: "scenario → reasonable (1) / unreasonable (0); justice_train is the training pool, justice_test the test pool.",
            files: ["justice/justice_train.csv", "justice/justice_test.csv"], hasTrainSplit: true) { folder, name in
            func load(_ f: String) throws -> [Example] { try labelled(Convert.file(folder, f), name: name) { (try $0["scenario"], nil) } }
            return ConvertedDataset(train: try load("justice/justice_train.csv"), evaluation: try load("justice/justice_test.csv"))
        },

        DatasetDefinition(
            name: "ethics_deontology", folder: "ethics", summary: "ETHICS deontology",
            conversion: "request → text, excuse → pair; reasonable (1) / unreasonable (0); deontology_train is the training pool, deontology_test the test pool; grouped by request.",
            files: ["deontology/deontology_train.csv", "deontology/deontology_test.csv"], hasTrainSplit: true) { folder, name in
            func load(_ f: String) throws -> [Example] {
                try labelled(Convert.file(folder, f), name: name, groupedByText: true) { (try $0["scenario"], try $0["excuse"]) }
            }
            return ConvertedDataset(train: try load("deontology/deontology_train.csv"), evaluation: try load("deontology/deontology_test.csv"))
        },

        DatasetDefinition(
            name: "ethics_virtue", folder: "ethics", summary: "ETHICS virtue",
            conversion: "scenario → text, trait → pair (split at \" [SEP] \"); the trait fits (1) / does not (0); virtue_train is the training pool, virtue_test the test pool; grouped by scenario.",
            files: ["virtue/virtue_train.csv", "virtue/virtue_test.csv"], hasTrainSplit: true) { folder, name in
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
