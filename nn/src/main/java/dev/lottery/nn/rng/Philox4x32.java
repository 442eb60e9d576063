package dev.lottery.nn.rng;

/**
 * The Philox4x32-10 counter-based bijection of Salmon et al., "Parallel random numbers: as easy as 1, 2, 3"
 * (SC'11), bit-for-bit as in Random123's {@code philox4x32_R(10, ctr, key)}.
 *
 * <p>It maps a 128-bit counter and a 64-bit key to 128 random bits with no state, so element {@code i} of any
 * draw can be computed on its own — by a Java loop or by CUDA thread {@code i} — and both get the same bits.
 * Each round multiplies two counter words by fixed odd constants, swaps the halves and xors in the key; the key
 * is bumped by Weyl constants between rounds. Words are Java {@code int}s read as unsigned 32-bit values.
 */
public final class Philox4x32 {
    /** Round multipliers (Random123 PHILOX_M4x32_0, PHILOX_M4x32_1). */
    static final int M0 = 0xD2511F53;
    static final int M1 = 0xCD9E8D57;
    /** Key schedule Weyl increments (golden ratio and sqrt(3)-1, Random123 PHILOX_W32_0, PHILOX_W32_1). */
    static final int W0 = 0x9E3779B9;
    static final int W1 = 0xBB67AE85;
    /** Rounds; 10 is Random123's default and the variant its known-answer tests check. */
    public static final int ROUNDS = 10;

    private static final long MASK32 = 0xFFFF_FFFFL;

    private Philox4x32() {
    }

    /**
     * Computes philox4x32-10 of counter (c0, c1, c2, c3) under key (k0, k1) and writes the four output words to
     * {@code out[0..3]}. Allocation-free, so hot loops can reuse one {@code out} array.
     *
     * @param c0 counter word 0 (least significant), read as unsigned
     * @param c1 counter word 1
     * @param c2 counter word 2
     * @param c3 counter word 3 (most significant)
     * @param k0 key word 0 (low 32 bits of the key)
     * @param k1 key word 1 (high 32 bits of the key)
     * @param out receives the four output words in {@code out[0..3]}; must have length at least 4, other entries
     *            are left alone
     */
    public static void block(int c0, int c1, int c2, int c3, int k0, int k1, int[] out) {
        for (int r = 0; r < ROUNDS; r++) {
            if (r > 0) {
                k0 += W0;
                k1 += W1;
            }
            long p0 = (M0 & MASK32) * (c0 & MASK32);
            long p1 = (M1 & MASK32) * (c2 & MASK32);
            int hi0 = (int) (p0 >>> 32), lo0 = (int) p0;
            int hi1 = (int) (p1 >>> 32), lo1 = (int) p1;
            c0 = hi1 ^ c1 ^ k0;
            c1 = lo1;
            c2 = hi0 ^ c3 ^ k1;
            c3 = lo0;
        }
        out[0] = c0;
        out[1] = c1;
        out[2] = c2;
        out[3] = c3;
    }

    /**
     * Convenience form of {@link #block(int, int, int, int, int, int, int[])} that allocates its output.
     *
     * @param counter the four counter words {@code c0..c3}, least significant first; not modified
     * @param key the two key words {@code k0, k1}, low word first; not modified
     * @return a fresh four-word array holding the output words
     * @throws IllegalArgumentException if {@code counter} does not have exactly 4 words or {@code key} exactly 2
     */
    public static int[] block(int[] counter, int[] key) {
        if (counter.length != 4 || key.length != 2) {
            throw new IllegalArgumentException("philox4x32 needs a 4-word counter and a 2-word key");
        }
        int[] out = new int[4];
        block(counter[0], counter[1], counter[2], counter[3], key[0], key[1], out);
        return out;
    }
}
