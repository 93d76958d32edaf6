import Determinism
import Foundation

/// The few HTML pieces the report is made of. Every piece of text that comes from a run (dataset names, file
/// names, arm ids, errors, configuration values) goes through `escape`: a dataset called `<script>` or an error
/// quoting a file's contents must show as text, never run.
enum HTML {
    /// Text for element content and for attribute values in double or single quotes.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    /// An id for an in-page link, from any text: letters, digits and dashes only.
    static func anchor(_ prefix: String, _ text: String) -> String {
        let cleaned = text.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) && $0.isASCII ? Character($0) : "-" }
        // The hash keeps two names that clean to the same letters ("a b", "a-b") apart.
        return prefix + "-" + String(cleaned) + "-" + ContentHash.of(text).prefix(6)
    }

    /// A sortable table (the page's script sorts it when a header is clicked).
    struct Table {
        struct Column {
            var title: String
            /// A tooltip explaining the column.
            var help: String? = nil
            var numeric = false
        }

        struct Cell {
            /// Already escaped HTML.
            var html: String
            /// What the column sorts by ("" sorts last); nil: the cell's text.
            var sortKey: String? = nil
            var cssClass: String? = nil

            static func text(_ s: String, cssClass: String? = nil) -> Cell { Cell(html: escape(s), cssClass: cssClass) }
            static func number(_ x: Double?, _ html: String, cssClass: String? = nil) -> Cell {
                Cell(html: html, sortKey: x.flatMap { $0.isFinite ? "\($0)" : nil } ?? "", cssClass: cssClass)
            }
        }

        var columns: [Column]
        var rows: [[Cell]]
        /// A class per row (nil: none); the report dims the reference rows (weak, ceiling).
        var rowClasses: [String?] = []
        var cssClass = "sortable"

        func render() -> String {
            var html = "<div class=\"table-wrap\"><table class=\"\(cssClass)\">\n<thead><tr>"
            for c in columns {
                html += "<th\(c.numeric ? " class=\"num\"" : "")\(c.help.map { " title=\"\(escape($0))\"" } ?? "")>\(escape(c.title))</th>"
            }
            html += "</tr></thead>\n<tbody>\n"
            for (r, row) in rows.enumerated() {
                let rowClass = r < rowClasses.count ? rowClasses[r] : nil
                html += rowClass.map { "<tr class=\"\(escape($0))\">" } ?? "<tr>"
                for (i, cell) in row.enumerated() {
                    var classes = [cell.cssClass].compactMap { $0 }
                    if i < columns.count, columns[i].numeric { classes.append("num") }
                    html += "<td\(classes.isEmpty ? "" : " class=\"\(classes.joined(separator: " "))\"")"
                        + "\(cell.sortKey.map { " data-sort=\"\(escape($0))\"" } ?? "")>\(cell.html)</td>"
                }
                html += "</tr>\n"
            }
            return html + "</tbody></table></div>\n"
        }
    }
}
