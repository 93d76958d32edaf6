import Foundation

/// sha256 of a file as 64 lowercase hex digits, by coreutils' `sha256sum` (the CPU's SHA instructions: ~0.3 s for
/// 100 MB), the file given on standard input so no path needs quoting. The one file hash of the toolkit: model
/// verification (Transformers) and dataset downloads (Datasets) wrap its failure in their own errors.
public enum FileSHA256 {
    /// Why a file could not be hashed, said for a person.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public static func of(_ url: URL) throws -> String {
        let input: FileHandle
        do { input = try FileHandle(forReadingFrom: url) } catch {
            throw Failure(description: "cannot read \(url.path) (\(error.localizedDescription))")
        }
        defer { try? input.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sha256sum"]
        process.standardInput = input
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do { try process.run() } catch {
            throw Failure(description: "cannot start sha256sum (\(error.localizedDescription)); install coreutils")
        }
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let digest = String(decoding: out, as: UTF8.self).split(separator: " ").first.map(String.init) ?? ""
        guard process.terminationStatus == 0, digest.count == 64 else {
            throw Failure(description: "sha256sum of \(url.path) failed (exit \(process.terminationStatus)): \(String(decoding: err, as: UTF8.self).suffix(300))")
        }
        return digest
    }
}
