import Foundation

/// ETHICS (Hendrycks et al.): each sub-task is its own registry entry.
enum EthicsConverters {
    static func labelled(_ url: URL, name: String, text: @escaping ([String: String]) -> (String, String?)) throws -> [Example] {
        let (header, rows) = try DelimitedReader.records(url, separator: ",")
        return try rows.map { line, r in
            let label = try Convert.column(r, "label", url, header: header)
            guard label == "0" || label == "1" else { throw DatasetError.badLabel(file: url, line: line, value: label, allowed: "0/1") }
            let (a, b) = text(r)
            return Example(dataset: name, groupID: a + "|" + (b ?? ""), text: a, pairText: b, label: Int(label)!)
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
                try labelled(Convert.file(folder, $0), name: name) { (($0["input"] ?? ""), nil) }
            })
        },

        DatasetDefinition(
            name: "ethics_justice", folder: "ethics", summary: "ETHICS justice",
            conversion: "scenario → reasonable (1) / unreasonable (0); justice_train is the training pool, justice_test the test pool.",
            files: ["justice/justice_train.csv", "justice/justice_test.csv"], hasTrainSplit: true) { folder, name in
            ConvertedDataset(train: try labelled(Convert.file(folder, "justice/justice_train.csv"), name: name) { ($0["scenario"] ?? "", nil) },
                             evaluation: try labelled(Convert.file(folder, "justice/justice_test.csv"), name: name) { ($0["scenario"] ?? "", nil) })
        },

        DatasetDefinition(
            name: "ethics_deontology", folder: "ethics", summary: "ETHICS deontology",
            conversion: "request → text, excuse → pair; reasonable (1) / unreasonable (0); deontology_train is the training pool, deontology_test the test pool; grouped by request.",
            files: ["deontology/deontology_train.csv", "deontology/deontology_test.csv"], hasTrainSplit: true) { folder, name in
            func load(_ f: String) throws -> [Example] {
                try labelled(Convert.file(folder, f), name: name) { ($0["scenario"] ?? "", $0["excuse"] ?? "") }
                    .map { Example(id: $0.id, groupID: $0.text, text: $0.text, pairText: $0.pairText, label: $0.label) }
            }
            return ConvertedDataset(train: try load("deontology/deontology_train.csv"), evaluation: try load("deontology/deontology_test.csv"))
        },

        DatasetDefinition(
            name: "ethics_virtue", folder: "ethics", summary: "ETHICS virtue",
            conversion: "scenario → text, trait → pair (split at \" [SEP] \"); the trait fits (1) / does not (0); virtue_train is the training pool, virtue_test the test pool; grouped by scenario.",
            files: ["virtue/virtue_train.csv", "virtue/virtue_test.csv"], hasTrainSplit: true) { folder, name in
            func load(_ f: String) throws -> [Example] {
                try labelled(Convert.file(folder, f), name: name) { r in
                    let parts = (r["scenario"] ?? "").components(separatedBy: " [SEP] ")
                    return (parts[0], parts.count > 1 ? parts[1] : "")
                }.map { Example(id: $0.id, groupID: $0.text, text: $0.text, pairText: $0.pairText, label: $0.label) }
            }
            return ConvertedDataset(train: try load("virtue/virtue_train.csv"), evaluation: try load("virtue/virtue_test.csv"))
        },
    ]
}
