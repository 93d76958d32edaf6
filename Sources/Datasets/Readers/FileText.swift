import Foundation

/// Reads published files strictly: UTF-8 checked, line numbers kept for errors.
enum FileText {
    static func read(_ url: URL) throws -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw DatasetError.unreadable(file: url, reason: "no such file")
        }
        guard !isDirectory.boolValue else { throw DatasetError.isDirectory(file: url) }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw DatasetError.unreadable(file: url, reason: error.localizedDescription)
        }
        // Classic Mac files end lines with CR alone: every reader would see one line.
        if data.contains(0x0D) && !data.contains(0x0A) { throw DatasetError.carriageReturnLineEndings(file: url) }
        guard let text = String(data: data, encoding: .utf8) else {
            // Find the line of the first invalid byte for the error message.
            var line = 1
            var start = data.startIndex
            for (i, byte) in data.enumerated() where byte == 0x0A {
                if String(data: data[start..<data.index(data.startIndex, offsetBy: i)], encoding: .utf8) == nil { break }
                line += 1
                start = data.index(data.startIndex, offsetBy: i + 1)
            }
            throw DatasetError.notUTF8(file: url, line: line)
        }
        return text
    }
}
