import Determinism

/// Seeded, group-respecting, balanced splits.
///
/// Groups (source questions) are shuffled with the seed and dealt to one split at a time until that
/// split holds enough of both classes; each split is then balanced to exactly 50/50 by seeded
/// downsampling within it. Examples never move between splits, so no group straddles two.
enum Splitter {
    struct Request { let name: String; let size: Int }

    static func split(_ pool: [Example], requests: [Request], seed: UInt64, salt: String) -> [String: [Example]] {
        var byGroup: [String: [Example]] = [:]
        var seen = Set<String>()
        for example in pool where seen.insert(example.id).inserted { byGroup[example.groupID, default: []].append(example) }
        var groups = byGroup.keys.sorted()
        var rng = SplitMix64(seed: seed ^ ContentHash.value("groups", salt))
        groups.shuffle(using: &rng)

        // Scale requests down proportionally when the pool cannot fill them.
        let positives = byGroup.values.joined().filter { $0.label == 1 }.count
        let negatives = byGroup.values.joined().count - positives
        let capacity = 2 * min(positives, negatives)
        // Sizes come from the command line: a negative one is 0, and sums and products stay in Double so that
        // absurd ones neither overflow nor convert out of Int's range (the result is capped at the pool).
        let wanted = requests.reduce(0.0) { $0 + Double(max(0, $1.size)) }
        let scale = wanted > Double(capacity) ? Double(capacity) / wanted * 0.98 : 1

        var result: [String: [Example]] = [:]
        var cursor = 0
        for request in requests {
            let size = Int(min(Double(max(0, request.size)) * scale, Double(capacity))) / 2 * 2
            var chosen: [Example] = []
            var pos = 0, neg = 0
            while cursor < groups.count && (pos < size / 2 || neg < size / 2) {
                for e in byGroup[groups[cursor], default: []] {
                    chosen.append(e)
                    if e.label == 1 { pos += 1 } else { neg += 1 }
                }
                cursor += 1
            }
            result[request.name] = balance(chosen, size: size, rng: &rng)
        }
        return result
    }

    /// Exactly equal classes (the smaller class count when short), in a seeded order.
    static func balance(_ examples: [Example], size: Int, rng: inout SplitMix64) -> [Example] {
        var positives = examples.filter { $0.label == 1 }, negatives = examples.filter { $0.label == 0 }
        positives.shuffle(using: &rng); negatives.shuffle(using: &rng)
        let half = min(size / 2, positives.count, negatives.count)
        var chosen = Array(positives.prefix(half)) + Array(negatives.prefix(half))
        chosen.shuffle(using: &rng)
        return chosen
    }
}
