package dev.lottery.nn.rng;

/**
 * Transcendental functions built only from IEEE-754 basic operations (+ - * / and bit manipulation), so a CUDA
 * kernel that performs the same operations in the same order gets bit-identical results. {@link Math#log}
 * cannot promise that: the JDK's intrinsics and CUDA's libdevice {@code log} are different implementations and
 * may differ in the last bit.
 *
 * <p>Java never contracts {@code a * b + c} into a fused multiply-add (strict IEEE semantics since JDK 17), so
 * the CUDA twin must be compiled with {@code --fmad=false} (or use {@code __dmul_rn}/{@code __dadd_rn}) for the
 * same bits. The exact algorithm is written down in {@code docs/rng.md}.
 */
public final class DeterministicMath {
    /** ln 2 split so that {@code e * LN2_HI} is exact for |e| < 2^11 (fdlibm's ln2_hi / ln2_lo). */
    static final double LN2_HI = Double.longBitsToDouble(0x3FE62E42FEE00000L);
    static final double LN2_LO = Double.longBitsToDouble(0x3DEA39EF35793C76L);
    /** Bits of sqrt(2) as a double's mantissa with biased exponent 0x3FF: the split point of the reduction. */
    private static final long SQRT2_MANTISSA = 0x6A09E667F3BCDL;
    /** 2^54, to lift subnormal inputs into the normal range before reading their exponent. */
    private static final double TWO54 = 0x1.0p54;

    /**
     * Coefficients 2/(2k+1), k = 1..11, of the series 2·atanh(s) = 2s + s·R(s²), R(z) = Σ 2/(2k+1)·z^k.
     * Eleven terms reach below 2^-54 relative error for |s| ≤ 0.1716; each constant is the correctly rounded
     * quotient, which CUDA's IEEE double division reproduces.
     */
    private static final double C1 = 2.0 / 3.0, C2 = 2.0 / 5.0, C3 = 2.0 / 7.0, C4 = 2.0 / 9.0, C5 = 2.0 / 11.0,
            C6 = 2.0 / 13.0, C7 = 2.0 / 15.0, C8 = 2.0 / 17.0, C9 = 2.0 / 19.0, C10 = 2.0 / 21.0, C11 = 2.0 / 23.0;

    private DeterministicMath() {
    }

    /**
     * Natural logarithm, within 2 ulp of the true value (tested against {@link Math#log}).
     *
     * <p>Reduction: x = 2^e · m with m in [√2/2, √2); g = m − 1 (exact by Sterbenz); s = g / (2 + g), so
     * log m = 2·atanh(s) = g − g²/2 + s·(g²/2 + R(s²)) (fdlibm's arrangement, which keeps the large part exact);
     * result = e·ln2_hi − ((g²/2 − (s·(g²/2 + R) + e·ln2_lo)) − g).
     *
     * @param x any double; subnormals are handled exactly
     * @return ln x; NaN for NaN or negative x, −∞ for ±0, +∞ for +∞
     */
    public static double log(double x) {
        if (Double.isNaN(x) || x < 0) return Double.NaN;
        if (x == 0) return Double.NEGATIVE_INFINITY;
        if (x == Double.POSITIVE_INFINITY) return x;
        int e = 0;
        long bits = Double.doubleToRawLongBits(x);
        if ((bits >>> 52) == 0) { // subnormal: scale up exactly, remember the shift
            bits = Double.doubleToRawLongBits(x * TWO54);
            e = -54;
        }
        e += (int) ((bits >>> 52) & 0x7FF) - 1023;
        long mantissa = bits & 0x000F_FFFF_FFFF_FFFFL;
        long mBits;
        if (mantissa > SQRT2_MANTISSA) { // m would be ≥ √2: halve it so m lies in [√2/2, 1)
            mBits = mantissa | 0x3FE0_0000_0000_0000L;
            e += 1;
        } else {
            mBits = mantissa | 0x3FF0_0000_0000_0000L;
        }
        double m = Double.longBitsToDouble(mBits);
        double g = m - 1.0;
        double s = g / (2.0 + g);
        double z = s * s;
        double r = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * (C6 + z * (C7 + z * (C8
                + z * (C9 + z * (C10 + z * C11))))))))));
        double hfsq = 0.5 * g * g;
        double dk = e;
        return dk * LN2_HI - ((hfsq - (s * (hfsq + r) + dk * LN2_LO)) - g);
    }
}
