package dev.lottery.nn.backend.cuda;

/**
 * {@code keyed_random.cu} transliterated to Java, operation by operation and in the kernel's order (the same
 * Philox rounds on 32-bit words, the same {@code unit53}, the same deterministic log, the same polar loop and
 * the same single rounding to float). Java arithmetic is IEEE double without contraction, which is what the
 * kernel gets from {@code --fmad=false}; so if this class equals {@link dev.lottery.nn.rng.KeyedRandom} bit for
 * bit (tested over many indices), the only thing left unproven without a GPU is that the device executes the
 * same IEEE operations, which the {@code gpu} tests then check.
 *
 * <p>Deliberately not shared with {@code KeyedRandom}: it is a second, independent statement of the algorithm
 * in the kernel's shape (word arrays, explicit counters), so a change to one side that the other lacks shows.
 */
final class KeyedRandomKernelReference {
    private static final int M0 = 0xD2511F53, M1 = 0xCD9E8D57, W0 = 0x9E3779B9, W1 = 0xBB67AE85;
    private static final double LN2_HI = Double.longBitsToDouble(0x3FE62E42FEE00000L);
    private static final double LN2_LO = Double.longBitsToDouble(0x3DEA39EF35793C76L);
    private static final double C1 = 2.0 / 3.0, C2 = 2.0 / 5.0, C3 = 2.0 / 7.0, C4 = 2.0 / 9.0, C5 = 2.0 / 11.0,
            C6 = 2.0 / 13.0, C7 = 2.0 / 15.0, C8 = 2.0 / 17.0, C9 = 2.0 / 19.0, C10 = 2.0 / 21.0, C11 = 2.0 / 23.0;

    private KeyedRandomKernelReference() {}

    /** {@code philox4x32_10(c, k0, k1)} in place. */
    static void philox4x32x10(int[] c, int k0, int k1) {
        for (int r = 0; r < 10; r++) {
            if (r > 0) {
                k0 += W0;
                k1 += W1;
            }
            long p0 = Integer.toUnsignedLong(M0) * Integer.toUnsignedLong(c[0]);
            long p1 = Integer.toUnsignedLong(M1) * Integer.toUnsignedLong(c[2]);
            int hi0 = (int) (p0 >>> 32), lo0 = (int) p0;
            int hi1 = (int) (p1 >>> 32), lo1 = (int) p1;
            int n0 = hi1 ^ c[1] ^ k0;
            int n2 = hi0 ^ c[3] ^ k1;
            c[0] = n0;
            c[1] = lo1;
            c[2] = n2;
            c[3] = lo0;
        }
    }

    /** {@code block(index, attempt, k0, k1, out)}: counter (lo32, hi32, attempt, 0). */
    static void block(long index, int attempt, int k0, int k1, int[] out) {
        out[0] = (int) index;
        out[1] = (int) (index >>> 32);
        out[2] = attempt;
        out[3] = 0;
        philox4x32x10(out, k0, k1);
    }

    static double unit53(int hi, int lo) {
        long bits = (Integer.toUnsignedLong(hi) << 21) | (Integer.toUnsignedLong(lo) >>> 11);
        return (double) bits * 0x1.0p-53;
    }

    static double detLog(double x) {
        if (x != x || x < 0.0) return Double.longBitsToDouble(0x7FF8000000000000L);
        if (x == 0.0) return -Double.longBitsToDouble(0x7FF0000000000000L);
        if (x == Double.longBitsToDouble(0x7FF0000000000000L)) return x;
        int e = 0;
        long bits = Double.doubleToRawLongBits(x);
        if ((bits >>> 52) == 0) {
            bits = Double.doubleToRawLongBits(x * 0x1.0p54);
            e = -54;
        }
        e += (int) ((bits >>> 52) & 0x7FF) - 1023;
        long mantissa = bits & 0x000FFFFFFFFFFFFFL;
        long mBits;
        if (Long.compareUnsigned(mantissa, 0x6A09E667F3BCDL) > 0) {
            mBits = mantissa | 0x3FE0000000000000L;
            e += 1;
        } else {
            mBits = mantissa | 0x3FF0000000000000L;
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

    static double standardNormal(long index, int k0, int k1, boolean truncated) {
        int[] w = new int[4];
        for (int attempt = 0; ; attempt++) {
            block(index, attempt, k0, k1, w);
            double u = 2.0 * unit53(w[0], w[1]) - 1.0;
            double v = 2.0 * unit53(w[2], w[3]) - 1.0;
            double s = u * u + v * v;
            if (s >= 1.0 || s == 0.0) continue;
            double z = u * Math.sqrt(-2.0 * detLog(s) / s);
            if (truncated && (z > 2.0 || z < -2.0)) continue;
            return z;
        }
    }

    /** What {@code fill_uniform} / {@code fill_normal} (or a zero fill) writes for {@code draw}. */
    static float[] fill(DeviceDraw draw, int n, int k0, int k1) {
        float[] dst = new float[n];
        switch (draw) {
            case DeviceDraw.Uniform u -> {
                double l = u.lo(), width = (double) u.hi() - (double) u.lo();
                int[] w = new int[4];
                for (int i = 0; i < n; i++) {
                    block(i, 0, k0, k1, w);
                    dst[i] = (float) (l + width * unit53(w[0], w[1]));
                }
            }
            case DeviceDraw.Normal g -> {
                for (int i = 0; i < n; i++) dst[i] = (float) ((double) g.mean() + (double) g.std() * standardNormal(i, k0, k1, g.truncated()));
            }
            case DeviceDraw.Zeros z -> { }
            case DeviceDraw.OnHost h -> throw new IllegalArgumentException("no device kernel draws this initializer");
        }
        return dst;
    }

    /** What the one-thread {@code permutation} kernel writes. */
    static int[] permutation(int n, int k0, int k1) {
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) perm[i] = i;
        int[] w = new int[4];
        for (int j = 0; j < n - 1; j++) {
            int p = n - 1 - j;
            block(j, 0, k0, k1, w);
            int k = (int) (unit53(w[0], w[1]) * (double) (p + 1));
            if (k > p) k = p;
            int t = perm[p];
            perm[p] = perm[k];
            perm[k] = t;
        }
        return perm;
    }
}
