import Foundation
import Tensors

/// Errors reading an ONNX file; each names the file or message and what to do.
public enum ONNXError: Error, CustomStringConvertible {
    case unreadable(URL, String)
    case malformed(context: String, String)
    case unsupported(URL, String)
    case unmapped(URL, String)

    public var description: String {
        let fix = "The file may be truncated or corrupt: reinstall it with `w2s models install`."
        switch self {
        case let .unreadable(url, why): return "Cannot read \(url.path): \(why). \(fix)"
        case let .malformed(context, why): return "\(context) is malformed: \(why). \(fix)"
        case let .unsupported(url, why): return "\(url.path): \(why)."
        case let .unmapped(url, why):
            return "\(url.path): \(why). Only BERT encoders exported from PyTorch (named biases and LayerNorms; MatMul or Gemm weights) can be read."
        }
    }
}

/// An ONNX model file read without an ONNX runtime: ModelProto → GraphProto → its nodes (op type, inputs,
/// outputs, integer attributes) and its initializers (TensorProto: dims, data type, raw_data or float_data).
/// Initializer data stays in the memory-mapped file until a tensor is asked for.
public struct ONNXModel {
    public struct Node: Sendable {
        public let opType: String
        public let inputs: [String]
        public let outputs: [String]
        public let integerAttributes: [String: Int64]
    }

    public struct Initializer: Sendable {
        public let name: String
        public let dims: [Int]
        /// TensorProto.DataType (1 = FLOAT).
        public let dataType: Int
        enum Storage: Sendable { case raw(Range<Int>), floats([Float]), external, empty }
        let storage: Storage
    }

    public let url: URL
    public let nodes: [Node]
    public let initializers: [String: Initializer]
    private let bytes: Data

    public init(url: URL) throws {
        self.url = url
        do {
            bytes = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw ONNXError.unreadable(url, error.localizedDescription)
        }
        let file = url.lastPathComponent
        (nodes, initializers) = try bytes.withUnsafeBytes { raw in
            var model = ProtobufReader(raw, range: 0..<raw.count, context: "\(url.path) (ModelProto)")
            var graphRange: Range<Int>?
            while let field = try model.next() {
                if field.number == 7 { graphRange = try model.range(field.value) }
            }
            guard let graphRange else { throw ONNXError.malformed(context: url.path, "no graph (ModelProto field 7); is this an ONNX model?") }
            var graph = ProtobufReader(raw, range: graphRange, context: "\(file) GraphProto")
            var nodes: [Node] = [], initializers: [String: Initializer] = [:]
            while let field = try graph.next() {
                switch field.number {
                case 1: nodes.append(try Self.node(raw, range: try graph.range(field.value), file: file))
                case 5:
                    let tensor = try Self.initializer(raw, range: try graph.range(field.value), file: file)
                    guard initializers[tensor.name] == nil else {
                        throw ONNXError.malformed(context: "\(file) GraphProto", "initializer '\(tensor.name)' appears twice")
                    }
                    initializers[tensor.name] = tensor
                case 15: throw ONNXError.unsupported(url, "sparse initializers are not supported")
                default: break
                }
            }
            return (nodes, initializers)
        }
    }

    static func node(_ raw: UnsafeRawBufferPointer, range: Range<Int>, file: String) throws -> Node {
        var r = ProtobufReader(raw, range: range, context: "\(file) NodeProto")
        var inputs: [String] = [], outputs: [String] = [], op = "", attributes: [String: Int64] = [:]
        while let field = try r.next() {
            switch field.number {
            case 1: inputs.append(try r.string(field.value))
            case 2: outputs.append(try r.string(field.value))
            case 4: op = try r.string(field.value)
            case 5:
                var a = ProtobufReader(raw, range: try r.range(field.value), context: "\(file) AttributeProto")
                var name = "", integer: Int64?
                while let af = try a.next() {
                    if af.number == 1 { name = try a.string(af.value) }
                    if af.number == 3 { integer = try a.integer(af.value) }
                }
                if let integer { attributes[name] = integer }
            default: break
            }
        }
        return Node(opType: op, inputs: inputs, outputs: outputs, integerAttributes: attributes)
    }

    static func initializer(_ raw: UnsafeRawBufferPointer, range: Range<Int>, file: String) throws -> Initializer {
        var r = ProtobufReader(raw, range: range, context: "\(file) TensorProto")
        var name = "", dims: [Int] = [], dataType = 0
        var rawData: Range<Int>?, floats: [Float] = [], external = false
        while let field = try r.next() {
            switch field.number {
            case 1: dims += try r.integers(field.value).map { Int($0) }
            case 2: dataType = Int(try r.integer(field.value))
            case 3: throw r.malformed("segmented tensors are not supported")
            case 4: floats += try r.floats(field.value)
            case 8: name = try r.string(field.value)
            case 9: rawData = try r.range(field.value)
            case 13: external = true
            case 14: if try r.integer(field.value) == 1 { external = true }
            default: break
            }
        }
        let storage: Initializer.Storage = external ? .external : rawData.map { .raw($0) } ?? (floats.isEmpty ? .empty : .floats(floats))
        return Initializer(name: name, dims: dims, dataType: dataType, storage: storage)
    }

    static func typeName(_ dataType: Int) -> String {
        [1: "FLOAT", 2: "UINT8", 3: "INT8", 4: "UINT16", 5: "INT16", 6: "INT32", 7: "INT64", 8: "STRING", 9: "BOOL",
         10: "FLOAT16", 11: "DOUBLE", 16: "BFLOAT16"][dataType] ?? "data type \(dataType)"
    }

    /// An fp32 initializer's values in its stored (row-major) layout.
    public func floats(_ initializer: Initializer) throws -> [Float] {
        let name = initializer.name
        guard initializer.dataType == 1 else {
            throw ONNXError.unsupported(url, "initializer '\(name)' is \(Self.typeName(initializer.dataType)); only FLOAT (fp32) weights are supported")
        }
        let count = initializer.dims.reduce(1, *)
        switch initializer.storage {
        case .external:
            throw ONNXError.unsupported(url, "initializer '\(name)' keeps its data in an external file; only self-contained ONNX files are supported")
        case .empty:
            guard count == 0 else { throw ONNXError.malformed(context: "\(url.lastPathComponent) initializer '\(name)'", "no data for shape \(initializer.dims)") }
            return []
        case let .floats(values):
            guard values.count == count else {
                throw ONNXError.malformed(context: "\(url.lastPathComponent) initializer '\(name)'", "\(values.count) float_data values for shape \(initializer.dims)")
            }
            return values
        case let .raw(range):
            guard range.count == 4 * count else {
                throw ONNXError.malformed(context: "\(url.lastPathComponent) initializer '\(name)'", "\(range.count) raw bytes for \(count) fp32 values of shape \(initializer.dims)")
            }
            return bytes.withUnsafeBytes { raw in
                (0..<count).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: range.lowerBound + 4 * $0, as: UInt32.self))) }
            }
        }
    }
}
