import ArgumentParser
import Datasets

/// Column names of a researcher's own .jsonl/.csv/.tsv file (`run`, `demo`, `datasets show`).
struct UserFileOptions: ParsableArguments {
    @Option(help: "Your own .jsonl/.csv/.tsv files: the text column.") var textColumn = "text"
    @Option(help: "Your own files: an optional second text column, tokenized as a pair with the first.") var pairColumn: String?
    @Option(help: "Your own files: the label column (0/1, true/false, or two class names: sorted, the first is 0).") var labelColumn = "label"
    @Option(help: "Your own files: a column naming the source question; rows sharing it stay in one split (default: each row alone).")
    var groupColumn: String?

    var format: UserDatasetFormat {
        UserDatasetFormat(textColumn: textColumn, pairColumn: pairColumn, labelColumn: labelColumn, groupColumn: groupColumn)
    }
}
