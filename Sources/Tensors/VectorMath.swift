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
