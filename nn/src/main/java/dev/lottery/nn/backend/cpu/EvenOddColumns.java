package dev.lottery.nn.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Splits a row of floats into its even and its odd columns, {@code 2L} columns at a time in registers (two
 * rearrangements and a blend per half), and interleaves them again; the row's last piece is loaded and stored under
 * lane masks, so nothing is written past either half or the row. A strided gather (one load and one store per float, the stride defeating the JIT's
 * vectorizer) took about half of a stride-2 convolution's forward pass; Winograd's staging needs the same split, and a stride-2
 * data gradient the interleaving.
 */
final class EvenOddColumns {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Lane i takes lane 2i of the vector in the lower half and lane 2i + 1 in the upper: {@code [evens, odds]}. */
    private static final VectorShuffle<Float> EVENS_FIRST = VectorShuffle.fromOp(S, i -> i < L / 2 ? 2 * i : 2 * (i - L / 2) + 1);
    /** The other way round: {@code [odds, evens]}. */
    private static final VectorShuffle<Float> ODDS_FIRST = VectorShuffle.fromOp(S, i -> i < L / 2 ? 2 * i + 1 : 2 * (i - L / 2));
    private static final VectorMask<Float> UPPER_HALF = VectorMask.fromLong(S, -1L << (L / 2));
    /** Lane k takes lane k / 2: the lower half of a vector, each lane twice. */
    private static final VectorShuffle<Float> LOWER_TWICE = VectorShuffle.fromOp(S, k -> k / 2);
    /** Lane k takes lane L / 2 + k / 2: the upper half, each lane twice. */
    private static final VectorShuffle<Float> UPPER_TWICE = VectorShuffle.fromOp(S, k -> L / 2 + k / 2);
    private static final VectorMask<Float> ODD_LANES = VectorMask.fromLong(S, 0xAAAAAAAAAAAAAAAAL);

    private EvenOddColumns() {}

    /**
     * Writes {@code row[from + 2m]} to {@code dst[evenAt + m]} and {@code row[from + 2m + 1]} to {@code dst[oddAt + m]}
     * for the {@code w} floats of the row.
     */
    static void split(float[] row, int from, int w, float[] dst, int evenAt, int oddAt) {
        int evens = (w + 1) / 2, odds = w / 2, m = 0;
        for (; 2 * m + 2 * L <= w; m += L) {
            FloatVector a = FloatVector.fromArray(S, row, from + 2 * m), b = FloatVector.fromArray(S, row, from + 2 * m + L);
            evenLanes(a, b).intoArray(dst, evenAt + m);
            oddLanes(a, b).intoArray(dst, oddAt + m);
        }
        if (m < evens) {
            FloatVector a = FloatVector.fromArray(S, row, from + 2 * m, S.indexInRange(2 * m, w));
            FloatVector b = FloatVector.fromArray(S, row, from + 2 * m + L, S.indexInRange(2 * m + L, w));
            evenLanes(a, b).intoArray(dst, evenAt + m, S.indexInRange(m, evens));
            oddLanes(a, b).intoArray(dst, oddAt + m, S.indexInRange(m, odds));
        }
    }

    /**
     * The inverse of {@link #split}: writes {@code src[evenAt + m]} to {@code dst[to + 2m]} and {@code src[oddAt + m]}
     * to {@code dst[to + 2m + 1]} for the {@code w} floats of the row.
     */
    static void interleave(float[] src, int evenAt, int oddAt, int w, float[] dst, int to) {
        int evens = (w + 1) / 2, odds = w / 2, m = 0;
        for (; 2 * m + 2 * L <= w; m += L) {
            FloatVector e = FloatVector.fromArray(S, src, evenAt + m), o = FloatVector.fromArray(S, src, oddAt + m);
            pairs(e, o, LOWER_TWICE).intoArray(dst, to + 2 * m);
            pairs(e, o, UPPER_TWICE).intoArray(dst, to + 2 * m + L);
        }
        if (m < evens) {
            FloatVector e = FloatVector.fromArray(S, src, evenAt + m, S.indexInRange(m, evens));
            FloatVector o = FloatVector.fromArray(S, src, oddAt + m, S.indexInRange(m, odds));
            pairs(e, o, LOWER_TWICE).intoArray(dst, to + 2 * m, S.indexInRange(2 * m, w));
            pairs(e, o, UPPER_TWICE).intoArray(dst, to + 2 * m + L, S.indexInRange(2 * m + L, w));
        }
    }

    /** {@code e[j], o[j]} in turn for the lanes j of one half of {@code e} and {@code o} ({@code twice} picks which). */
    private static FloatVector pairs(FloatVector e, FloatVector o, VectorShuffle<Float> twice) {
        return e.rearrange(twice).blend(o.rearrange(twice), ODD_LANES);
    }

    /**
     * The even lanes of the {@code 2L} values {@code a, b}, in order: the lower half from {@code a} and the upper from
     * {@code b}, each rearranged so that its even lanes sit in that half.
     */
    private static FloatVector evenLanes(FloatVector a, FloatVector b) {
        return a.rearrange(EVENS_FIRST).blend(b.rearrange(ODDS_FIRST), UPPER_HALF);
    }

    /** The odd lanes of {@code a, b}, in order (see {@link #evenLanes}). */
    private static FloatVector oddLanes(FloatVector a, FloatVector b) {
        return a.rearrange(ODDS_FIRST).blend(b.rearrange(EVENS_FIRST), UPPER_HALF);
    }
}
