public enum TrainingMode: String, Codable, Sendable, CaseIterable {
    /// Frozen backbone, cached mean-pooled activations, linear head.
    case head
    /// Rank-r adapters on attention and MLP weights plus the head; backbone frozen.
    case lora
    /// Every weight trained.
    case full
}
