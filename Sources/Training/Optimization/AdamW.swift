import Foundation
import Tensors

/// Adam with decoupled weight decay (Loshchilov & Hutter): p ← p − lr·(m̂/(√v̂+ε) + λ·p).
public final class AdamW {
    public struct Hyperparameters: Codable, Hashable, Sendable {
        public var beta1: Float = 0.9
        public var beta2: Float = 0.95
        public var epsilon: Float = 1e-8
        public var weightDecay: Float = 0.1
        public init(beta1: Float = 0.9, beta2: Float = 0.95, epsilon: Float = 1e-8, weightDecay: Float = 0.1) {
            self.beta1 = beta1; self.beta2 = beta2; self.epsilon = epsilon; self.weightDecay = weightDecay
        }
    }

    /// Moments and step count, restorable for resume.
    public struct State: Codable, Sendable {
        public var step: Int
        public var firstMoments: [[Float]]
        public var secondMoments: [[Float]]
    }

    public let parameters: [Parameter]
    public let hyperparameters: Hyperparameters
    public private(set) var state: State

    public init(parameters: [Parameter], hyperparameters: Hyperparameters = Hyperparameters()) {
        self.parameters = parameters.filter(\.isTrainable)
        self.hyperparameters = hyperparameters
        state = State(step: 0, firstMoments: self.parameters.map { [Float](repeating: 0, count: $0.value.count) },
                      secondMoments: self.parameters.map { [Float](repeating: 0, count: $0.value.count) })
    }

    public func restore(_ saved: State) throws {
        guard saved.firstMoments.map(\.count) == state.firstMoments.map(\.count) else {
            throw TrainingError.invalid("saved optimizer state does not match the model's parameters")
        }
        state = saved
    }

    public func zeroGradients() { for p in parameters { p.zeroGradient() } }

    /// One update with learning rate `rate`; gradients are left in place (call `zeroGradients`).
    public func step(rate: Float) {
        state.step += 1
        let h = hyperparameters
        let t = Float(state.step)
        let correction1 = 1 - pow(h.beta1, t), correction2 = 1 - pow(h.beta2, t)
        for (k, p) in parameters.enumerated() {
            let decay = p.decays ? h.weightDecay : 0
            let n = p.value.count
            p.value.data.withUnsafeMutableBufferPointer { w in
            p.gradient.data.withUnsafeBufferPointer { g in
            state.firstMoments[k].withUnsafeMutableBufferPointer { m in
            state.secondMoments[k].withUnsafeMutableBufferPointer { v in
                for i in 0..<n {
                    m[i] = h.beta1 * m[i] + (1 - h.beta1) * g[i]
                    v[i] = h.beta2 * v[i] + (1 - h.beta2) * g[i] * g[i]
                    let update = (m[i] / correction1) / ((v[i] / correction2).squareRoot() + h.epsilon)
                    w[i] -= rate * (update + decay * w[i])
                }
            }}}}
        }
    }
}
