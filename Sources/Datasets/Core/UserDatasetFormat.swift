/// A researcher's own data: JSONL, CSV or TSV with a text column (optionally a second text column)
/// and a binary label column (0/1, true/false, or exactly two named classes, sorted: first → 0).
public struct UserDatasetFormat: Sendable {
    public var textColumn = "text"
    public var pairColumn: String? = nil
    public var labelColumn = "label"
    public var groupColumn: String? = nil
    public init(textColumn: String = "text", pairColumn: String? = nil, labelColumn: String = "label", groupColumn: String? = nil) {
        self.textColumn = textColumn; self.pairColumn = pairColumn; self.labelColumn = labelColumn; self.groupColumn = groupColumn
    }
}
