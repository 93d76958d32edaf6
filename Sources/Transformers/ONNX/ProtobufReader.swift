import Foundation

/// A reader of the protocol-buffer wire format (enough of it for ONNX files): fields are read in order from a
/// byte range, each a (number, wire type) key followed by a varint, a fixed 32/64-bit value or a length-prefixed
/// byte range. Length-delimited fields stay ranges into the file's bytes (nothing is copied); nested messages
/// are read with a new reader on their range.
struct ProtobufReader {
    enum WireType: Int { case varint = 0, fixed64 = 1, lengthDelimited = 2, fixed32 = 5 }

    enum Value {
        case varint(UInt64)
        case fixed64(UInt64)
        case fixed32(UInt32)
        case bytes(Range<Int>)
    }

    struct Field {
        let number: Int
        let value: Value
    }

    let bytes: UnsafeRawBufferPointer
    private(set) var position: Int
    let end: Int
    /// What a malformed message is called in errors ("TensorProto 'x'").
    let context: String

    init(_ bytes: UnsafeRawBufferPointer, range: Range<Int>, context: String) {
        self.bytes = bytes; position = range.lowerBound; end = range.upperBound; self.context = context
    }

    /// The next field, or nil at the end of the message.
    mutating func next() throws -> Field? {
        guard position < end else { return nil }
        let key = try varint()
        let number = Int(key >> 3)
        guard number > 0 else { throw malformed("field number 0") }
        guard let wire = WireType(rawValue: Int(key & 7)) else {
            throw malformed("field \(number) has wire type \(key & 7) (groups are not supported)")
        }
        switch wire {
        case .varint: return Field(number: number, value: .varint(try varint()))
        case .fixed64:
            guard end - position >= 8 else { throw malformed("field \(number) runs past the end") }
            let v = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self))
            position += 8
            return Field(number: number, value: .fixed64(v))
        case .fixed32:
            guard end - position >= 4 else { throw malformed("field \(number) runs past the end") }
            let v = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt32.self))
            position += 4
            return Field(number: number, value: .fixed32(v))
        case .lengthDelimited:
            let length = try varint()
            guard length <= UInt64(end - position) else { throw malformed("field \(number) claims \(length) bytes, \(end - position) remain") }
            let range = position..<(position + Int(length))
            position = range.upperBound
            return Field(number: number, value: .bytes(range))
        }
    }

    mutating func varint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else { throw malformed("a varint runs past the end") }
            let byte = bytes[position]
            position += 1
            guard shift < 64 else { throw malformed("a varint is longer than 10 bytes") }
            result |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    func malformed(_ why: String) -> ONNXError { .malformed(context: context, why) }

    // MARK: Field values

    func string(_ value: Value) throws -> String {
        guard case let .bytes(range) = value else { throw malformed("a string field is not length-delimited") }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    func range(_ value: Value) throws -> Range<Int> {
        guard case let .bytes(range) = value else { throw malformed("a message field is not length-delimited") }
        return range
    }

    func integer(_ value: Value) throws -> Int64 {
        guard case let .varint(v) = value else { throw malformed("an integer field is not a varint") }
        return Int64(bitPattern: v)
    }

    /// A repeated int64 field: one varint, or a packed run of them.
    func integers(_ value: Value) throws -> [Int64] {
        switch value {
        case let .varint(v): return [Int64(bitPattern: v)]
        case let .bytes(range):
            var packed = ProtobufReader(bytes, range: range, context: context)
            var out: [Int64] = []
            while packed.position < packed.end { out.append(Int64(bitPattern: try packed.varint())) }
            return out
        default: throw malformed("a repeated integer field has a fixed-width wire type")
        }
    }

    /// A repeated float field: one fixed32, or a packed run of them.
    func floats(_ value: Value) throws -> [Float] {
        switch value {
        case let .fixed32(bits): return [Float(bitPattern: bits)]
        case let .bytes(range):
            guard range.count % 4 == 0 else { throw malformed("packed floats of \(range.count) bytes") }
            return (0..<(range.count / 4)).map {
                Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: range.lowerBound + 4 * $0, as: UInt32.self)))
            }
        default: throw malformed("a repeated float field is a varint")
        }
    }
}
