import Foundation

/// Where the raw datasets are: --data-dir, else a `shared/datasets` found from the working directory
/// upwards (or beside it, as `../shared/datasets`), else $W2S_DATA.
public enum DataDirectory {
    public static func resolve(_ explicit: String?) throws -> URL {
        let fm = FileManager.default
        if let explicit {
            let url = URL(fileURLWithPath: explicit)
            guard fm.fileExists(atPath: url.path) else { throw DatasetError.noDataDirectory(tried: [url.path]) }
            return url
        }
        var tried: [String] = []
        var directory = URL(fileURLWithPath: fm.currentDirectoryPath)
        for _ in 0..<6 {
            for candidate in [directory.appendingPathComponent("shared/datasets"),
                              directory.appendingPathComponent("../shared/datasets").standardized] {
                tried.append(candidate.path)
                if fm.fileExists(atPath: candidate.appendingPathComponent("INDEX.md").path)
                    || fm.fileExists(atPath: candidate.appendingPathComponent("sst2").path) { return candidate }
            }
            directory = directory.deletingLastPathComponent()
        }
        if let env = ProcessInfo.processInfo.environment["W2S_DATA"], fm.fileExists(atPath: env) {
            return URL(fileURLWithPath: env)
        }
        tried.append("$W2S_DATA")
        throw DatasetError.noDataDirectory(tried: Array(tried.prefix(3)) + ["$W2S_DATA"])
    }
}
