import Foundation

/// Where the raw datasets are read from, in this order: `--data-dir`, else `$W2S_DATA`, else the download cache
/// (`~/.cache/w2s/datasets`, filled by `w2s datasets download`), else a `shared/datasets` found from the working
/// directory upwards (or beside it, as `../shared/datasets`).
///
/// `--data-dir` and `$W2S_DATA` are taken as given. Between the cache and the shared folder the choice is made per
/// request: the first that holds every requested dataset, else the one holding most of them, else the cache (where
/// `w2s datasets download` puts what is missing). So a cache holding only the demo's datasets never hides the
/// shared folder's others. A dataset missing from the chosen folder is an error naming the download command.
public enum DataDirectory {
    public static let environmentVariable = "W2S_DATA"

    /// `~/.cache/w2s/datasets` (`$HOME` first).
    public static func cache(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser
        return home.appendingPathComponent(".cache/w2s/datasets")
    }

    /// Where `w2s datasets download` writes: `--data-dir`, else `$W2S_DATA`, else the cache. Never the shared folder.
    public static func downloadTarget(_ explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let explicit, !explicit.isEmpty { return URL(fileURLWithPath: explicit).standardizedFileURL }
        if let env = environment[environmentVariable], !env.isEmpty { return URL(fileURLWithPath: env).standardizedFileURL }
        return cache(environment: environment).standardizedFileURL
    }

    /// A `shared/datasets` (or `../shared/datasets`) found from `start` upwards, recognised by its INDEX.md or sst2/.
    public static func shared(from start: String = FileManager.default.currentDirectoryPath) -> URL? {
        let fm = FileManager.default
        var directory = URL(fileURLWithPath: start)
        for _ in 0..<6 {
            for candidate in [directory.appendingPathComponent("shared/datasets"),
                              directory.appendingPathComponent("../shared/datasets").standardized] {
                if fm.fileExists(atPath: candidate.appendingPathComponent("INDEX.md").path)
                    || fm.fileExists(atPath: candidate.appendingPathComponent("sst2").path) { return candidate }
            }
            directory = directory.deletingLastPathComponent()
        }
        return nil
    }

    /// The folders searched when neither `--data-dir` nor `$W2S_DATA` is given: the cache, then the shared folder.
    public static func defaultCandidates(environment: [String: String] = ProcessInfo.processInfo.environment) -> [URL] {
        [cache(environment: environment).standardizedFileURL] + (shared().map { [$0] } ?? [])
    }

    /// The folder to read `datasets` from (default: every registered dataset). Never fails: when no folder holds
    /// a dataset, reading it fails with `DatasetError.missingFiles`, which names the download command.
    public static func resolve(_ explicit: String?, for datasets: [String]? = nil,
                               environment: [String: String] = ProcessInfo.processInfo.environment) throws -> URL {
        if let explicit, !explicit.isEmpty { return URL(fileURLWithPath: explicit) }
        if let env = environment[environmentVariable], !env.isEmpty { return URL(fileURLWithPath: env) }
        let wanted = datasets ?? DatasetRegistry.standard.names()
        let candidates = defaultCandidates(environment: environment)
        let held = candidates.map { folder in wanted.filter { DatasetRegistry.standard.isPresent($0, dataDirectory: folder) }.count }
        guard let most = held.max(), most > 0 else { return candidates[0] }
        return candidates[held.firstIndex(of: most)!]
    }

    /// The shell command that downloads `dataset` into `dataDirectory` (with `--data-dir` unless it is the default target).
    public static func downloadCommand(_ dataset: String, into dataDirectory: URL,
                                       environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let isDefault = dataDirectory.standardizedFileURL.path == downloadTarget(nil, environment: environment).path
        return "w2s datasets download \(dataset)" + (isDefault ? "" : " --data-dir \(shellQuoted(dataDirectory.path))")
    }

    static func shellQuoted(_ text: String) -> String {
        text.allSatisfy { $0.isLetter || $0.isNumber || "/._-+:@".contains($0) } ? text
            : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
