import Determinism

/// One binary example. `text` (and the optional second segment `pairText`, fed to the tokenizer as a
/// pair so truncation spares it) is what the model reads; `groupID` names the source question or
/// passage so that everything derived from it stays in one split.
public struct Example: Sendable, Hashable, Codable {
    public let id: String
    public let groupID: String
    public let text: String
    public let pairText: String?
    public let label: Int

    public init(dataset: String, groupID: String, text: String, pairText: String?, label: Int) {
        precondition(label == 0 || label == 1, "binary labels only")
        var h = ContentHash()
        h.combine(dataset); h.combine(groupID); h.combine(text); h.combine(pairText ?? "\u{0}")
        self.id = "\(dataset)-\(h.shortHex)"
        self.groupID = groupID
        self.text = text
        self.pairText = pairText
        self.label = label
    }

    public init(id: String, groupID: String, text: String, pairText: String?, label: Int) {
        self.id = id; self.groupID = groupID; self.text = text; self.pairText = pairText; self.label = label
    }
}
