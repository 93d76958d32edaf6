/// RFC 4180 CSV, the dialect pandas, R and spreadsheets read by default: a field with a comma, a double quote or
/// a line break is quoted and its quotes doubled. Arm ids need it: a loss label lists its non-default parameters
/// with commas (`student-logconf(α=0.3,warm-up=0.6)`), and errors span lines.
enum CSV {
    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func line(_ fields: [String]) -> String { fields.map(field).joined(separator: ",") + "\n" }

    /// The records of a CSV text: quoted fields may hold commas, doubled quotes and line breaks.
    static func records(_ text: String) -> [[String]] {
        var records: [[String]] = [], record: [String] = [], field = "", quoted = false, fieldStarted = false
        var characters = text.makeIterator()
        var pending: Character? = nil
        func next() -> Character? {
            if let p = pending { pending = nil; return p }
            return characters.next()
        }
        while let c = next() {
            if quoted {
                if c == "\"" {
                    let following = next()
                    if following == "\"" { field.append("\"") } else { quoted = false; pending = following }
                } else {
                    field.append(c)
                }
                continue
            }
            switch c {
            case "\"" where field.isEmpty: quoted = true; fieldStarted = true
            case ",": record.append(field); field = ""; fieldStarted = true
            case "\n", "\r\n", "\r":
                if fieldStarted || !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
                record = []; field = ""; fieldStarted = false
            default: field.append(c); fieldStarted = true
            }
        }
        if fieldStarted || !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
        return records
    }
}
