package dev.lottery.nn.rng;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A stream of random numbers named by (seed, tensor name, purpose) whose element {@code i} depends only on the
 * key and {@code i}: never on call order, on how many values were drawn before, or on the thread that draws it.
 * A CUDA kernel computing element {@code i} in thread {@code i} gets the same bits (see {@code docs/rng.md}).
 *
 * <h2>Key</h2>
 * {@code h = FNV-1a-64(UTF-8(tensorName) ‖ 0x00 ‖ UTF-8(purpose))}, {@code key = mix64(h ^ mix64(seed))} where
 * {@code mix64} is SplitMix64's finalizer; Philox key words are {@code k0 = (int) key, k1 = (int) (key >>> 32)}.
 *
 * <h2>Counters</h2>
 * Element {@code i}, attempt {@code a} uses Philox4x32-10 on counter {@code (lo32(i), hi32(i), a, 0)} and yields
 * four words {@code x0..x3}. Draws that may reject (normals) move to the next attempt; nothing else is shared
 * between elements.
 *
 * <h2>Values</h2>
 * <ul>
 * <li>{@link #uniform(long)}: {@code U = (x0·2^21 + (x1 >>> 11)) · 2^-53} at attempt 0 — 53 random bits, in [0, 1).</li>
 * <li>{@link #normal(long)}: Marsaglia's polar method. At attempt a, {@code u = 2·U(x0,x1) − 1},
 * {@code v = 2·U(x2,x3) − 1}, {@code s = u·u + v·v}; if {@code 0 < s < 1} the value is
 * {@code u · sqrt(−2·log(s) / s)} (log from {@link DeterministicMath}), else try attempt a+1. Only the u-half of
 * each accepted pair is used, so one element never needs another element's counter.</li>
 * <li>{@link #truncatedNormal(long)}: as {@link #normal(long)}, but a value with |z| &gt; 2 also moves to the next
 * attempt ("values more than two standard deviations from the mean were discarded and resampled").</li>
 * </ul>
 * Everything is computed in double with basic IEEE operations and rounded to float once at the end.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class KeyedRandom {
    private static final long FNV_OFFSET = 0xCBF29CE484222325L;
    private static final long FNV_PRIME = 0x100000001B3L;
    private static final double TWO_POW_MINUS_53 = 0x1.0p-53;

    private final long seed;
    private final String tensorName;
    private final String purpose;
    private final int k0;
    private final int k1;

    /**
     * The stream keyed by ({@code seed}, {@code tensorName}, {@code purpose}).
     *
     * @param seed the run's seed; any value, 0 included
     * @param tensorName the name of the tensor the draws are for (e.g. a parameter name); not null, may be empty
     * @param purpose what the draws are for ({@code init}, {@code reinit}, ...), so two uses of one tensor get
     *                independent streams; not null, may be empty
     * @throws NullPointerException if {@code tensorName} or {@code purpose} is null
     */
    public KeyedRandom(long seed, String tensorName, String purpose) {
        this.seed = seed;
        this.tensorName = Objects.requireNonNull(tensorName, "tensorName");
        this.purpose = Objects.requireNonNull(purpose, "purpose");
        long key = key(seed, tensorName, purpose);
        this.k0 = (int) key;
        this.k1 = (int) (key >>> 32);
    }

    /**
     * The 64-bit Philox key for (seed, tensorName, purpose); see the class comment for the formula.
     *
     * @param seed the run's seed
     * @param tensorName the tensor name, hashed as UTF-8; not null
     * @param purpose the purpose, hashed as UTF-8 after a 0x00 separator; not null
     * @return the key: its low 32 bits are Philox key word 0, its high 32 bits key word 1
     */
    public static long key(long seed, String tensorName, String purpose) {
        long h = FNV_OFFSET;
        for (byte b : tensorName.getBytes(StandardCharsets.UTF_8)) h = (h ^ (b & 0xFF)) * FNV_PRIME;
        h = (h ^ 0) * FNV_PRIME; // the 0x00 separator, so ("ab","c") and ("a","bc") differ
        for (byte b : purpose.getBytes(StandardCharsets.UTF_8)) h = (h ^ (b & 0xFF)) * FNV_PRIME;
        return mix64(h ^ mix64(seed));
    }

    /**
     * SplitMix64's output finalizer (Steele, Lea and Flood 2014): a bijection with full avalanche.
     *
     * @param z any 64-bit value
     * @return the mixed value; distinct inputs give distinct outputs
     */
    public static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * A stream with the same seed and tensor name and another purpose: an independent set of draws.
     *
     * @param otherPurpose the new purpose; not null
     * @return a new stream; this one is unchanged
     */
    public KeyedRandom withPurpose(String otherPurpose) {
        return new KeyedRandom(seed, tensorName, otherPurpose);
    }

    /**
     * The stream's seed.
     *
     * @return the seed given to the constructor
     */
    public long seed() {
        return seed;
    }

    /**
     * The name of the tensor the stream draws for.
     *
     * @return the tensor name given to the constructor, never null
     */
    public String tensorName() {
        return tensorName;
    }

    /**
     * What the draws are for ({@code init}, {@code reinit}, ...).
     *
     * @return the purpose given to the constructor, never null
     */
    public String purpose() {
        return purpose;
    }

    /**
     * Philox key word 0, for a GPU kernel that mirrors these draws.
     *
     * @return the low 32 bits of {@link #key}
     */
    public int key0() {
        return k0;
    }

    /**
     * Philox key word 1, for a GPU kernel that mirrors these draws.
     *
     * @return the high 32 bits of {@link #key}
     */
    public int key1() {
        return k1;
    }

    /**
     * The four Philox output words of element {@code index}, attempt {@code attempt}, written to {@code out}.
     *
     * @param index the element index, a 64-bit counter split into the first two counter words
     * @param attempt the rejection attempt, the third counter word; 0 for draws that never reject
     * @param out receives the words {@code x0..x3} in {@code out[0..3]}; length at least 4, reusable across calls
     */
    public void block(long index, int attempt, int[] out) {
        Philox4x32.block((int) index, (int) (index >>> 32), attempt, 0, k0, k1, out);
    }

    /**
     * 64 random bits for element {@code index}: {@code x0 << 32 | x1} at attempt 0.
     *
     * @param index the element index, any 64-bit value (read as unsigned)
     * @return 64 uniformly random bits
     */
    public long bits64(long index) {
        int[] w = new int[4];
        block(index, 0, w);
        return ((long) w[0] << 32) | (w[1] & 0xFFFF_FFFFL);
    }

    /**
     * 32 random bits for element {@code index}: {@code x0} at attempt 0.
     *
     * @param index the element index, any 64-bit value (read as unsigned)
     * @return 32 uniformly random bits; the same as the high half of {@link #bits64} for that index
     */
    public int bits32(long index) {
        int[] w = new int[4];
        block(index, 0, w);
        return w[0];
    }

    /**
     * Uniform in [0, 1) with 53 random bits: {@code (x0·2^21 + (x1 >>> 11))·2^-53} at attempt 0.
     *
     * @param index the element index, any 64-bit value (read as unsigned)
     * @return a multiple of 2^-53 in [0, 1)
     */
    public double uniform(long index) {
        int[] w = new int[4];
        block(index, 0, w);
        return unit53(w[0], w[1]);
    }

    /**
     * Standard normal for element {@code index} (Marsaglia polar; see the class comment).
     *
     * @param index the element index, any 64-bit value (read as unsigned)
     * @return a finite draw from N(0, 1)
     */
    public double normal(long index) {
        return standardNormal(index, false, new int[4]);
    }

    /**
     * Standard normal conditioned on |z| ≤ 2, by resampling (see the class comment).
     *
     * @param index the element index, any 64-bit value (read as unsigned)
     * @return a draw in [−2, 2]; equal to {@link #normal} for the same index whenever that one lies in [−2, 2]
     */
    public double truncatedNormal(long index) {
        return standardNormal(index, true, new int[4]);
    }

    /**
     * {@code dst[i] = (float) (lo + (hi − lo)·U(i))}; in [lo, hi] (hi is reachable only through float rounding).
     *
     * @param dst filled in full; element {@code i} uses index {@code i}, so equal-length arrays get equal values
     * @param lo the lower bound, inclusive
     * @param hi the upper bound, exclusive except through float rounding
     */
    public void fillUniform(float[] dst, float lo, float hi) {
        double l = lo, width = (double) hi - (double) lo;
        int[] w = new int[4];
        for (int i = 0; i < dst.length; i++) {
            block(i, 0, w);
            dst[i] = (float) (l + width * unit53(w[0], w[1]));
        }
    }

    /**
     * {@code dst[i] = (float) (mean + std·Z(i))} with Z standard normal: Z(i) is {@link #normal} of index i.
     *
     * @param dst filled in full; element {@code i} uses index {@code i}
     * @param mean the mean of the values
     * @param std the standard deviation; a negative value flips the sign of every deviation
     */
    public void fillNormal(float[] dst, float mean, float std) {
        int[] w = new int[4];
        for (int i = 0; i < dst.length; i++) dst[i] = (float) ((double) mean + (double) std * standardNormal(i, false, w));
    }

    /**
     * As {@link #fillNormal} but every |Z| &gt; 2 is discarded and redrawn (next attempt), so
     * |dst[i] − mean| ≤ 2·std.
     *
     * @param dst filled in full; element {@code i} uses index {@code i}
     * @param mean the mean of the untruncated distribution (and of the truncated one, which is symmetric)
     * @param std the standard deviation before truncation; the values' own spread is about 0.88·std
     */
    public void fillTruncatedNormal(float[] dst, float mean, float std) {
        int[] w = new int[4];
        for (int i = 0; i < dst.length; i++) dst[i] = (float) ((double) mean + (double) std * standardNormal(i, true, w));
    }

    /**
     * A uniformly random permutation of 0..n−1 by Fisher–Yates: the j-th swap (j = 0..n−2) exchanges position
     * {@code p = n−1−j} with position {@code k = min(floor(U(j)·(p+1)), p)}, U(j) = {@link #uniform(long)}. The
     * {@code min} only guards against the product rounding up to p+1.
     *
     * @param n the number of elements, 0 or more
     * @return a fresh array holding each of 0..n−1 once
     * @throws IllegalArgumentException if {@code n} is negative
     */
    public int[] permutation(int n) {
        if (n < 0) throw new IllegalArgumentException("negative permutation size " + n);
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) perm[i] = i;
        int[] w = new int[4];
        for (int j = 0; j < n - 1; j++) {
            int p = n - 1 - j;
            block(j, 0, w);
            int k = Math.min((int) (unit53(w[0], w[1]) * (p + 1)), p);
            int t = perm[p];
            perm[p] = perm[k];
            perm[k] = t;
        }
        return perm;
    }

    private double standardNormal(long index, boolean truncated, int[] w) {
        for (int attempt = 0; ; attempt++) {
            block(index, attempt, w);
            double u = 2.0 * unit53(w[0], w[1]) - 1.0;
            double v = 2.0 * unit53(w[2], w[3]) - 1.0;
            double s = u * u + v * v;
            if (s >= 1.0 || s == 0.0) continue;
            double z = u * Math.sqrt(-2.0 * DeterministicMath.log(s) / s);
            if (truncated && (z > 2.0 || z < -2.0)) continue;
            return z;
        }
    }

    private static double unit53(int hi, int lo) {
        long bits = ((hi & 0xFFFF_FFFFL) << 21) | ((lo & 0xFFFF_FFFFL) >>> 11);
        return bits * TWO_POW_MINUS_53;
    }

    @Override
    public String toString() {
        return "KeyedRandom[seed=" + seed + ", tensor=" + tensorName + ", purpose=" + purpose + "]";
    }
}
