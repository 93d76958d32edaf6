import Foundation
import Tensors

/// MPNet's bidirectional relative position buckets (as in T5): exact buckets for distances below
/// 8 (per direction), logarithmic ones up to `maxDistance`, one learned bias per bucket and head.
public enum RelativePositionBuckets {
    /// bucket[i·T + j] for query position i and key position j.
    public static func buckets(length t: Int, buckets: Int = 32, maxDistance: Int = 128) -> [Int32] {
        var result = [Int32](repeating: 0, count: t * t)
        let half = buckets / 2, maxExact = half / 2
        for i in 0..<t {
            for j in 0..<t {
                let relative = j - i          // memory − context
                var n = -relative
                var bucket = 0
                if n < 0 { bucket += half }
                n = abs(n)
                if n < maxExact {
                    bucket += n
                } else {
                    // Float32 arithmetic in the reference's order, so bucket edges (n = 16, 32, …) agree.
                    let ratio = Float(n) / Float(maxExact)
                    let scaled = logf(ratio) / Float(log(Double(maxDistance) / Double(maxExact)))
                    let large = maxExact + Int(scaled * Float(half - maxExact))
                    bucket += min(large, half - 1)
                }
                result[i * t + j] = Int32(bucket)
            }
        }
        return result
    }
}
