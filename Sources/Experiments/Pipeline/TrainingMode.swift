public enum TrainingMode: String, Codable, Sendable, CaseIterable {
    /// Frozen backbone, cached mean-pooled activations, linear head.
    case head
    /// Rank-r adapters on attention and MLP weights plus the head; backbone frozen.
    case lora
    /// Every weight trained.
    case full
}

/// What the linear head of a finetuned model (lora, full) reads: the mean-pooled features of its top layer as they
/// come, or standardised. Head mode's head always reads standardised activations.
public enum HeadInput: String, Codable, Sendable, CaseIterable {
    /// The pooled features as they are, under a small random head (N(0, 0.02²)): every finetuned run recorded before
    /// 2026-12-05. At LoRA's learning rate that head moves far slower than head mode's on standardised features (the
    /// pooled features' per-column deviations are small), and in the ~40–100 steps of a CPU-scale stage the
    /// finetuned ceiling stayed below head mode's on 18 of 22 tasks (RESULTS.md).
    case raw
    /// Standardised per column with the pretrained model's mean and deviation over the stage's training rows, under a
    /// zero head: the first step is head mode's step, and finetuning adds the adapters' (or weights') change to it,
    /// like linear probing before finetuning (Kumar et al. 2022, LP-FT) in one stage.
    case standardised
}
