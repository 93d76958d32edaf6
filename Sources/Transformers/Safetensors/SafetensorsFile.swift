import Foundation
import Tensors

/// Errors reading a `.safetensors` file; each names the file (and tensor) and what to do.
public enum SafetensorsError: Error, CustomStringConvertible {
    case unreadable(URL, String)
    case malformedHeader(URL, String)
    case missingTensor(URL, String)
    case unsupportedDType(URL, tensor: String, dtype: String)
    case shapeMismatch(URL, tensor: String, expected: [Int], found: [Int])
    case outOfBounds(URL, tensor: String)

    public var description: String {
        let fix = "The file may be truncated or corrupt: reinstall it with `w2s models install`."
        switch self {
        case let .unreadable(url, why): return "Cannot read \(url.path): \(why). \(fix)"
        case let .malformedHeader(url, why): return "\(url.path) has a malformed safetensors header: \(why). \(fix)"
        case let .missingTensor(url, name): return "\(url.path) has no tensor named '\(name)'. Is this the right model for its config.json?"
        case let .unsupportedDType(url, name, dtype): return "\(url.path): tensor '\(name)' has dtype \(dtype); supported: F32, F16, BF16."
        case let .shapeMismatch(url, name, expected, found):
            return "\(url.path): tensor '\(name)' has shape \(found), but config.json implies \(expected)."
        case let .outOfBounds(url, name): return "\(url.path): tensor '\(name)' points outside the file. \(fix)"
        }
    }
}

/// A memory-mapped safetensors file: an 8-byte little-endian header length, a JSON header mapping
/// names to dtype, shape and byte offsets, then the raw little-endian data.
public struct SafetensorsFile {
    public struct Entry: Sendable {
        public let dtype: String
        public let shape: [Int]
        public let begin: Int
        public let end: Int
    }

    public let url: URL
    public let entries: [String: Entry]
    private let bytes: Data
    private let dataStart: Int

    public init(url: URL) throws {
        self.url = url
        do {
            bytes = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw SafetensorsError.unreadable(url, error.localizedDescription)
        }
        guard bytes.count >= 8 else { throw SafetensorsError.malformedHeader(url, "file shorter than 8 bytes") }
        let headerLength = bytes.withUnsafeBytes { Int(UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self))) }
        guard headerLength > 0, headerLength <= bytes.count - 8, headerLength < 100_000_000 else {
            throw SafetensorsError.malformedHeader(url, "header length \(headerLength) does not fit a \(bytes.count)-byte file")
        }
        dataStart = 8 + headerLength
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: bytes.subdata(in: 8..<dataStart))
        } catch {
            throw SafetensorsError.malformedHeader(url, "header is not JSON")
        }
        guard let header = json as? [String: Any] else {
            throw SafetensorsError.malformedHeader(url, "header is not a JSON object")
        }
        var entries: [String: Entry] = [:]
        let dataLength = bytes.count - dataStart
        for (name, value) in header where name != "__metadata__" {
            guard let info = value as? [String: Any],
                  let dtype = info["dtype"] as? String,
                  let shape = (info["shape"] as? [NSNumber])?.map(\.intValue),
                  let offsets = (info["data_offsets"] as? [NSNumber])?.map(\.intValue), offsets.count == 2
            else { throw SafetensorsError.malformedHeader(url, "entry '\(name)' lacks dtype, shape or data_offsets") }
            let entry = Entry(dtype: dtype, shape: shape, begin: offsets[0], end: offsets[1])
            guard entry.begin >= 0, entry.begin <= entry.end, entry.end <= dataLength else {
                throw SafetensorsError.outOfBounds(url, tensor: name)
            }
            if let width = Self.byteWidth(dtype), width * shape.reduce(1, *) != entry.end - entry.begin {
                throw SafetensorsError.malformedHeader(url, "entry '\(name)' has \(entry.end - entry.begin) bytes for shape \(shape) of \(dtype)")
            }
            entries[name] = entry
        }
        self.entries = entries
    }

    static func byteWidth(_ dtype: String) -> Int? {
        switch dtype {
        case "F32", "I32", "U32": return 4
        case "F16", "BF16", "I16": return 2
        case "F64", "I64", "U64": return 8
        case "I8", "U8", "BOOL": return 1
        default: return nil
        }
    }

    /// Reads a floating-point tensor as Float32, checking its shape when `expectedShape` is given.
    public func tensor(_ name: String, expectedShape: [Int]? = nil) throws -> Tensor {
        guard let entry = entries[name] else { throw SafetensorsError.missingTensor(url, name) }
        if let expectedShape, expectedShape != entry.shape {
            throw SafetensorsError.shapeMismatch(url, tensor: name, expected: expectedShape, found: entry.shape)
        }
        let count = entry.shape.reduce(1, *)
        var values = [Float](repeating: 0, count: count)
        let start = dataStart + entry.begin
        try bytes.withUnsafeBytes { raw in
            let base = raw.baseAddress! + start
            try values.withUnsafeMutableBufferPointer { out in
                switch entry.dtype {
                case "F32":
                    for i in 0..<count { out[i] = Float(bitPattern: UInt32(littleEndian: base.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) }
                case "F16":
                    for i in 0..<count { out[i] = Float(Float16(bitPattern: UInt16(littleEndian: base.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))) }
                case "BF16":
                    for i in 0..<count {
                        let bits = UInt32(UInt16(littleEndian: base.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) << 16
                        out[i] = Float(bitPattern: bits)
                    }
                default:
                    throw SafetensorsError.unsupportedDType(url, tensor: name, dtype: entry.dtype)
                }
            }
        }
        return Tensor(shape: entry.shape, data: values)
    }
}
