import XCTest
import Foundation
import Datasets

/// Bad user files get errors that name the file (and line) and say what to fix.
final class BadInputTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("w2s-bad-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    func write(_ name: String, _ content: String) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try Data(content.utf8).write(to: url)
        return url
    }

    func assertError(_ url: URL, contains fragments: [String], format: UserDatasetFormat = UserDatasetFormat(),
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try loadUserDataset(file: url, format: format), file: file, line: line) { error in
            let message = "\(error)"
            for f in fragments { XCTAssertTrue(message.contains(f), "'\(message)' lacks '\(f)'", file: file, line: line) }
        }
    }

    func testGoodFilesInThreeFormats() throws {
        let jsonl = try write("good.jsonl", "{\"text\": \"a\", \"label\": 1}\n{\"text\": \"b\", \"label\": 0}\n\n")
        XCTAssertEqual(try loadUserDataset(file: jsonl).map(\.label), [1, 0])
        let csv = try write("good.csv", "text,label\n\"hello, \"\"world\"\"\nsecond line\",positive\nbye,negative\n")
        let examples = try loadUserDataset(file: csv)
        XCTAssertEqual(examples.first?.text, "hello, \"world\"\nsecond line")
        XCTAssertEqual(examples.map(\.label), [1, 0], "named classes map in sorted order: negative 0, positive 1")
        let tsv = try write("good.tsv", "sentence\tpremise\ty\nx\tp\ttrue\nz\tq\tfalse\n")
        let pairs = try loadUserDataset(file: tsv, format: UserDatasetFormat(textColumn: "sentence", pairColumn: "premise", labelColumn: "y"))
        XCTAssertEqual(pairs.map(\.pairText), ["p", "q"])
    }

    func testMalformedJSONLine() throws {
        assertError(try write("m.jsonl", "{\"text\": \"a\", \"label\": 1}\n{\"text\": broken\n"), contains: ["m.jsonl:2", "JSON"])
    }

    func testMissingColumn() throws {
        assertError(try write("c.csv", "sentence,label\nx,1\ny,0\n"), contains: ["c.csv", "'text'", "sentence"])
    }

    func testLabelOutsideTwoClasses() throws {
        assertError(try write("l.csv", "text,label\na,1\nb,0\nc,2\n"), contains: ["l.csv:4", "'2'"])
    }

    func testOneClassFile() throws {
        assertError(try write("o.jsonl", "{\"text\": \"a\", \"label\": 1}\n{\"text\": \"b\", \"label\": 1}\n"), contains: ["o.jsonl", "both classes"])
    }

    func testEmptyFile() throws {
        assertError(try write("e.jsonl", ""), contains: ["e.jsonl", "no examples"])
        assertError(try write("e.csv", ""), contains: ["e.csv", "no examples"])
    }

    func testNonUTF8Bytes() throws {
        let url = directory.appendingPathComponent("b.csv")
        var bytes = Data("text,label\nfine,1\n".utf8)
        bytes.append(contentsOf: [0x62, 0xFF, 0xFE, 0x2C, 0x30, 0x0A])
        try bytes.write(to: url)
        assertError(url, contains: ["b.csv:3", "UTF-8"])
    }

    func testUnterminatedQuote() throws {
        assertError(try write("q.csv", "text,label\n\"never closed,1\n"), contains: ["q.csv:2", "unterminated"])
    }

    func testMissingDatasetFolderNamesFiles() throws {
        XCTAssertThrowsError(try DatasetRegistry.standard.load("sciq", dataDirectory: directory, seed: 0)) { error in
            XCTAssertTrue("\(error)".contains("valid.json"), "\(error)")
            XCTAssertTrue("\(error)".contains(self.directory.path), "\(error)")
        }
        XCTAssertThrowsError(try DatasetRegistry.standard.definition("imagenet"))
    }

    func testCorruptPublishedFileNamesLine() throws {
        let folder = directory.appendingPathComponent("boolq")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data("{\"question\": \"q\", \"passage\": \"p\", \"label\": true}\n{oops\n".utf8).write(to: folder.appendingPathComponent("val.jsonl"))
        XCTAssertThrowsError(try DatasetRegistry.standard.load("boolq", dataDirectory: directory, seed: 0)) { error in
            XCTAssertTrue("\(error)".contains("val.jsonl:2"), "\(error)")
        }
    }
}
