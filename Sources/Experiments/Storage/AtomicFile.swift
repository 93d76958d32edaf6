import Foundation

/// Writes that never leave a half-written file: write a sibling temporary file, then rename over
/// the destination (rename is atomic within one filesystem).
public enum AtomicFile {
    public static func write(_ data: Data, to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(UInt32.random(in: 0...UInt32.max)).tmp")
        do {
            try data.write(to: temporary)
            if rename(temporary.path, url.path) != 0 {
                throw ExperimentError.io(url, String(cString: strerror(errno)))
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }

    public static func writeJSON<T: Encodable>(_ value: T, to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try write(try encoder.encode(value), to: url)
    }

    public static func readJSON<T: Decodable>(_ type: T.Type, from url: URL) throws -> T {
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw ExperimentError.io(url, "cannot read: \(error.localizedDescription)") }
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw ExperimentError.corrupt(url, "\(error)")
        }
    }
}

public enum ExperimentError: Error, CustomStringConvertible {
    case io(URL, String)
    case corrupt(URL, String)
    case invalid(String)

    public var description: String {
        switch self {
        case let .io(url, why): return "\(url.path): \(why)"
        case let .corrupt(url, why):
            return "\(url.path) is corrupt (\(why)). Delete it; the stage that wrote it will run again."
        case let .invalid(why): return why
        }
    }
}
