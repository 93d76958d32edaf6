import XCTest
import Foundation
import Transformers

/// Installed model directories; a missing model fails the test with the command that fixes it.
func installedModel(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> URL {
    let root = ProcessInfo.processInfo.environment["W2S_MODELS"].map { URL(fileURLWithPath: $0) }
        ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/w2s/models")
    let directory = root.appendingPathComponent(name)
    guard WeightsFile.names.contains(where: { FileManager.default.fileExists(atPath: directory.appendingPathComponent($0).path) }) else {
        XCTFail("model \(name) is not installed in \(root.path): run `swift run -c release w2s models install`",
                file: file, line: line)
        throw XCTSkip("model missing")
    }
    return directory
}

func fixture(_ name: String) throws -> Any {
    guard let url = Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil) else {
        throw NSError(domain: "fixtures", code: 1, userInfo: [NSLocalizedDescriptionKey: "fixture \(name) missing"])
    }
    return try JSONSerialization.jsonObject(with: Data(contentsOf: url))
}
