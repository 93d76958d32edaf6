/// Vectorised transcendental functions on SIMD8<Float> (AVX2 width), accurate to a few ulp for the
/// ranges transformers produce. Scalar libm calls per element cost as much as a whole GEMM.
public enum VectorMath {
    public typealias V = SIMD8<Float>

    /// e^x: range reduction x = n·ln2 + r with |r| ≤ ln2/2, degree-6 polynomial for e^r, 2^n via exponent bits.
    @inline(__always)
    public static func exp(_ x: V) -> V {
        // Clamp by masked blends: the generic pointwiseMin/Max do not inline and cost as much as the polynomial.
        var clamped = x.replacing(with: V(repeating: -87.3), where: x .< -87.3)
        clamped = clamped.replacing(with: V(repeating: 88.3), where: clamped .> 88.3)
        // Adding 1.5·2²³ rounds to an integer kept in the low mantissa bits: n as float and as bits,
        // without the (slow, generic) SIMD float→int conversion.
        let magic = V(repeating: 12_582_912)
        let shifted = clamped * 1.442_695_04 + magic
        let n = shifted - magic
        // Two-part ln2 keeps r exact to float precision.
        var r = clamped - n * 0.693_145_75
        r = r - n * 1.428_606_8e-6
        var p = V(repeating: 1.0 / 720)
        p = p * r + 1.0 / 120
        p = p * r + 1.0 / 24
        p = p * r + 1.0 / 6
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        let integer = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000
        return p * unsafeBitCast((integer &+ 127) &<< 23, to: V.self)
    }

    /// erf(x), Abramowitz & Stegun 7.1.26 refined: |error| < 1.5e-7, odd symmetry handled explicitly.
    @inline(__always)
    public static func erf(_ x: V) -> V {
        let a = unsafeBitCast(unsafeBitCast(x, to: SIMD8<UInt32>.self) & 0x7FFF_FFFF, to: V.self)
        let t = V(repeating: 1) / (V(repeating: 1) + 0.327_591_1 * a)
        var p = V(repeating: 1.061_405_429)
        p = p * t - 1.453_152_027
        p = p * t + 1.421_413_741
        p = p * t - 0.284_496_736
        p = p * t + 0.254_829_592
        p = p * t
        let y = V(repeating: 1) - p * exp(-a * a)
        return y.replacing(with: -y, where: x .< 0)
    }

    /// Applies a SIMD kernel to `count` floats, with a zero-padded tail so every lane is defined.
    @inline(__always)
    public static func map(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, count: Int,
                           _ f: (V) -> V) {
        var i = 0
        while i + 8 <= count {
            let v = UnsafeRawPointer(input + i).loadUnaligned(as: V.self)
            UnsafeMutableRawPointer(output + i).storeBytes(of: f(v), as: V.self)
            i += 8
        }
        if i < count {
            var v = V(repeating: 0)
            for j in 0..<(count - i) { v[j] = input[i + j] }
            let r = f(v)
            for j in 0..<(count - i) { output[i + j] = r[j] }
        }
    }

    /// Sum of `count` floats with 8 lanes of accumulation.
    @inline(__always)
    public static func sum(_ x: UnsafePointer<Float>, count: Int) -> Float {
        var acc = V(repeating: 0)
        var i = 0
        while i + 8 <= count { acc += UnsafeRawPointer(x + i).loadUnaligned(as: V.self); i += 8 }
        var s = acc.sum()
        while i < count { s += x[i]; i += 1 }
        return s
    }

