/// A stable 128-bit content hash (two FNV-1a 64 lanes with different offsets), rendered as hex.
/// Used for cache keys: the same inputs give the same key on every machine and process,
/// unlike Swift's per-process randomised `Hasher`.
public struct ContentHash: Sendable {
    private var a: UInt64 = 0xCBF2_9CE4_8422_2325
    private var b: UInt64 = 0x8422_2325_CBF2_9CE4 ^ 0x9E37_79B9_7F4A_7C15
    private static let prime: UInt64 = 0x0000_0100_0000_01B3

    public init() {}

    public mutating func combine(bytes: UnsafeRawBufferPointer) {
        for byte in bytes {
            a = (a ^ UInt64(byte)) &* Self.prime
            b = (b ^ UInt64(byte)) &* Self.prime
            b = (b << 29) | (b >> 35)
        }
    }

    public mutating func combine(_ string: String) {
        var s = string
        s.withUTF8 { combine(bytes: UnsafeRawBufferPointer($0)) }
        combine(separator: 0x1F)
    }

    public mutating func combine(_ value: Int) { combine(String(value)) }

    public mutating func combine(_ floats: [Float]) {
        floats.withUnsafeBytes { combine(bytes: $0) }
        combine(separator: 0x1E)
    }

    private mutating func combine(separator: UInt8) {
        withUnsafeBytes(of: separator) { combine(bytes: $0) }
    }

    public var hex: String {
        func pad(_ x: UInt64) -> String { let s = String(x, radix: 16); return String(repeating: "0", count: 16 - s.count) + s }
        return pad(a) + pad(b)
    }

    public static func of(_ parts: String...) -> String {
        var h = ContentHash()
        for p in parts { h.combine(p) }
        return h.hex
    }
}
