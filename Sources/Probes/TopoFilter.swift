import Foundation
import Tensors

/// TopoFilter (Wu et al. 2020) as the EleutherAI post uses it to drop suspicious weak labels.
///
/// 1. TopoCC: build the directed k-nearest-neighbour graph of the activations (cosine, `componentK` = 50; an edge
///    i → j when j is among i's neighbours); for each hard class keep only the largest *strongly* connected
///    component of the subgraph on that class's points, as EleutherAI's `topo_cc` does (scipy's
///    `connected_components(connection="strong")`). A point no same-class point counts among its neighbours (an
///    anti-hub, common in high dimensions) is outside it and removed. Weak connectivity (either direction joins)
///    removed nothing on the benchmark's first datasets at k = 50, which made TopoFilter the kNN filter exactly.
/// 2. ζ step: among the survivors, a point's neighbour label is the mean soft label of its `zetaK` = 50
///    nearest survivors; the points whose label is furthest from it are removed until `fraction` of all
///    points is gone. Adjusting ζ to hit the target fraction is exactly this ranking.
/// When TopoCC alone removes more than the target, nothing more is removed and `componentsExceededTarget`
/// says so (the post reports seven such datasets).
public struct TopoFilter: Sendable {
    public var componentK = 50
    public var zetaK = 50
    public var fraction = 0.1

    public init(componentK: Int = 50, zetaK: Int = 50, fraction: Double = 0.1) {
        self.componentK = componentK; self.zetaK = zetaK; self.fraction = fraction
    }

    public struct Result: Codable, Sendable, Equatable {
        /// Indices of the points kept, ascending.
        public var kept: [Int]
        public var removedByComponents: Int
        public var removedByZeta: Int
        public var componentsExceededTarget: Bool
    }

    public func filter(features: Tensor, labels: [Float]) throws -> Result {
        try ProbeInput.validate(features: features, labels: labels, what: "TopoFilter")
        guard fraction >= 0 && fraction < 1 else { throw ProbeError.invalid("TopoFilter: fraction must be in [0, 1) (got \(fraction))") }
        let n = features.rows
        let search = NearestNeighbors(references: features)
        let graph = search.neighbors(of: search.references, k: componentK, excludingSelf: true)
        let positive = labels.map { $0 > 0.5 }

        // Strongly connected components over same-class kNN edges; per class the largest (ties: the one with the
        // lowest index).
        let component = Self.stronglyConnectedComponents(graph.enumerated().map { i, list in list.filter { positive[$0] == positive[i] } })
        var size: [Int: Int] = [:], lowest: [Int: Int] = [:]
        for i in 0..<n { size[component[i], default: 0] += 1; lowest[component[i]] = min(lowest[component[i]] ?? i, i) }
        var largest: [Bool: Int] = [:]   // class → its largest component
        for c in size.keys.sorted(by: { lowest[$0]! < lowest[$1]! }) {
            let cls = positive[lowest[c]!]
            if let best = largest[cls], size[best]! >= size[c]! { continue }
            largest[cls] = c
        }
        let survivors = (0..<n).filter { largest[positive[$0]] == component[$0] }
        let removedByComponents = n - survivors.count
        let target = Int((Double(n) * fraction).rounded())
        let remaining = max(0, target - removedByComponents)
        guard remaining > 0 else {
            return Result(kept: survivors, removedByComponents: removedByComponents, removedByZeta: 0,
                          componentsExceededTarget: removedByComponents > target)
        }
        // ζ step on the survivors only.
        var sub = Tensor(zeros: [survivors.count, features.columns])
        for (row, i) in survivors.enumerated() {
            for j in 0..<features.columns { sub.data[row * features.columns + j] = features.data[i * features.columns + j] }
        }
        let subLabels = survivors.map { labels[$0] }
        let neighbours = NearestNeighbors(references: sub).neighbors(of: sub, k: zetaK, excludingSelf: true)
        let disagreement = neighbours.enumerated().map { row, list -> Float in
            let mean = list.isEmpty ? subLabels[row] : list.reduce(Float(0)) { $0 + subLabels[$1] } / Float(list.count)
            return abs(subLabels[row] - mean)
        }
        let dropped = Set(LabelFilter.mostDisagreeing(disagreement, count: remaining).map { survivors[$0] })
        return Result(kept: survivors.filter { !dropped.contains($0) }, removedByComponents: removedByComponents,
                      removedByZeta: dropped.count, componentsExceededTarget: false)
    }

    /// The strongly connected component of every node of a directed graph given by its out-edges (Tarjan's algorithm,
    /// iterative: no recursion depth limit). Components are numbered in the order they complete.
    public static func stronglyConnectedComponents(_ edges: [[Int]]) -> [Int] {
        let n = edges.count
        var index = [Int](repeating: -1, count: n), low = [Int](repeating: 0, count: n)
        var onStack = [Bool](repeating: false, count: n), stack: [Int] = []
        var component = [Int](repeating: -1, count: n)
        var nextIndex = 0, nextComponent = 0
        var calls: [(node: Int, edge: Int)] = []
        func visit(_ v: Int) {
            index[v] = nextIndex; low[v] = nextIndex; nextIndex += 1
            stack.append(v); onStack[v] = true
            calls.append((v, 0))
        }
        for start in 0..<n where index[start] < 0 {
            visit(start)
            while let (v, e) = calls.last {
                if e < edges[v].count {
                    calls[calls.count - 1].edge += 1
                    let w = edges[v][e]
                    if index[w] < 0 { visit(w) } else if onStack[w] { low[v] = min(low[v], index[w]) }
                    continue
                }
                calls.removeLast()
                if let parent = calls.last { low[parent.node] = min(low[parent.node], low[v]) }
                if low[v] == index[v] {
                    while let w = stack.popLast() {
                        onStack[w] = false; component[w] = nextComponent
                        if w == v { break }
                    }
                    nextComponent += 1
                }
            }
        }
        return component
    }
}

/// Filtering by probe disagreement: drop the fraction of training points whose weak label is furthest from
/// the probe's prediction.
public enum LabelFilter {
    /// Indices kept (ascending) after removing exactly round(n · fraction) points with the largest
    /// |probe − label| (ties: the lower index is removed first).
    public static func keepAgreeing(probe: [Float], labels: [Float], fraction: Double) throws -> [Int] {
        guard probe.count == labels.count else { throw ProbeError.invalid("filter: \(probe.count) probe predictions for \(labels.count) labels") }
        guard fraction >= 0 && fraction < 1 else { throw ProbeError.invalid("filter: fraction must be in [0, 1) (got \(fraction))") }
        let count = Int((Double(labels.count) * fraction).rounded())
        let dropped = Set(mostDisagreeing(zip(probe, labels).map { abs($0 - $1) }, count: count))
        return labels.indices.filter { !dropped.contains($0) }
    }

    /// The `count` indices with the largest values (ties: lower index first).
    static func mostDisagreeing(_ values: [Float], count: Int) -> [Int] {
        Array(values.indices.sorted { values[$0] != values[$1] ? values[$0] > values[$1] : $0 < $1 }.prefix(count))
    }
}
