package dev.lottery.nn.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Splits a row of floats into its even and its odd columns, {@code 2L} columns at a time in registers (two
 * rearrangements and a blend per half), and interleaves them again. Every load and store is under a lane mask, so
 * nothing is written past either half or the row, and a row of any width takes the same path. With a separate path
 * for the row's last piece, resnet20's two strided layers each took only one of them (32 columns whole pieces, 16
 * columns only the last piece at 16 lanes), and in two JVMs of four the compiled staging kept its vector operations
 * as calls on boxed vectors (10-60 MB of garbage per step); with one masked path none of 22 did. The shuffles and
 * masks are read into locals and passed down: with the helpers reading the constants themselves, the compiled staging
 * kept its blends and loads as such calls (about 200 MB per step). A strided gather (one load and one store per float,
 * the stride defeating the JIT's vectorizer) took about half of a stride-2 convolution's forward pass. Winograd's
 * staging writes the same split out in its own loop (unmasked pieces and a masked last one, which has compiled whole in
 * every run measured) with the lane helpers here.
 */
final class EvenOddColumns {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Lane i takes lane 2i of the vector in the lower half and lane 2i + 1 in the upper: {@code [evens, odds]}. */
    static final VectorShuffle<Float> EVENS_FIRST = VectorShuffle.fromOp(S, i -> i < L / 2 ? 2 * i : 2 * (i - L / 2) + 1);
    /** The other way round: {@code [odds, evens]}. */
    static final VectorShuffle<Float> ODDS_FIRST = VectorShuffle.fromOp(S, i -> i < L / 2 ? 2 * i + 1 : 2 * (i - L / 2));
    static final VectorMask<Float> UPPER_HALF = VectorMask.fromLong(S, -1L << (L / 2));
    /** Lane k takes lane k / 2: the lower half of a vector, each lane twice. */
    private static final VectorShuffle<Float> LOWER_TWICE = VectorShuffle.fromOp(S, k -> k / 2);
    /** Lane k takes lane L / 2 + k / 2: the upper half, each lane twice. */
    private static final VectorShuffle<Float> UPPER_TWICE = VectorShuffle.fromOp(S, k -> L / 2 + k / 2);
    private static final VectorMask<Float> ODD_LANES = VectorMask.fromLong(S, 0xAAAAAAAAAAAAAAAAL);

    private EvenOddColumns() {}

    /**
     * Where an image row's column {@code 2m} lands once the row is padded by {@code pad} and split by the parity of its
     * padded columns, the even half and the odd half {@code halfStride} apart: padded column {@code 2m + pad}, in the
     * half of {@code pad}'s parity, at {@code (2m + pad) / 2}. Add {@code m}.
     */
    static int evenStart(int pad, int halfStride) {
        return (pad & 1) * halfStride + (pad >> 1);
    }

    /** {@link #evenStart} for column {@code 2m + 1} (padded column {@code 2m + 1 + pad}). */
    static int oddStart(int pad, int halfStride) {
        return evenStart(pad + 1, halfStride);
    }

    /**
     * Writes {@code row[from + 2m]} to {@code dst[evenAt + m]} and {@code row[from + 2m + 1]} to {@code dst[oddAt + m]}
     * for the {@code w} floats of the row.
     */
    static void split(float[] row, int from, int w, float[] dst, int evenAt, int oddAt) {
        int evens = (w + 1) / 2, odds = w / 2;
        VectorShuffle<Float> evensFirst = EVENS_FIRST, oddsFirst = ODDS_FIRST;
        VectorMask<Float> upper = UPPER_HALF;
        for (int m = 0; m < evens; m += L) {
            FloatVector a = FloatVector.fromArray(S, row, from + 2 * m, S.indexInRange(2 * m, w));
            FloatVector b = FloatVector.fromArray(S, row, from + 2 * m + L, S.indexInRange(2 * m + L, w));
            evenLanes(a, b, evensFirst, oddsFirst, upper).intoArray(dst, evenAt + m, S.indexInRange(m, evens));
            oddLanes(a, b, evensFirst, oddsFirst, upper).intoArray(dst, oddAt + m, S.indexInRange(m, odds));
        }
    }

    /**
     * The inverse of {@link #split}: writes {@code src[evenAt + m]} to {@code dst[to + 2m]} and {@code src[oddAt + m]}
     * to {@code dst[to + 2m + 1]} for the {@code w} floats of the row.
     */
    static void interleave(float[] src, int evenAt, int oddAt, int w, float[] dst, int to) {
        int evens = (w + 1) / 2, odds = w / 2;
        VectorShuffle<Float> lower = LOWER_TWICE, upper = UPPER_TWICE;
        VectorMask<Float> odd = ODD_LANES;
        for (int m = 0; m < evens; m += L) {
            FloatVector e = FloatVector.fromArray(S, src, evenAt + m, S.indexInRange(m, evens));
            FloatVector o = FloatVector.fromArray(S, src, oddAt + m, S.indexInRange(m, odds));
            pairs(e, o, lower, odd).intoArray(dst, to + 2 * m, S.indexInRange(2 * m, w));
            pairs(e, o, upper, odd).intoArray(dst, to + 2 * m + L, S.indexInRange(2 * m + L, w));
        }
    }

    /** {@code e[j], o[j]} in turn for the lanes j of one half of {@code e} and {@code o} ({@code twice} picks which). */
    private static FloatVector pairs(FloatVector e, FloatVector o, VectorShuffle<Float> twice, VectorMask<Float> odd) {
        return e.rearrange(twice).blend(o.rearrange(twice), odd);
    }

    /**
     * The even lanes of the {@code 2L} values {@code a, b}, in order: the lower half from {@code a} and the upper from
     * {@code b}, each rearranged so that its even lanes sit in that half.
     */
    static FloatVector evenLanes(FloatVector a, FloatVector b, VectorShuffle<Float> evensFirst, VectorShuffle<Float> oddsFirst,
                                         VectorMask<Float> upper) {
        return a.rearrange(evensFirst).blend(b.rearrange(oddsFirst), upper);
    }

    /** The odd lanes of {@code a, b}, in order (see {@link #evenLanes}). */
    static FloatVector oddLanes(FloatVector a, FloatVector b, VectorShuffle<Float> evensFirst, VectorShuffle<Float> oddsFirst,
                                        VectorMask<Float> upper) {
        return a.rearrange(oddsFirst).blend(b.rearrange(evensFirst), upper);
    }
}
