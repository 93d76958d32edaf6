import Foundation
import Tensors

/// The weights of a BERT encoder exported to ONNX by PyTorch, under the Hugging Face names the loader asks for
/// (`encoder.layer.0.attention.self.query.weight`, [out, in]).
///
/// Exports keep the biases, LayerNorms and embeddings under their module names (behind a prefix such as
/// `model.0.auto_model.`), but constant folding turns each Linear weight into an anonymous initializer
/// (`onnx::MatMul_470`) stored transposed, [in, out], as the right operand of a MatMul. Such a weight is named by
/// the graph: its MatMul's output feeds an Add whose other operand is the Linear's named bias, so `….query.bias`
/// names the MatMul weight `….query.weight`. Gemm nodes (weight, bias as inputs; `transB`) are read the same way.
/// Anything else is refused with the initializer's name.
public struct ONNXBertWeights: PretrainedWeights {
    public let model: ONNXModel
    /// Hugging Face name → the initializer and whether it is stored [in, out] (to be transposed).
    let mapping: [String: (initializer: String, transposed: Bool)]

    public init(url: URL) throws {
        let model = try ONNXModel(url: url)
        self.model = model
        let suffix = "embeddings.word_embeddings.weight"
        guard let anchor = model.initializers.keys.sorted().first(where: { $0 == suffix || $0.hasSuffix("." + suffix) }) else {
            throw ONNXError.unmapped(url, "no initializer named …\(suffix)")
        }
        let prefix = String(anchor.dropLast(suffix.count))
        var mapping: [String: (initializer: String, transposed: Bool)] = [:]
        func add(_ name: String, _ initializer: String, transposed: Bool) throws {
            if let existing = mapping[name], existing.initializer != initializer {
                throw ONNXError.unmapped(url, "both '\(existing.initializer)' and '\(initializer)' map to \(name)")
            }
            mapping[name] = (initializer, transposed)
        }
        for name in model.initializers.keys where name.hasPrefix(prefix) {
            try add(String(name.dropFirst(prefix.count)), name, transposed: false)
        }
        // Linear weights named through the graph: MatMul(x, W) → Add(bias, ·), or Gemm(x, W, bias).
        var consumers: [String: [ONNXModel.Node]] = [:]
        for node in model.nodes { for input in node.inputs { consumers[input, default: []].append(node) } }
        func biasName(_ candidate: String) -> String? {
            guard candidate.hasPrefix(prefix), candidate.hasSuffix(".bias") else { return nil }
            return String(candidate.dropFirst(prefix.count).dropLast(".bias".count))
        }
        for node in model.nodes where node.opType == "MatMul" || node.opType == "Gemm" {
            guard node.inputs.count >= 2, let weight = model.initializers[node.inputs[1]] else { continue }
            guard weight.dims.count == 2 else {
                throw ONNXError.unmapped(url, "\(node.opType) weight '\(weight.name)' has shape \(weight.dims), expected a matrix")
            }
            let module: String?
            let transposed: Bool
            if node.opType == "Gemm" {
                module = node.inputs.count >= 3 ? biasName(node.inputs[2]) : nil
                transposed = (node.integerAttributes["transB"] ?? 0) == 0
            } else {
                let adds = (consumers[node.outputs.first ?? ""] ?? []).filter { $0.opType == "Add" }
                let named = adds.flatMap(\.inputs).compactMap(biasName)
                module = named.count == 1 ? named[0] : nil
                transposed = true
            }
            guard let module else {
                throw ONNXError.unmapped(url, "\(node.opType) weight '\(weight.name)' is not followed by the Add of a named bias, so its layer is unknown")
            }
            try add(module + ".weight", weight.name, transposed: transposed)
        }
        self.mapping = mapping
    }

    public func contains(_ name: String) -> Bool { mapping[name] != nil }

    public func tensor(_ name: String, expectedShape: [Int]?) throws -> Tensor {
        guard let (initializerName, transposed) = mapping[name], let initializer = model.initializers[initializerName] else {
            throw ONNXError.unmapped(model.url, "no initializer for \(name)")
        }
        let stored = initializer.dims
        let shape = transposed ? [stored[1], stored[0]] : stored
        if let expectedShape, expectedShape != shape {
            throw ONNXError.unsupported(model.url, "initializer '\(initializerName)' (\(name)) has shape \(shape)\(transposed ? " after transposing" : ""), but config.json implies \(expectedShape)")
        }
        let values = try model.floats(initializer)
        guard transposed else { return Tensor(shape: shape, data: values) }
        let rows = stored[0], columns = stored[1]
        var out = [Float](repeating: 0, count: values.count)
        for i in 0..<rows { for j in 0..<columns { out[j * rows + i] = values[i * columns + j] } }
        return Tensor(shape: shape, data: out)
    }
}
