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

    /// A quote that never closes where its field ends must not swallow the rows after it into one example.
    func testUnterminatedQuoteMergingRowsNamesTheLineItOpened() throws {
        // The quote opened on line 2 is closed only by the quote opening line 4's field: today one example "oops,1\nb,0\nc".
        assertError(try write("m.csv", "text,label\n\"oops,1\nb,0\n\"c\",1\nd,0\n"), contains: ["m.csv:2:", "quote", "\"\""])
        // An undoubled quote inside a quoted field.
        assertError(try write("i.csv", "text,label\n\"he said \"hi\" twice\",1\nd,0\n"), contains: ["i.csv:2:", "quote"])
        // The row starts on line 2; the unclosed quote opens on line 3.
        assertError(try write("o.csv", "text,label\n\"a\nb\",\"1\nc,0\n"), contains: ["o.csv:3:", "quote"])
    }

    func testQuotedFieldsStillRead() throws {
        let csv = try write("ok.csv", "text,label\r\n\"a, \"\"b\"\"\",1\r\n\"\"\"x\"\"\",0\r\n\"c\" ,1\r\n")
        let examples = try loadUserDataset(file: csv)
        XCTAssertEqual(examples.map(\.text), ["a, \"b\"", "\"x\"", "c"])
        XCTAssertEqual(examples.map(\.label), [1, 0, 1])
    }

    /// `1`/`nan` must not become two classes (nan sorts after 1, so every label would be inverted).
    func testNaNAndInfiniteLabelsAreMissing() throws {
        assertError(try write("n.csv", "text,label\na,1\nb,nan\nc,1\nd,NaN\n"), contains: ["n.csv:3:", "NaN", "label"])
        assertError(try write("f.csv", "text,label\na,0\nb,inf\nc,0\n"), contains: ["f.csv:3:", "infinite", "label"])
        assertError(try write("g.tsv", "text\tlabel\na\t-Infinity\nb\t1\n"), contains: ["g.tsv:2:", "infinite"])
    }

    /// `1`/empty must not make "empty" a class.
    func testEmptyLabelsAreMissing() throws {
        assertError(try write("e1.csv", "text,label\na,1\nb,\nc,1\n"), contains: ["e1.csv:3:", "empty", "label"])
        assertError(try write("e2.tsv", "text\tlabel\na\t1\nb\t  \nc\t0\n"), contains: ["e2.tsv:3:", "empty"])
        assertError(try write("e3.jsonl", "{\"text\": \"a\", \"label\": 1}\n{\"text\": \"b\", \"label\": null}\n{\"text\": \"c\", \"label\": 0}\n"),
                    contains: ["e3.jsonl:2:", "null", "label"])
        assertError(try write("e4.jsonl", "{\"text\": \"a\", \"label\": \"yes\"}\n{\"text\": \"b\", \"label\": \"\"}\n"),
                    contains: ["e4.jsonl:2:", "empty"])
    }

    func testDuplicateHeaderColumnIsAnError() throws {
        assertError(try write("d.csv", "text,label,text\na,1,x\nb,0,y\n"), contains: ["d.csv:1:", "'text'", "twice"])
    }

    /// Integer labels are checked as written: a third label is reported on its own line with its own value.
    func testThirdJSONLabelNamesItsLineAndValue() throws {
        let rows = (0..<20).map { "{\"text\": \"t\($0)\", \"label\": \($0 % 2)}" } + ["{\"text\": \"t20\", \"label\": 2}"]
        assertError(try write("third.jsonl", rows.joined(separator: "\n") + "\n"), contains: ["third.jsonl:21:", "'2'"])
        let named = ["{\"text\": \"a\", \"label\": \"pos\"}", "{\"text\": \"b\", \"label\": \"neg\"}", "{\"text\": \"c\", \"label\": \"meh\"}"]
        assertError(try write("named.jsonl", named.joined(separator: "\n")), contains: ["named.jsonl:3:", "'meh'"])
    }

    func testJSONNumberAndBooleanLabels() throws {
        let ints = try write("ints.jsonl", "{\"text\": \"a\", \"label\": 1}\n{\"text\": \"b\", \"label\": 0}\n{\"text\": \"c\", \"label\": 1.0}\n")
        XCTAssertEqual(try loadUserDataset(file: ints).map(\.label), [1, 0, 1])
        let bools = try write("bools.jsonl", "{\"text\": \"a\", \"label\": false}\n{\"text\": \"b\", \"label\": true}\n")
        XCTAssertEqual(try loadUserDataset(file: bools).map(\.label), [0, 1])
    }

    func testCRLFJSONLines() throws {
        let url = try write("crlf.jsonl", "{\"text\": \"a\", \"label\": 1}\r\n{\"text\": \"b\", \"label\": 0}\r\n\r\n")
        let examples = try loadUserDataset(file: url)
        XCTAssertEqual(examples.map(\.text), ["a", "b"])
        XCTAssertEqual(examples.map(\.label), [1, 0])
    }

    func testNullOrMissingTextIsAnError() throws {
        assertError(try write("nt.jsonl", "{\"text\": \"a\", \"label\": 1}\n{\"text\": null, \"label\": 0}\n"),
                    contains: ["nt.jsonl:2:", "'text'", "null"])
        let pair = UserDatasetFormat(pairColumn: "hypothesis")
        assertError(try write("np.jsonl", "{\"text\": \"a\", \"hypothesis\": null, \"label\": 1}\n{\"text\": \"b\", \"hypothesis\": \"h\", \"label\": 0}\n"),
                    contains: ["np.jsonl:1:", "'hypothesis'", "null"], format: pair)
        assertError(try write("mp.jsonl", "{\"text\": \"a\", \"hypothesis\": \"h\", \"label\": 1}\n{\"text\": \"b\", \"label\": 0}\n"),
                    contains: ["mp.jsonl:2:", "'hypothesis'"], format: pair)
        assertError(try write("ot.jsonl", "{\"text\": [\"a\"], \"label\": 1}\n{\"text\": \"b\", \"label\": 0}\n"),
                    contains: ["ot.jsonl:1:", "'text'", "array"])
    }

    func testBareNaNInJSONLine() throws {
        assertError(try write("bn.jsonl", "{\"text\": \"a\", \"label\": 1}\n{\"text\": \"b\", \"label\": NaN}\n"),
                    contains: ["bn.jsonl:2:", "NaN"])
    }

    func testDirectoryGivenAsFile() throws {
        let folder = directory.appendingPathComponent("folder.jsonl")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        assertError(folder, contains: ["folder.jsonl", "directory"])
        XCTAssertThrowsError(try UserDataSource(file: folder)) { XCTAssertTrue("\($0)".contains("directory"), "\($0)") }
    }

    func testLoneCarriageReturnLineEndings() throws {
        assertError(try write("cr.csv", "text,label\ra,1\rb,0\r"), contains: ["cr.csv", "CR", "LF"])
        assertError(try write("cr.jsonl", "{\"text\": \"a\", \"label\": 1}\r{\"text\": \"b\", \"label\": 0}\r"), contains: ["cr.jsonl", "CR", "LF"])
    }

    func testMissingFileIsNamed() throws {
        assertError(directory.appendingPathComponent("absent.csv"), contains: ["absent.csv", "no such file"])
    }

    /// Split sizes come from the command line: absurd ones give empty or capped splits, never a crash or overflow.
    func testAbsurdSplitSizes() throws {
        let lines = (0..<40).map { "{\"text\": \"t\($0)\", \"label\": \($0 % 2)}" }
        let source = try UserDataSource(file: try write("pool.jsonl", lines.joined(separator: "\n")))
        let huge = try source.splits(sizes: SplitSizes(weakTrain: .max, strongTrain: .max, validation: .max, test: .max), seed: 1)
        XCTAssertLessThanOrEqual(huge.all.map(\.examples.count).reduce(0, +), 40)
        let negative = try source.splits(sizes: SplitSizes(weakTrain: -4, strongTrain: 10, validation: .min, test: 10), seed: 1)
        XCTAssertEqual(negative.weakTrain.count, 0)
        XCTAssertEqual(negative.validation.count, 0)
        XCTAssertEqual(negative.test.count, 10)
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
