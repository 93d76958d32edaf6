import Foundation

/// One row of a CSV/TSV file with a header: its values by column name, and where it stands, for errors.
struct TableRow {
    let file: URL
    let line: Int
    let header: [String]
    let values: [String: String]

    /// The value in `column`; a column the header lacks is an error naming the file and the columns it has.
    subscript(column: String) -> String {
        get throws {
            guard let value = values[column] else { throw DatasetError.missingColumn(file: file, column: column, available: header) }
            return value
        }
    }
}
