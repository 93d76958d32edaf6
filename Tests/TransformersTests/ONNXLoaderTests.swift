import XCTest
import Foundation
import Tensors
import Transformers

/// The ONNX reader: paraphrase-MiniLM-L3-v2 (weights read from its ONNX export, tokenizer all-MiniLM-L6-v2's) must
/// give onnxruntime's token ids and mean-pooled embeddings (fixture made by scripts/reference/paraphrase_minilm_l3.py);
/// hand-built protobuf files check the naming of anonymous MatMul/Gemm weights, float_data, and the errors.
final class ONNXLoaderTests: XCTestCase {
    func testParaphraseMiniLML3MatchesONNXRuntime() throws {
        let name = "paraphrase-MiniLM-L3-v2"
        let reference = try XCTUnwrap(try fixture("embeddings_\(name).json") as? [String: Any])
        let sentences = reference["sentences"] as! [String]
        XCTAssertGreaterThanOrEqual(sentences.count, 20)
        let check = try XCTUnwrap(reference["vocabulary_check"] as? [String: Any])
        XCTAssertGreaterThanOrEqual(check["nearest_row_same_id"] as! Int, 1900, "the L6 vocabulary must be the L3 model's")
        let encoder = try ModelStore().load(ModelReference(name: name))
        XCTAssertEqual(encoder.encoder.layers.count, 3)
        XCTAssertEqual(encoder.maxSequenceLength, reference["max_seq_length"] as? Int)
        let tokenized = sentences.map { encoder.tokenize($0) }
        XCTAssertEqual(tokenized.map { $0.ids.map(Int.init) }, reference["ids"] as! [[Int]], "token ids differ")
        let pooled = try encoder.embed(tokenized, layers: [3], batchSize: 7)[3]!
        let expected = (reference["mean_pooled"] as! [[Double]]).flatMap { $0.map(Float.init) }
        XCTAssertEqual(pooled.data.count, expected.count)
        var worst: Float = 0
        for i in 0..<expected.count { worst = max(worst, abs(pooled.data[i] - expected[i])) }
        XCTAssertLessThanOrEqual(worst, 1e-5, "mean-pooled embeddings differ from onnxruntime's by \(worst)")
        print("\(name): max abs error of mean-pooled embeddings against onnxruntime \(worst)")
    }

    /// A directory outside the catalog holding an ONNX export instead of safetensors loads, and its identity names
    /// the ONNX file's content.
    func testUncataloguedONNXDirectoryLoadsWithItsIdentity() throws {
        let source = try installedModel("paraphrase-MiniLM-L3-v2")
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("w2s-onnx-store-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        let copy = root.appendingPathComponent("my-l3")
        try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
        for file in ["config.json", "model.onnx", "tokenizer.json", "sentence_bert_config.json"] {
            try FileManager.default.copyItem(at: source.appendingPathComponent(file), to: copy.appendingPathComponent(file))
        }
        let store = ModelStore(root: root)
        let identity = try store.identity(ModelReference(name: "my-l3"))
        XCTAssertEqual(identity, try ModelStore().identity(ModelReference(name: "paraphrase-MiniLM-L3-v2")), "same files, same identity")
        XCTAssertEqual(try store.load(ModelReference(name: "my-l3")).encoder.layers.count, 3)
        try FileManager.default.removeItem(at: copy.appendingPathComponent("model.onnx"))
        XCTAssertThrowsError(try store.identity(ModelReference(name: "my-l3"))) { error in
            XCTAssertTrue("\(error)".contains("model.safetensors") && "\(error)".contains("model.onnx"), "\(error)")
        }
    }

    // MARK: Hand-built ONNX files

    var directory: URL!
    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("w2s-onnx-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    /// Protocol-buffer encoding of the few ONNX messages the tests need.
    struct Proto {
        var bytes: [UInt8] = []
        static func varint(_ v: UInt64) -> [UInt8] {
            var v = v, out: [UInt8] = []
            repeat { var b = UInt8(v & 0x7f); v >>= 7; if v != 0 { b |= 0x80 }; out.append(b) } while v != 0
            return out
        }
        mutating func int(_ field: Int, _ v: Int64) { bytes += Self.varint(UInt64(field << 3)) + Self.varint(UInt64(bitPattern: v)) }
        mutating func bytes(_ field: Int, _ payload: [UInt8]) { bytes += Self.varint(UInt64(field << 3 | 2)) + Self.varint(UInt64(payload.count)) + payload }
        mutating func string(_ field: Int, _ s: String) { bytes(field, Array(s.utf8)) }
        mutating func message(_ field: Int, _ m: Proto) { bytes(field, m.bytes) }
    }

    func floatBytes(_ values: [Float]) -> [UInt8] { values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } } }

    func tensor(_ name: String, dims: [Int64], raw: [Float]? = nil, floatData: [Float]? = nil, dataType: Int64 = 1) -> Proto {
        var t = Proto()
        for d in dims { t.int(1, d) }
        t.int(2, dataType)
        if let floatData { t.bytes(4, floatBytes(floatData)) }  // packed float_data
        t.string(8, name)
        if let raw { t.bytes(9, floatBytes(raw)) }
        return t
    }

