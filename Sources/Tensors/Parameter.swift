/// A trainable tensor and its gradient accumulator. Reference type: layers and optimizers share it.
public final class Parameter: @unchecked Sendable {
    public let name: String
    public var value: Tensor
    public var gradient: Tensor
    /// Frozen parameters keep their values (e.g. the backbone under LoRA); optimizers skip them.
    public var isTrainable: Bool
    /// Whether AdamW applies weight decay (by convention not to biases and layer-norm parameters).
    public var decays: Bool

    public init(name: String, value: Tensor, isTrainable: Bool = true, decays: Bool = true) {
        self.name = name
        self.value = value
        self.gradient = Tensor(zeros: value.shape)
        self.isTrainable = isTrainable
        self.decays = decays
    }

    public func zeroGradient() { gradient.fill(0) }
}
