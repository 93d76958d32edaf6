import XCTest
import Foundation
import Tensors
import Transformers

/// The safetensors reader on hand-built files: every float dtype decoded exactly, every malformed header
/// rejected with an error naming the file (and tensor).
final class SafetensorsTests: XCTestCase {
    var directory: URL!
    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("w2s-safetensors-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    /// header JSON + data bytes → a file, as the format defines it (u64 LE header length first).
    func write(_ name: String, header: String, data: [UInt8]) throws -> URL {
        var bytes = Data()
        var length = UInt64(header.utf8.count).littleEndian
        withUnsafeBytes(of: &length) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: Array(header.utf8))
        bytes.append(contentsOf: data)
        let url = directory.appendingPathComponent(name)
        try bytes.write(to: url)
        return url
    }

    func littleEndian<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
        values.flatMap { v in withUnsafeBytes(of: v.littleEndian) { Array($0) } }
    }

    func testEveryFloatDTypeDecodesExactly() throws {
        let f32 = littleEndian([Float(1.5).bitPattern, Float(-2).bitPattern])
        let f16 = littleEndian([Float16(1).bitPattern, Float16(-0.5).bitPattern, Float16(65504).bitPattern])
        // bfloat16 is the top half of a float32: 3.140625 = 0x4049_0000, −1 = 0xBF80_0000.
        let bf16 = littleEndian([UInt16(0x4049), UInt16(0xBF80)])
        let header = """
        {"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},\
        "b":{"dtype":"F16","shape":[3,1],"data_offsets":[8,14]},"c":{"dtype":"BF16","shape":[2],"data_offsets":[14,18]},\
        "d":{"dtype":"I8","shape":[1],"data_offsets":[18,19]}}
        """
        let file = try SafetensorsFile(url: try write("ok.safetensors", header: header, data: f32 + f16 + bf16 + [7]))
        XCTAssertEqual(try file.tensor("a").data, [1.5, -2])
        XCTAssertEqual(try file.tensor("b", expectedShape: [3, 1]).data, [1, -0.5, 65504])
        XCTAssertEqual(try file.tensor("c").data, [3.140625, -1])
        XCTAssertEqual(Set(file.entries.keys), ["a", "b", "c", "d"])
        func assertError(_ body: @autoclosure () throws -> Tensor, mentions fragments: [String], line: UInt = #line) {
            XCTAssertThrowsError(try body(), line: line) { error in
                for f in fragments { XCTAssertTrue("\(error)".contains(f), "\(error) should mention \(f)", line: line) }
            }
        }
        assertError(try file.tensor("d"), mentions: ["ok.safetensors", "'d'", "I8"])
        assertError(try file.tensor("missing"), mentions: ["ok.safetensors", "'missing'"])
        assertError(try file.tensor("a", expectedShape: [3]), mentions: ["'a'", "[2]", "[3]", "config.json"])
    }

    func testMalformedFilesAreRejectedWithTheFileAndTheFix() throws {
        let cases: [(String, Data, [String])] = [
            ("short", Data([1, 2, 3]), ["shorter than 8 bytes"]),
            ("huge-header", { var d = Data(); var n = UInt64(1 << 40).littleEndian
                              withUnsafeBytes(of: &n) { d.append(contentsOf: $0) }; return d + Data("{}".utf8) }(), ["header length"]),
        ]
        for (name, data, fragments) in cases {
            let url = directory.appendingPathComponent("\(name).safetensors")
            try data.write(to: url)
            XCTAssertThrowsError(try SafetensorsFile(url: url)) { error in
                for f in fragments + ["\(name).safetensors", "models install"] { XCTAssertTrue("\(error)".contains(f), "\(error)") }
            }
        }
        let headers: [(String, String, [UInt8], [String])] = [
            ("notjson", "{not json", [], ["not JSON"]),
            ("array", "[1, 2]", [], ["not a JSON object"]),
            ("noshape", #"{"w":{"dtype":"F32","data_offsets":[0,4]}}"#, [0, 0, 0, 0], ["'w'", "lacks"]),
            ("outside", #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, [0, 0, 0, 0], ["'w'", "outside the file"]),
            ("wrongsize", #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#, [0, 0, 0, 0], ["'w'", "4 bytes for shape [2]"]),
        ]
        for (name, header, data, fragments) in headers {
            let url = try write("\(name).safetensors", header: header, data: data)
            XCTAssertThrowsError(try SafetensorsFile(url: url)) { error in
                for f in fragments + ["\(name).safetensors"] { XCTAssertTrue("\(error)".contains(f), "\(error) should mention \(f)") }
            }
        }
    }
}
