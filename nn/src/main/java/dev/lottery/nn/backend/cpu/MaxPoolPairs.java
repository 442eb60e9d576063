package dev.lottery.nn.backend.cpu;

import dev.lottery.nn.backend.PoolGeometry;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.function.IntUnaryOperator;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Max pooling with 2 x 2 windows at stride 2 (every pooling layer of the presets), {@code L} windows at a time in
 * registers: a pair of input rows is split into its even and odd columns (one two-vector permutation each,
 * {@code selectFrom}), which puts the four corners of {@code L} windows into four vectors {@code a b / c d}, and the
 * window's first maximum is found with the same three comparisons in the same order as the scalar {@code argmax}
 * ({@code b > a}, then {@code c}, then {@code d} against the maximum so far), as lane masks. So the pooled values and
 * the routed gradients are the scalar path's bits, ties, signed zeros and NaN included. One window per float in scalar
 * code made pooling and its gradient about a ninth of a conv4 training step (JFR), mostly waiting on the
 * data-dependent selects one at a time. Loaded only when {@code jdk.incubator.vector} is present.
 */
final class MaxPoolPairs {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /** Lane i selects lane 2i of the pair of vectors {@code (v1, v2)}: their even lanes, in order. */
    private static final FloatVector EVENS = FloatVector.fromArray(S, lanes(i -> 2 * i), 0);
    /** Lane i selects lane 2i + 1: the odd lanes. */
    private static final FloatVector ODDS = FloatVector.fromArray(S, lanes(i -> 2 * i + 1), 0);
    /** Lane 2j selects lane j of {@code v1}, lane 2j + 1 lane j of {@code v2}: their lower halves interleaved. */
    private static final FloatVector LOWER_PAIRS = FloatVector.fromArray(S, lanes(i -> i / 2 + (i % 2) * L), 0);
    /** The same for the upper halves. */
    private static final FloatVector UPPER_PAIRS = FloatVector.fromArray(S, lanes(i -> L / 2 + i / 2 + (i % 2) * L), 0);

    private MaxPoolPairs() {}

    private static float[] lanes(IntUnaryOperator index) {
        float[] v = new float[L];
        for (int i = 0; i < L; i++) v[i] = index.applyAsInt(i);
        return v;
    }

    /** Whether {@code g} is a geometry these kernels pool: 2 x 2 windows that tile the input without overlap. */
    static boolean handles(PoolGeometry g) {
        return g.window() == 2 && g.stride() == 2;
    }

    /**
     * Pools the planes {@code [from, to)} of {@code x} (each {@code height x width}) into {@code y}, every load and
     * store under a lane mask, so nothing past a row's windows is read or written.
     */
    static void forward(MemorySegment x, MemorySegment y, PoolGeometry g, long from, long to) {
        int w = g.width(), p = g.outHeight(), q = g.outWidth();
        long in = (long) g.height() * w, out = (long) p * q;
        FloatVector evens = EVENS, odds = ODDS;
        for (long plane = from; plane < to; plane++) {
            for (int pi = 0; pi < p; pi++) {
                long top = plane * in + 2L * pi * w, yAt = plane * out + (long) pi * q;
                for (int m = 0; m < q; m += L) {
                    VectorMask<Float> first = S.indexInRange(2 * m, 2 * q), second = S.indexInRange(2 * m + L, 2 * q);
                    FloatVector t0 = load(x, top + 2 * m, first), t1 = load(x, top + 2 * m + L, second);
                    FloatVector b0 = load(x, top + w + 2 * m, first), b1 = load(x, top + w + 2 * m + L, second);
                    FloatVector a = evens.selectFrom(t0, t1), b = odds.selectFrom(t0, t1);
                    FloatVector c = evens.selectFrom(b0, b1), d = odds.selectFrom(b0, b1);
                    FloatVector max = a.blend(b, b.compare(VectorOperators.GT, a));
                    max = max.blend(c, c.compare(VectorOperators.GT, max));
                    max = max.blend(d, d.compare(VectorOperators.GT, max));
                    max.intoMemorySegment(y, (yAt + m) * Float.BYTES, ORDER, S.indexInRange(m, q));
                }
            }
        }
    }

