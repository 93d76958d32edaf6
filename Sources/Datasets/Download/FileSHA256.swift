import Foundation

/// sha256 of a file as 64 lowercase hex digits, by coreutils' `sha256sum` (the CPU's SHA instructions; the
/// file on standard input, so no path needs quoting). Transformers' `FileDigest.sha256sum` does the same for
/// model files; Datasets depends on neither.
public enum FileSHA256 {
    public static func of(_ url: URL) throws -> String {
        let input: FileHandle
        do { input = try FileHandle(forReadingFrom: url) } catch {
            throw DownloadError.io(path: url.path, message: "cannot read the file (\(error.localizedDescription))")
        }
        defer { try? input.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sha256sum"]
        process.standardInput = input
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch {
            throw DownloadError.tool("cannot start sha256sum (\(error.localizedDescription)); install coreutils")
        }
        let out = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let digest = String(decoding: out, as: UTF8.self).split(separator: " ").first.map(String.init) ?? ""
        guard process.terminationStatus == 0, digest.count == 64 else {
            throw DownloadError.tool("sha256sum of \(url.path) failed (exit \(process.terminationStatus)); is coreutils installed?")
        }
        return digest
    }
}
