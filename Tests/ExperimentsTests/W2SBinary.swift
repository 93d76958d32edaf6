import XCTest
import Foundation

/// The release `w2s` of this checkout (`swift test -c release` builds it; scripts/setup.sh too).
func w2sBinary() throws -> URL {
    var directory = URL(fileURLWithPath: #filePath)
    while directory.path != "/" {
        directory.deleteLastPathComponent()
        let candidate = directory.appendingPathComponent(".build/release/w2s")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    throw XCTSkip("no .build/release/w2s: build it with `swift build -c release --product w2s`")
}