    /**
     * Writes the input gradient of the planes {@code [from, to)}: each output's gradient at its window's first maximum
     * (as {@code 0 + dy}, the scalar path's sum into a cleared plane), zero elsewhere, including a last row or column
     * that no window covers. Staged on the heap with unmasked loads and stores: with a lane mask on each of its four
     * stores the loop grew past C2's inlining budget and kept them as calls on boxed vectors (about 50 MB of garbage
     * per conv4 layer). A row's last piece reads and writes past the row's windows; what it writes there belongs to rows
     * written after it or to the uncovered row and column (cleared after the plane), and the staging arrays have
     * {@code 2L} floats to spare after the last plane.
     */
    static void backward(MemorySegment x, MemorySegment dy, MemorySegment dx, PoolGeometry g, long from, long to) {
        int h = g.height(), w = g.width(), p = g.outHeight(), q = g.outWidth();
        int planes = (int) (to - from), in = h * w, out = p * q;
        LayerScratch scratch = LayerScratch.get();
        float[] xs = scratch.images(planes * in + 2 * L), dxs = scratch.padded(planes * in + 2 * L), dys = scratch.row(planes * out + L);
        MemorySegment.copy(x, F, from * in * Float.BYTES, xs, 0, planes * in);
        MemorySegment.copy(dy, F, from * out * Float.BYTES, dys, 0, planes * out);
        FloatVector evens = EVENS, odds = ODDS, lowerPairs = LOWER_PAIRS, upperPairs = UPPER_PAIRS, zero = FloatVector.zero(S);
        for (int plane = 0; plane < planes; plane++) {
            for (int pi = 0; pi < p; pi++) {
                int top = plane * in + 2 * pi * w, dyAt = plane * out + pi * q;
                // The last piece first: only its stores reach past the windows, and the top row's land on the row
                // below, which the pieces after it (and this one's second pair of stores) then write.
                for (int m = (q - 1) / L * L; m >= 0; m -= L) {
                    FloatVector t0 = FloatVector.fromArray(S, xs, top + 2 * m), t1 = FloatVector.fromArray(S, xs, top + 2 * m + L);
                    FloatVector b0 = FloatVector.fromArray(S, xs, top + w + 2 * m), b1 = FloatVector.fromArray(S, xs, top + w + 2 * m + L);
                    FloatVector a = evens.selectFrom(t0, t1), b = odds.selectFrom(t0, t1);
                    FloatVector c = evens.selectFrom(b0, b1), d = odds.selectFrom(b0, b1);
                    VectorMask<Float> bWins = b.compare(VectorOperators.GT, a);
                    FloatVector max = a.blend(b, bWins);
                    VectorMask<Float> cWins = c.compare(VectorOperators.GT, max);
                    max = max.blend(c, cWins);
                    VectorMask<Float> dWins = d.compare(VectorOperators.GT, max);
                    // The last comparison to succeed names the window's first maximum: the gradient goes to d where
                    // d won, of the rest to c where c won, then to b, and what is left to a.
                    FloatVector rest = FloatVector.fromArray(S, dys, dyAt + m).add(0f);
                    FloatVector gd = zero.blend(rest, dWins);
                    rest = rest.blend(zero, dWins);
                    FloatVector gc = zero.blend(rest, cWins);
                    rest = rest.blend(zero, cWins);
                    FloatVector gb = zero.blend(rest, bWins), ga = rest.blend(zero, bWins);
                    lowerPairs.selectFrom(ga, gb).intoArray(dxs, top + 2 * m);
                    upperPairs.selectFrom(ga, gb).intoArray(dxs, top + 2 * m + L);
                    lowerPairs.selectFrom(gc, gd).intoArray(dxs, top + w + 2 * m);
                    upperPairs.selectFrom(gc, gd).intoArray(dxs, top + w + 2 * m + L);
                }
            }
            if (w > 2 * q) {
                for (int r = 0; r < 2 * p; r++) dxs[plane * in + r * w + w - 1] = 0f;
            }
            if (h > 2 * p) Arrays.fill(dxs, plane * in + (h - 1) * w, (plane + 1) * in, 0f);
        }
        MemorySegment.copy(dxs, 0, dx, F, from * in * Float.BYTES, planes * in);
    }

    private static FloatVector load(MemorySegment s, long index, VectorMask<Float> lanes) {
        return FloatVector.fromMemorySegment(S, s, index * Float.BYTES, ORDER, lanes);
    }
}