    /// Dot product with 8 lanes of FMA accumulation.
    @inline(__always)
    public static func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, count: Int) -> Float {
        var acc = V(repeating: 0)
        var i = 0
        while i + 8 <= count {
            acc.addProduct(UnsafeRawPointer(x + i).loadUnaligned(as: V.self),
                           UnsafeRawPointer(y + i).loadUnaligned(as: V.self))
            i += 8
        }
        var s = acc.sum()
        while i < count { s += x[i] * y[i]; i += 1 }
        return s
    }

    /// Σ (x − m)², with 8 lanes of FMA accumulation (a layer norm's variance).
    @inline(__always)
    public static func sumOfSquares(_ x: UnsafePointer<Float>, minus m: Float, count: Int) -> Float {
        var acc = V(repeating: 0)
        let mv = V(repeating: m)
        var i = 0
        while i + 8 <= count {
            let d = UnsafeRawPointer(x + i).loadUnaligned(as: V.self) - mv
            acc.addProduct(d, d)
            i += 8
        }
        var s = acc.sum()
        while i < count { let d = x[i] - m; s += d * d; i += 1 }
        return s
    }

    /// One layer-norm row in one pass: x̂ = (x − mean)·inverseStd into `normalized` (when given), y = x̂·γ + β.
    @inline(__always)
    public static func normalize(_ x: UnsafePointer<Float>, mean: Float, inverseStd: Float, gamma: UnsafePointer<Float>,
                                 beta: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>,
                                 normalized: UnsafeMutablePointer<Float>?, count: Int) {
        let mv = V(repeating: mean), iv = V(repeating: inverseStd)
        var i = 0
        while i + 8 <= count {
            let n = (UnsafeRawPointer(x + i).loadUnaligned(as: V.self) - mv) * iv
            if let normalized { UnsafeMutableRawPointer(normalized + i).storeBytes(of: n, as: V.self) }
            var out = UnsafeRawPointer(beta + i).loadUnaligned(as: V.self)
            out.addProduct(n, UnsafeRawPointer(gamma + i).loadUnaligned(as: V.self))
            UnsafeMutableRawPointer(y + i).storeBytes(of: out, as: V.self)
            i += 8
        }
        while i < count {
            let n = (x[i] - mean) * inverseStd
            normalized?[i] = n
            y[i] = n * gamma[i] + beta[i]
            i += 1
        }
    }

    /// One layer-norm row backward: with d = dy·γ, dx = inverseStd·(d − mean(d) − x̂·mean(d·x̂)).
    @inline(__always)
    public static func layerNormBackward(_ dy: UnsafePointer<Float>, normalized h: UnsafePointer<Float>,
                                         gamma: UnsafePointer<Float>, inverseStd: Float,
                                         into dx: UnsafeMutablePointer<Float>, count: Int) {
        var accD = V(repeating: 0), accDH = V(repeating: 0)
        var i = 0
        while i + 8 <= count {
            let d = UnsafeRawPointer(dy + i).loadUnaligned(as: V.self) * UnsafeRawPointer(gamma + i).loadUnaligned(as: V.self)
            accD += d
            accDH.addProduct(d, UnsafeRawPointer(h + i).loadUnaligned(as: V.self))
            i += 8
        }
        var sumD = accD.sum(), sumDH = accDH.sum()
        while i < count { let d = dy[i] * gamma[i]; sumD += d; sumDH += d * h[i]; i += 1 }
        let meanD = sumD / Float(count), meanDH = sumDH / Float(count)
        let iv = V(repeating: inverseStd), mdv = V(repeating: meanD), mdhv = V(repeating: meanDH)
        i = 0
        while i + 8 <= count {
            let d = UnsafeRawPointer(dy + i).loadUnaligned(as: V.self) * UnsafeRawPointer(gamma + i).loadUnaligned(as: V.self)
            let hv = UnsafeRawPointer(h + i).loadUnaligned(as: V.self)
            UnsafeMutableRawPointer(dx + i).storeBytes(of: iv * (d - mdv - hv * mdhv), as: V.self)
            i += 8
        }
        while i < count { dx[i] = inverseStd * (dy[i] * gamma[i] - meanD - h[i] * meanDH); i += 1 }
    }

    /// The largest of `count` floats (−∞ when empty), 8 lanes by masked blends.
    @inline(__always)
    public static func max(_ x: UnsafePointer<Float>, count: Int) -> Float {
        var acc = V(repeating: -.infinity)
        var i = 0
        while i + 8 <= count {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: V.self)
            acc = acc.replacing(with: v, where: v .> acc)
            i += 8
        }
        var m = acc.max()
        while i < count { m = Swift.max(m, x[i]); i += 1 }
        return m
    }

    /// x = e^(x − m) in place, returning Σ e^(x − m) (the lanes summed as `sum` does): softmax's exp and total in one pass.
    @inline(__always)
    public static func expSum(_ x: UnsafeMutablePointer<Float>, minus m: Float, count: Int) -> Float {
        var acc = V(repeating: 0)
        let mv = V(repeating: m)
        var i = 0
        while i + 8 <= count {
            let e = exp(UnsafeRawPointer(x + i).loadUnaligned(as: V.self) - mv)
            UnsafeMutableRawPointer(x + i).storeBytes(of: e, as: V.self)
            acc += e
            i += 8
        }
        var s = acc.sum()
        if i < count {
            var v = V(repeating: 0)
            for j in 0..<(count - i) { v[j] = x[i + j] }
            let e = exp(v - mv)
            for j in 0..<(count - i) { x[i + j] = e[j]; s += e[j] }
        }
        return s
    }

    /// x *= a
    @inline(__always)
    public static func scale(_ x: UnsafeMutablePointer<Float>, by a: Float, count: Int) {
        let av = V(repeating: a)
        var i = 0
        while i + 8 <= count {
            UnsafeMutableRawPointer(x + i).storeBytes(of: UnsafeRawPointer(x + i).loadUnaligned(as: V.self) * av, as: V.self)
            i += 8
        }
        while i < count { x[i] *= a; i += 1 }
    }

    /// z += x·y elementwise
    @inline(__always)
    public static func addProduct(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, into z: UnsafeMutablePointer<Float>,
                                  count: Int) {
        var i = 0
        while i + 8 <= count {
            var zv = UnsafeRawPointer(z + i).loadUnaligned(as: V.self)
            zv.addProduct(UnsafeRawPointer(x + i).loadUnaligned(as: V.self), UnsafeRawPointer(y + i).loadUnaligned(as: V.self))
            UnsafeMutableRawPointer(z + i).storeBytes(of: zv, as: V.self)
            i += 8
        }
        while i < count { z[i] += x[i] * y[i]; i += 1 }
    }

    /// y += a·x
    @inline(__always)
    public static func axpy(_ a: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        let av = V(repeating: a)
        while i + 8 <= count {
            var yv = UnsafeRawPointer(y + i).loadUnaligned(as: V.self)
            yv.addProduct(av, UnsafeRawPointer(x + i).loadUnaligned(as: V.self))
            UnsafeMutableRawPointer(y + i).storeBytes(of: yv, as: V.self)
            i += 8
        }
        while i < count { y[i] += a * x[i]; i += 1 }
    }
}
