package dev.lottery.nn.backend.cuda;

import java.util.List;

/**
 * {@code radix_select.cu} step by step over host arrays: the same keys, the same two phases of four 8-bit
 * histogram passes, the same pick rule and the same final pruning pass. The device runs each histogram pass in
 * parallel (the counts do not depend on the order of the atomic additions) and each pick in one thread; this
 * class runs them in loops. Tested against the CPU backend's sort-based pruning, so the algorithm the kernels
 * implement is proven on the CPU and only its execution on a device is left to the {@code gpu} tests.
 */
final class RadixSelectReference {
    static final int BINS = 256;
    /** The shifts of the four passes, most significant digit first. */
    static final int[] SHIFTS = {24, 16, 8, 0};

    private RadixSelectReference() {}

    /** The kernel state: prefix, prefix mask, remaining rank, threshold key T. */
    static final class State {
        int prefix, prefixMask, rank, threshold;

        State(int rank) {
            this.rank = rank;
        }
    }

    /** {@code |w|}'s bits: ordered like the magnitudes as unsigned (here: non-negative) ints. */
    static int key(float w) {
        return Float.floatToRawIntBits(w) & 0x7FFF_FFFF;
    }

    /** {@code radix_histogram} over one tensor (adds into {@code hist}). */
    static void histogram(float[] w, float[] mask, int indexBase, int phase, int shift, State s, int[] hist) {
        for (int i = 0; i < w.length; i++) {
            if (mask != null && mask[i] == 0f) continue;
            int key = key(w[i]);
            if (phase == 1) {
                if (key != s.threshold) continue;
                key = indexBase + i;
            }
            if ((key & s.prefixMask) != s.prefix) continue;
            hist[(key >>> shift) & 0xFF]++;
        }
    }

    /** {@code radix_pick}: the digit whose cumulative count passes the rank; clears the histogram. */
    static void pick(int[] hist, State s, int phase, int shift) {
        int below = 0;
        int digit = BINS - 1;
        for (int b = 0; b < BINS; b++) {
            int c = hist[b];
            if (Integer.compareUnsigned(s.rank, below + c) < 0) {
                digit = b;
                break;
            }
            below += c;
        }
        s.prefix |= digit << shift;
        s.prefixMask |= 0xFF << shift;
        s.rank -= below;
        java.util.Arrays.fill(hist, 0);
        if (phase == 0 && shift == 0) {
            s.threshold = s.prefix;
            s.prefix = 0;
            s.prefixMask = 0;
        }
    }

    /**
     * Prunes exactly {@code count} unmasked entries of {@code weights} (ranked together, index = position in the
     * concatenation) by setting their mask to 0, as the device does: select position {@code count - 1}, then
     * prune everything at or before it.
     */
    static void prune(List<float[]> weights, List<float[]> masks, long count) {
        if (count <= 0) return;
        State s = select(weights, masks, Math.toIntExact(count - 1));
        int base = 0;
        for (int t = 0; t < weights.size(); t++) {
            float[] w = weights.get(t), m = masks.get(t);
            for (int i = 0; i < w.length; i++) {
                if (m[i] == 0f) continue;
                int key = key(w[i]);
                if (key < s.threshold || (key == s.threshold && Integer.compareUnsigned(base + i, s.prefix) <= 0)) m[i] = 0f;
            }
            base += w.length;
        }
    }

    /** Both phases: afterwards {@code threshold} is T and {@code prefix} the global index I of the selected entry. */
    static State select(List<float[]> weights, List<float[]> masks, int rank) {
        State s = new State(rank);
        int[] hist = new int[BINS];
        for (int phase = 0; phase < 2; phase++) {
            for (int shift : SHIFTS) {
                int base = 0;
                for (int t = 0; t < weights.size(); t++) {
                    histogram(weights.get(t), masks.get(t), base, phase, shift, s, hist);
                    base += weights.get(t).length;
                }
                pick(hist, s, phase, shift);
            }
        }
        return s;
    }
}
