import Foundation
import Tensors

/// The kNN probe of the EleutherAI post: a point's prediction is the mean soft label of its k nearest
/// training points (cosine similarity of the activations; k = 50 by default).
public struct KNNProbe: Sendable {
    public let k: Int
    public let search: NearestNeighbors
    public let labels: [Float]

    /// `features` [n, d] of the training points and their soft labels in [0, 1].
    public init(features: Tensor, labels: [Float], k: Int = 50) throws {
        try ProbeInput.validate(features: features, labels: labels, what: "kNN probe")
        guard k >= 1 else { throw ProbeError.invalid("kNN probe: k must be ≥ 1 (got \(k))") }
        self.k = k
        self.labels = labels
        search = NearestNeighbors(references: features)
    }

    public func predict(_ queries: Tensor) -> [Float] {
        search.neighbors(of: queries, k: k).map(mean)
    }

    /// In-sample predictions with each point left out of its own neighbourhood.
    public func predictTrainingPoints() -> [Float] {
        search.neighbors(of: search.references, k: k, excludingSelf: true).map(mean)
    }

    private func mean(_ neighbors: [Int]) -> Float {
        guard !neighbors.isEmpty else { return 0.5 }
        return neighbors.reduce(Float(0)) { $0 + labels[$1] } / Float(neighbors.count)
    }
}

public enum ProbeError: Error, CustomStringConvertible, Equatable {
    case invalid(String)
    public var description: String {
        switch self { case .invalid(let m): return m }
    }
}

enum ProbeInput {
    static func validate(features: Tensor, labels: [Float], what: String) throws {
        guard features.rank == 2, features.rows == labels.count else {
            throw ProbeError.invalid("\(what): \(features.rows) feature rows but \(labels.count) labels")
        }
        guard features.rows >= 2 else { throw ProbeError.invalid("\(what): needs at least 2 training points") }
        guard features.data.allSatisfy(\.isFinite) else {
            throw ProbeError.invalid("\(what): the activations contain NaN or infinity; recompute them (delete runs/.cache/activations)")
        }
        guard labels.allSatisfy({ $0.isFinite && $0 >= 0 && $0 <= 1 }) else {
            throw ProbeError.invalid("\(what): labels must be probabilities in [0, 1]")
        }
    }
}
