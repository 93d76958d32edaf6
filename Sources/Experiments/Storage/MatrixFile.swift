import Foundation
import Tensors

/// A tiny binary format for cached activation matrices: magic "W2SM", rows, columns (UInt32 LE),
/// then Float32 LE values. Checked on read so a truncated cache file is detected, not trusted.
public enum MatrixFile {
    static let magic: [UInt8] = Array("W2SM".utf8)

    public static func write(_ tensor: Tensor, to url: URL) throws {
        var data = Data(magic)
        var rows = UInt32(tensor.rows).littleEndian, columns = UInt32(tensor.columns).littleEndian
        withUnsafeBytes(of: &rows) { data.append(contentsOf: $0) }
        withUnsafeBytes(of: &columns) { data.append(contentsOf: $0) }
        tensor.data.withUnsafeBytes { data.append(contentsOf: $0) }
        try AtomicFile.write(data, to: url)
    }

    public static func read(_ url: URL) throws -> Tensor {
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw ExperimentError.io(url, "cannot read") }
        guard data.count >= 12, Array(data.prefix(4)) == magic else {
            throw ExperimentError.corrupt(url, "not a W2SM matrix file")
        }
        let (rows, columns) = data.withUnsafeBytes { raw in
            (Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4, as: UInt32.self))),
             Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt32.self))))
        }
        guard data.count == 12 + rows * columns * 4 else {
            throw ExperimentError.corrupt(url, "expected \(rows)×\(columns) floats, file has \(data.count - 12) bytes")
        }
        var values = [Float](repeating: 0, count: rows * columns)
        values.withUnsafeMutableBytes { out in
            data.withUnsafeBytes { raw in out.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[12...])) }
        }
        return Tensor(shape: [rows, columns], data: values)
    }
}
