import Foundation

/// One immutable file of the activation store: the values of a set of texts, each a block of rows × columns
/// (one row for a pooled vector, one row per token for hidden states), named by a 128-bit key per text.
///
/// Layout (little-endian): magic "W2SPACK1"; count, columns, precision (0 Float32, 1 Float16), reserved (UInt32
/// each); count keys (two UInt64 each); count row counts (UInt32); the values, block after block; a UInt64
/// checksum of everything before it. Written once by `AtomicFile` (temporary name, fsync, rename), so a reader
/// sees the whole file or none; the size and checksum catch a file damaged afterwards.
public struct PackFile {
    public struct Key: Hashable, Sendable, Comparable {
        public let high: UInt64, low: UInt64
        public init(high: UInt64, low: UInt64) { self.high = high; self.low = low }
        public static func < (a: Key, b: Key) -> Bool { (a.high, a.low) < (b.high, b.low) }
    }

    public enum Precision: String, Codable, Sendable, CaseIterable {
        case fp32, fp16
        var bytes: Int { self == .fp32 ? 4 : 2 }
        var code: UInt32 { self == .fp32 ? 0 : 1 }
    }

    static let magic = Array("W2SPACK1".utf8)
    static let headerBytes = 8 + 16

    public let keys: [Key]
    public let rowCounts: [Int]
    public let columns: Int
    public let precision: Precision

    /// The file's bytes; values are read from here on demand.
    let data: Data
    let valuesOffset: Int
    /// Offset of each block's first row, in rows.
    let rowStarts: [Int]

    // MARK: Writing

    /// Encodes `blocks` (one per key, each `rowCounts[i] × columns` Float32 values) at `precision`.
    public static func encode(keys: [Key], blocks: [[Float]], columns: Int, precision: Precision) -> Data {
        precondition(keys.count == blocks.count && blocks.allSatisfy { $0.count % max(columns, 1) == 0 })
        var data = Data(magic)
        func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        append(UInt32(keys.count)); append(UInt32(columns)); append(precision.code); append(UInt32(0))
        for key in keys { append(key.high); append(key.low) }
        for block in blocks { append(UInt32(block.count / max(columns, 1))) }
        for block in blocks {
            switch precision {
            case .fp32: block.withUnsafeBytes { data.append(contentsOf: $0) }
            case .fp16: block.map { Float16($0) }.withUnsafeBytes { data.append(contentsOf: $0) }
            }
        }
        append(checksum(data))
        return data
    }

    // MARK: Reading

    /// Only the header and keys (what the store's index needs); the values are not read.
    public static func readIndex(_ url: URL) throws -> (keys: [Key], rowCounts: [Int], columns: Int, precision: Precision) {
        guard let handle = FileHandle(forReadingAtPath: url.path) else { throw ExperimentError.io(url, "cannot read") }
        defer { try? handle.close() }
        let header = try handle.read(upToCount: headerBytes) ?? Data()
        let (count, columns, precision) = try parseHeader(header, url)
        let index = try handle.read(upToCount: count * 20) ?? Data()
        guard index.count == count * 20 else { throw ExperimentError.corrupt(url, "truncated key index") }
        let (keys, rows) = parseIndex(index, count: count)
        return (keys, rows, columns, precision)
    }

    /// The whole file, its size and checksum verified.
    public init(contentsOf url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url, options: .mappedIfSafe) } catch { throw ExperimentError.io(url, "cannot read") }
        let (count, columns, precision) = try Self.parseHeader(data, url)
        guard data.count >= Self.headerBytes + count * 20 + 8 else { throw ExperimentError.corrupt(url, "truncated") }
        let (keys, rows) = Self.parseIndex(data.subdata(in: Self.headerBytes..<(Self.headerBytes + count * 20)), count: count)
        let valuesOffset = Self.headerBytes + count * 20
        let totalRows = rows.reduce(0, +)
        guard data.count == valuesOffset + totalRows * columns * precision.bytes + 8 else {
            throw ExperimentError.corrupt(url, "expected \(totalRows)×\(columns) values, the file has \(data.count) bytes")
        }
        let stored = data.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: data.count - 8, as: UInt64.self)) }
        guard stored == Self.checksum(data.prefix(data.count - 8)) else { throw ExperimentError.corrupt(url, "checksum mismatch") }
        self.keys = keys; self.rowCounts = rows; self.columns = columns; self.precision = precision
        self.data = data; self.valuesOffset = valuesOffset
        var starts: [Int] = [], running = 0
        for r in rows { starts.append(running); running += r }
        rowStarts = starts
    }

    /// Copies block `index` as Float32 into `destination` (rowCounts[index] × columns values).
    public func copyBlock(_ index: Int, into destination: UnsafeMutablePointer<Float>) {
        let n = rowCounts[index] * columns
        let offset = valuesOffset + rowStarts[index] * columns * precision.bytes
        data.withUnsafeBytes { raw in
            let base = raw.baseAddress! + offset
            switch precision {
            case .fp32: destination.update(from: base.assumingMemoryBound(to: Float.self), count: n)
            case .fp16:
                let half = base.assumingMemoryBound(to: Float16.self)
                for i in 0..<n { destination[i] = Float(half[i]) }
            }
        }
    }

    public func block(_ index: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: rowCounts[index] * columns) { buffer, count in
            copyBlock(index, into: buffer.baseAddress!)
            count = rowCounts[index] * columns
        }
    }

    static func parseHeader(_ data: Data, _ url: URL) throws -> (count: Int, columns: Int, precision: Precision) {
        guard data.count >= headerBytes, Array(data.prefix(8)) == magic else { throw ExperimentError.corrupt(url, "not a W2SPACK1 file") }
        let fields = data.withUnsafeBytes { raw in
            (0..<4).map { Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 8 + 4 * $0, as: UInt32.self))) }
        }
        guard fields[2] <= 1 else { throw ExperimentError.corrupt(url, "unknown precision \(fields[2])") }
        return (fields[0], fields[1], fields[2] == 0 ? .fp32 : .fp16)
    }

    static func parseIndex(_ data: Data, count: Int) -> ([Key], [Int]) {
        data.withUnsafeBytes { raw in
            let keys = (0..<count).map { i in
                Key(high: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 16 * i, as: UInt64.self)),
                    low: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 16 * i + 8, as: UInt64.self)))
            }
            let rows = (0..<count).map { Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 16 * count + 4 * $0, as: UInt32.self))) }
            return (keys, rows)
        }
    }

    /// A fast 64-bit checksum (FNV-style over 8-byte words, then the tail bytes): catches damaged files, not adversaries.
    static func checksum(_ data: Data) -> UInt64 {
        data.withUnsafeBytes { raw -> UInt64 in
            var h: UInt64 = 0xCBF2_9CE4_8422_2325 ^ UInt64(raw.count)
            let words = raw.count / 8
            for i in 0..<words {
                h = (h ^ raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)) &* 0x0000_0100_0000_01B3
                h ^= h >> 29
            }
            for i in (8 * words)..<raw.count { h = (h ^ UInt64(raw[i])) &* 0x0000_0100_0000_01B3 }
            return h
        }
    }
}
