import Foundation

/// Messages for the person at the terminal (progress, failures, notes). Buffered standard output is flushed first,
/// so a message lands after everything printed before it when both streams go to one file: `w2s results > out 2>&1`
/// once wrote "SQLite index of these runs: …" into the middle of a result row.
public enum StandardError {
    public static func write(_ text: String) {
        fflush(nil)
        FileHandle.standardError.write(Data(text.utf8))
    }
}
