/// The toolkit's one stable content hash: two FNV-1a 64 lanes with different offsets (128 bits in all).
/// Every part combined is followed by a separator byte, so ("ab", "c") and ("a", "bc") differ. Unlike Swift's
/// per-process randomised `Hasher`, the same inputs give the same value on every machine and in every
/// process: it names examples (`value`, `shortHex`), cache entries and runs (`hex`).
public struct ContentHash: Sendable {
    private var a: UInt64 = 0xCBF2_9CE4_8422_2325
    private var b: UInt64 = 0x8422_2325_CBF2_9CE4 ^ 0x9E37_79B9_7F4A_7C15
    private static let prime: UInt64 = 0x0000_0100_0000_01B3
    private static let separator: UInt8 = 0x1F

    public init() {}

    /// The bytes, then the separator.
    public mutating func combine<Bytes: Sequence>(bytes: Bytes) where Bytes.Element == UInt8 {
        for byte in bytes { mix(byte) }
        mix(Self.separator)
    }

    public mutating func combine(_ string: String) {
        var s = string
        s.withUTF8 { combine(bytes: UnsafeRawBufferPointer($0)) }
    }

    public mutating func combine(_ value: Int) { combine(String(value)) }

    public mutating func combine(_ value: Double) { combine(withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) }) }

    public mutating func combine(_ floats: [Float]) { floats.withUnsafeBytes { combine(bytes: $0) } }

    public mutating func combine(_ bytes: [UInt8]) { combine(bytes: bytes) }

    @inline(__always) private mutating func mix(_ byte: UInt8) {
        a = (a ^ UInt64(byte)) &* Self.prime
        b = (b ^ UInt64(byte)) &* Self.prime
        b = (b << 29) | (b >> 35)
    }

    /// The first lane alone (64 bits): seeds and example ids.
    public var value: UInt64 { a }
    /// Both lanes (128 bits): binary keys (the activation store's per-text keys).
    public var lanes: (UInt64, UInt64) { (a, b) }
    /// 16 hex digits of the first lane.
    public var shortHex: String { Self.pad(a) }
    /// 32 hex digits: cache keys and run names.
    public var hex: String { Self.pad(a) + Self.pad(b) }

    private static func pad(_ x: UInt64) -> String {
        let s = String(x, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }

    /// The 64-bit value of some strings (seeds).
    public static func value(_ parts: String...) -> UInt64 {
        var h = ContentHash()
        for p in parts { h.combine(p) }
        return h.value
    }

    /// The 128-bit hex of some strings (keys).
    public static func of(_ parts: String...) -> String {
        var h = ContentHash()
        for p in parts { h.combine(p) }
        return h.hex
    }
}