    func node(_ op: String, inputs: [String], outputs: [String], transB: Int64? = nil) -> Proto {
        var n = Proto()
        for i in inputs { n.string(1, i) }
        for o in outputs { n.string(2, o) }
        n.string(4, op)
        if let transB { var a = Proto(); a.string(1, "transB"); a.int(3, transB); a.int(20, 2); n.message(5, a) }
        return n
    }

    func write(_ name: String, nodes: [Proto], initializers: [Proto]) throws -> URL {
        var graph = Proto()
        for n in nodes { graph.message(1, n) }
        graph.string(2, "g")
        for t in initializers { graph.message(5, t) }
        var model = Proto()
        model.int(1, 8)
        model.message(7, graph)
        let url = directory.appendingPathComponent(name)
        try Data(model.bytes).write(to: url)
        return url
    }

    let p = "model.0.auto_model."

    func testAnonymousMatMulAndGemmWeightsAreNamedByTheirBiasAndTransposed() throws {
        let stored: [Float] = [1, 2, 3, 4, 5, 6]  // [in 2, out 3]
        let url = try write("m.onnx", nodes: [
            node("MatMul", inputs: ["x", "onnx::MatMul_9"], outputs: ["q"]),
            node("Add", inputs: [p + "encoder.layer.0.attention.self.query.bias", "q"], outputs: ["q2"]),
            node("Gemm", inputs: ["x", "onnx::Gemm_3", p + "encoder.layer.0.attention.self.key.bias"], outputs: ["k"], transB: 1),
        ], initializers: [
            tensor(p + "embeddings.word_embeddings.weight", dims: [2, 2], floatData: [0.5, -1, 2, 8]),
            tensor("onnx::MatMul_9", dims: [2, 3], raw: stored),
            tensor(p + "encoder.layer.0.attention.self.query.bias", dims: [3], raw: [0, 0, 0]),
            tensor("onnx::Gemm_3", dims: [3, 2], raw: [1, 2, 3, 4, 5, 6]),  // transB = 1: already [out, in]
            tensor(p + "encoder.layer.0.attention.self.key.bias", dims: [3], raw: [0, 0, 0]),
        ])
        let weights = try ONNXBertWeights(url: url)
        XCTAssertEqual(try weights.tensor("embeddings.word_embeddings.weight", expectedShape: [2, 2]).data, [0.5, -1, 2, 8])
        let query = try weights.tensor("encoder.layer.0.attention.self.query.weight", expectedShape: [3, 2])
        XCTAssertEqual(query.data, [1, 4, 2, 5, 3, 6], "[in, out] transposed to [out, in]")
        XCTAssertEqual(try weights.tensor("encoder.layer.0.attention.self.key.weight", expectedShape: [3, 2]).data, [1, 2, 3, 4, 5, 6])
        XCTAssertThrowsError(try weights.tensor("encoder.layer.0.attention.self.query.weight", expectedShape: [2, 3])) { error in
            XCTAssertTrue("\(error)".contains("onnx::MatMul_9") && "\(error)".contains("m.onnx"), "\(error)")
        }
    }

    func testUnsupportedAndMalformedFilesGiveErrorsNamingTheFile() throws {
        // A MatMul weight without a named bias cannot be placed.
        let orphan = try write("orphan.onnx", nodes: [node("MatMul", inputs: ["x", "onnx::MatMul_1"], outputs: ["y"])],
                               initializers: [tensor(p + "embeddings.word_embeddings.weight", dims: [1, 1], raw: [1]),
                                              tensor("onnx::MatMul_1", dims: [1, 1], raw: [1])])
        XCTAssertThrowsError(try ONNXBertWeights(url: orphan)) { error in
            XCTAssertTrue("\(error)".contains("orphan.onnx") && "\(error)".contains("onnx::MatMul_1"), "\(error)")
        }
        // Non-fp32 weights are refused with their type.
        let half = try write("half.onnx", nodes: [], initializers: [
            tensor(p + "embeddings.word_embeddings.weight", dims: [1, 1], raw: [1], dataType: 10)])
        XCTAssertThrowsError(try ONNXBertWeights(url: half).tensor("embeddings.word_embeddings.weight", expectedShape: nil)) { error in
            XCTAssertTrue("\(error)".contains("FLOAT16") && "\(error)".contains("half.onnx"), "\(error)")
        }
        // No BERT embeddings at all.
        let other = try write("other.onnx", nodes: [], initializers: [tensor("w", dims: [1], raw: [1])])
        XCTAssertThrowsError(try ONNXBertWeights(url: other)) { error in
            XCTAssertTrue("\(error)".contains("other.onnx") && "\(error)".contains("word_embeddings"), "\(error)")
        }
        // A truncated file: the length of a field runs past the end.
        let good = try write("good.onnx", nodes: [], initializers: [tensor(p + "embeddings.word_embeddings.weight", dims: [2, 2], raw: [1, 2, 3, 4])])
        let cut = directory.appendingPathComponent("cut.onnx")
        try Data(contentsOf: good).dropLast(5).write(to: cut)
        XCTAssertThrowsError(try ONNXBertWeights(url: cut)) { error in
            XCTAssertTrue("\(error)".contains("cut.onnx") && "\(error)".contains("w2s models install"), "\(error)")
        }
    }
}
