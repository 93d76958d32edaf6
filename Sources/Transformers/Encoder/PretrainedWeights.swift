import Foundation
import Tensors

/// Where the encoder's pretrained tensors come from, under their Hugging Face names ([out, in] for Linear
/// weights): a safetensors file, or the initializers of an ONNX export.
public protocol PretrainedWeights {
    func contains(_ name: String) -> Bool
    /// The tensor as Float32, checked against `expectedShape` when given; errors name the file and the tensor.
    func tensor(_ name: String, expectedShape: [Int]?) throws -> Tensor
}

extension SafetensorsFile: PretrainedWeights {
    public func contains(_ name: String) -> Bool { entries[name] != nil }
}

public enum WeightsFile {
    /// The weight files a model directory may hold, in order of preference.
    public static let names = ["model.safetensors", "model.onnx"]

    /// The weights of a model directory: model.safetensors, else model.onnx.
    public static func open(in directory: URL) throws -> PretrainedWeights {
        let safetensors = directory.appendingPathComponent("model.safetensors")
        if FileManager.default.fileExists(atPath: safetensors.path) { return try SafetensorsFile(url: safetensors) }
        let onnx = directory.appendingPathComponent("model.onnx")
        if FileManager.default.fileExists(atPath: onnx.path) { return try ONNXBertWeights(url: onnx) }
        throw SafetensorsError.unreadable(safetensors, "neither model.safetensors nor model.onnx is in \(directory.path)")
    }
}
