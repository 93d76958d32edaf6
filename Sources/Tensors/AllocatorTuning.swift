import COpenBLAS

/// Process-wide tuning of glibc's allocator for training-sized tensors.
///
/// By default glibc serves blocks over 32 MiB (and, until it adapts, over 128 KiB) with fresh `mmap`s and
/// unmaps them on `free`. A forward+backward pass allocates and frees tens of such activation tensors per
/// layer, so every one cost page faults and the kernel zeroing each page again: 7–9% of all CPU samples in
/// `perf` on MPNet forward+backward. Keeping them in the heap lets the next batch reuse the same pages;
/// peak resident memory is unchanged (the same tensors are live at the peak).
public enum AllocatorTuning {
    /// Call once at program start, before large allocations. Returns false where the allocator refused.
    @discardableResult
    public static func reuseLargeBlocks() -> Bool {
        #if os(Linux)
        // One arena: `w2s` runs its command on a Swift concurrency thread, and glibc's per-thread arenas are
        // 64 MiB heaps that hand larger blocks to mmap and give freed pages back with MADV_DONTNEED.
        // Blocks up to 1 GiB then come from the main heap, whose freed memory stays mapped (trimming off: -1).
        return mallopt(M_ARENA_MAX, 1) == 1 && mallopt(M_MMAP_THRESHOLD, 1 << 30) == 1 && mallopt(M_TRIM_THRESHOLD, -1) == 1
        #else
        return true
        #endif
    }
}
