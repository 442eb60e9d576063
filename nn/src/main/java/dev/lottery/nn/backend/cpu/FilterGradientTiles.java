package dev.lottery.nn.backend.cpu;

import dev.lottery.nn.backend.ConvGeometry;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register tiles of the filter gradients that sum {@code in[row][t] * g[t][filter]} over positions {@code t}
 * (tiles of a Winograd chunk, or the positions of an image for the direct one): {@code sums[row][filter]}, rows being
 * (channel, transformed position) or (channel, tap) pairs. The gradient {@code g} lies filters-last, so a tile
 * broadcasts one input of each of its rows and loads vectors of filters; neither operand is packed. Each value is one
 * FMA chain over {@code t} in order from zero, then written or added to what earlier calls summed: the bits depend on
 * the positions per call and their order only.
 */
final class FilterGradientTiles {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /**
     * Rows per block: two register tiles of 4 rows by {@link #GV} vectors of filters, then for the filters left over
     * tiles of 8 rows by two vectors and by one, which keep 8 or more FMA chains going (two FMA units, four cycles each:
     * fewer chains would leave them idle). Each broadcast input feeds as many FMAs as the tile has vectors, and the
     * broadcasts are what bounds the one-vector tile: 8 rows by two vectors sum a 32-filter layer's gradient about 1.2x
     * as fast as two passes of 8 by one.
     */
    private static final int GC = 8;
    /** Vectors of filters per 4-row register tile (16 accumulators). */
    private static final int GV = 4;

    private FilterGradientTiles() {}

    /** The sums of one group's images {@code [n0, n1)}, {@code perRange} floats in the calling thread's scratch. */
    interface RangeSums {
        float[] sum(int group, int n0, int n1);
    }

    /** Receives a group's sums over the whole batch ({@code total}, reused for the next group). */
    interface GroupTotal {
        void accept(int group, float[] total);
    }

    /**
     * Sums over the batch in {@link CpuConvolution#FILTER_CHUNKS} fixed ranges of images: {@code ranges} runs for every
     * (group, range) on the crew, then each group's ranges are added in order and handed to {@code total}. The ranges
     * follow the batch alone, so the bits do not depend on the threads.
     */
    static void overRanges(GemmWorkers workers, ConvGeometry g, int perRange, RangeSums ranges, GroupTotal total,
                           MemorySegment... segments) {
        int batch = g.batch(), count = Math.min(batch, CpuConvolution.FILTER_CHUNKS);
        MemorySegment partials = LayerScratch.get().partials((long) g.groups() * count * perRange);
        MemorySegment[] shared = Arrays.copyOf(segments, segments.length + 1);
        shared[segments.length] = partials;
        workers.forEach(g.groups() * count, t -> {
            int range = t % count;
            float[] sums = ranges.sum(t / count, (int) ((long) range * batch / count), (int) ((long) (range + 1) * batch / count));
            MemorySegment.copy(sums, 0, partials, F, (long) t * perRange * Float.BYTES, perRange);
        }, shared);
        LayerScratch scratch = LayerScratch.get();
        float[] sum = scratch.transformedGradients(perRange), next = scratch.compact(perRange);
        for (int group = 0; group < g.groups(); group++) {
            long first = (long) group * count * perRange;
            MemorySegment.copy(partials, F, first * Float.BYTES, sum, 0, perRange);
            for (int r = 1; r < count; r++) {
                MemorySegment.copy(partials, F, (first + (long) r * perRange) * Float.BYTES, next, 0, perRange);
                CpuKernels.active().addInto(next, 0, sum, 0, perRange);
            }
            total.accept(group, sum);
        }
    }

    /** Rows rounded up to whole blocks: the sums' row count. */
    static int paddedRows(int rows) {
        return ConvFrame.ceilDiv(rows, GC) * GC;
    }

    /** Filters rounded up to whole vectors: the sums' and the gradient's row width. */
    static int paddedFilters(int k) {
        return ConvFrame.ceilDiv(k, L) * L;
    }

    /**
     * {@code sums[sumAt + r * kPad + f] (+)= sum over t < count of in[rows[r] + t] * g[gAt + t * kPad + f]} for the
     * {@code rowCount} rows (a multiple of {@link #GC}; rows past the real ones point at zeros), written when
     * {@code first}, else added.
     */
    static void sum(float[] in, int[] rows, int rowCount, float[] g, int gAt, int kPad, int count, float[] sums, int sumAt,
                    boolean first) {
        float[] tile = LayerScratch.get().registers(Math.max(4 * GV, 2 * GC) * L);
        for (int r0 = 0; r0 < rowCount; r0 += GC) {
            int at = sumAt + r0 * kPad, k0 = 0;
            for (; k0 + GV * L <= kPad; k0 += GV * L) {
                gradientTile(in, rows[r0], rows[r0 + 1], rows[r0 + 2], rows[r0 + 3], g, gAt + k0, kPad, count, tile);
                merge(tile, 4, GV, sums, at + k0, kPad, first);
                gradientTile(in, rows[r0 + 4], rows[r0 + 5], rows[r0 + 6], rows[r0 + 7], g, gAt + k0, kPad, count, tile);
                merge(tile, 4, GV, sums, at + 4 * kPad + k0, kPad, first);
            }
            for (; k0 + 2 * L <= kPad; k0 += 2 * L) {
                gradientPair(in, rows, r0, g, gAt + k0, kPad, count, tile);
                merge(tile, GC, 2, sums, at + k0, kPad, first);
            }
            if (k0 < kPad) {
                gradientVector(in, rows, r0, g, gAt + k0, kPad, count, tile);
                merge(tile, GC, 1, sums, at + k0, kPad, first);
            }
        }
    }

    /**
     * Writes ({@code first}) or adds a register tile's sums, {@code rows x vectors} vectors in {@code tile}, to the
     * sums at {@code at} ({@code kPad} a row). Apart from the kernels, so that they hold nothing but their loop: sixteen
     * read-add-writes after it took the compiler past its inlining budget, which left calls out of line and boxed
     * their vector arguments on every call.
     */
    private static void merge(float[] tile, int rows, int vectors, float[] sums, int at, int kPad, boolean first) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < vectors; j++) {
                int from = (r * vectors + j) * L, to = at + r * kPad + j * L;
                // Two stores rather than one of a conditional vector: a vector merged from two branches is boxed.
                if (first) FloatVector.fromArray(S, tile, from).intoArray(sums, to);
                else FloatVector.fromArray(S, tile, from).add(FloatVector.fromArray(S, sums, to)).intoArray(sums, to);
            }
        }
    }

    /**
     * {@code tile[r][j] = sum over t of v[vr + t] * mt[t][j]} for 4 rows (of {@code v} at {@code v0..v3}) and
     * {@link #GV} vectors of filters ({@code mt} at {@code m0 + t * kPad}), {@code tile} as {@code [4][GV][L]}. Per
     * position: four broadcasts, four loads, sixteen FMAs.
     */
    private static void gradientTile(float[] v, int v0, int v1, int v2, int v3, float[] mt, int m0, int kPad, int count,
                                     float[] tile) {
        FloatVector a00 = FloatVector.zero(S), a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00, a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        for (int t = 0, m = m0; t < count; t++, m += kPad) {
            FloatVector g0 = FloatVector.fromArray(S, mt, m), g1 = FloatVector.fromArray(S, mt, m + L);
            FloatVector g2 = FloatVector.fromArray(S, mt, m + 2 * L), g3 = FloatVector.fromArray(S, mt, m + 3 * L);
            FloatVector b = FloatVector.broadcast(S, v[v0 + t]);
            a00 = g0.fma(b, a00);
            a01 = g1.fma(b, a01);
            a02 = g2.fma(b, a02);
            a03 = g3.fma(b, a03);
            b = FloatVector.broadcast(S, v[v1 + t]);
            a10 = g0.fma(b, a10);
            a11 = g1.fma(b, a11);
            a12 = g2.fma(b, a12);
            a13 = g3.fma(b, a13);
            b = FloatVector.broadcast(S, v[v2 + t]);
            a20 = g0.fma(b, a20);
            a21 = g1.fma(b, a21);
            a22 = g2.fma(b, a22);
            a23 = g3.fma(b, a23);
            b = FloatVector.broadcast(S, v[v3 + t]);
            a30 = g0.fma(b, a30);
            a31 = g1.fma(b, a31);
            a32 = g2.fma(b, a32);
            a33 = g3.fma(b, a33);
        }
        a00.intoArray(tile, 0);
        a01.intoArray(tile, L);
        a02.intoArray(tile, 2 * L);
        a03.intoArray(tile, 3 * L);
        a10.intoArray(tile, 4 * L);
        a11.intoArray(tile, 5 * L);
        a12.intoArray(tile, 6 * L);
        a13.intoArray(tile, 7 * L);
        a20.intoArray(tile, 8 * L);
        a21.intoArray(tile, 9 * L);
        a22.intoArray(tile, 10 * L);
        a23.intoArray(tile, 11 * L);
        a30.intoArray(tile, 12 * L);
        a31.intoArray(tile, 13 * L);
        a32.intoArray(tile, 14 * L);
        a33.intoArray(tile, 15 * L);
    }

    /** {@link #gradientTile} for {@link #GC} rows (of {@code v} at {@code rows[r0...]}) and two vectors of filters. */
    private static void gradientPair(float[] v, int[] rows, int r0, float[] mt, int m0, int kPad, int count, float[] tile) {
        int v0 = rows[r0], v1 = rows[r0 + 1], v2 = rows[r0 + 2], v3 = rows[r0 + 3];
        int v4 = rows[r0 + 4], v5 = rows[r0 + 5], v6 = rows[r0 + 6], v7 = rows[r0 + 7];
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0, b4 = a0, b5 = a0, b6 = a0, b7 = a0;
        for (int t = 0, m = m0; t < count; t++, m += kPad) {
            FloatVector g = FloatVector.fromArray(S, mt, m), h = FloatVector.fromArray(S, mt, m + L);
            FloatVector x = FloatVector.broadcast(S, v[v0 + t]);
            a0 = g.fma(x, a0);
            b0 = h.fma(x, b0);
            x = FloatVector.broadcast(S, v[v1 + t]);
            a1 = g.fma(x, a1);
            b1 = h.fma(x, b1);
            x = FloatVector.broadcast(S, v[v2 + t]);
            a2 = g.fma(x, a2);
            b2 = h.fma(x, b2);
            x = FloatVector.broadcast(S, v[v3 + t]);
            a3 = g.fma(x, a3);
            b3 = h.fma(x, b3);
            x = FloatVector.broadcast(S, v[v4 + t]);
            a4 = g.fma(x, a4);
            b4 = h.fma(x, b4);
            x = FloatVector.broadcast(S, v[v5 + t]);
            a5 = g.fma(x, a5);
            b5 = h.fma(x, b5);
            x = FloatVector.broadcast(S, v[v6 + t]);
            a6 = g.fma(x, a6);
            b6 = h.fma(x, b6);
            x = FloatVector.broadcast(S, v[v7 + t]);
            a7 = g.fma(x, a7);
            b7 = h.fma(x, b7);
        }
        a0.intoArray(tile, 0);
        b0.intoArray(tile, L);
        a1.intoArray(tile, 2 * L);
        b1.intoArray(tile, 3 * L);
        a2.intoArray(tile, 4 * L);
        b2.intoArray(tile, 5 * L);
        a3.intoArray(tile, 6 * L);
        b3.intoArray(tile, 7 * L);
        a4.intoArray(tile, 8 * L);
        b4.intoArray(tile, 9 * L);
        a5.intoArray(tile, 10 * L);
        b5.intoArray(tile, 11 * L);
        a6.intoArray(tile, 12 * L);
        b6.intoArray(tile, 13 * L);
        a7.intoArray(tile, 14 * L);
        b7.intoArray(tile, 15 * L);
    }

    /** {@link #gradientTile} for {@link #GC} rows (of {@code v} at {@code rows[r0...]}) and one vector of filters. */
    private static void gradientVector(float[] v, int[] rows, int r0, float[] mt, int m0, int kPad, int count, float[] tile) {
        int v0 = rows[r0], v1 = rows[r0 + 1], v2 = rows[r0 + 2], v3 = rows[r0 + 3];
        int v4 = rows[r0 + 4], v5 = rows[r0 + 5], v6 = rows[r0 + 6], v7 = rows[r0 + 7];
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (int t = 0, m = m0; t < count; t++, m += kPad) {
            FloatVector g = FloatVector.fromArray(S, mt, m);
            a0 = g.fma(FloatVector.broadcast(S, v[v0 + t]), a0);
            a1 = g.fma(FloatVector.broadcast(S, v[v1 + t]), a1);
            a2 = g.fma(FloatVector.broadcast(S, v[v2 + t]), a2);
            a3 = g.fma(FloatVector.broadcast(S, v[v3 + t]), a3);
            a4 = g.fma(FloatVector.broadcast(S, v[v4 + t]), a4);
            a5 = g.fma(FloatVector.broadcast(S, v[v5 + t]), a5);
            a6 = g.fma(FloatVector.broadcast(S, v[v6 + t]), a6);
            a7 = g.fma(FloatVector.broadcast(S, v[v7 + t]), a7);
        }
        a0.intoArray(tile, 0);
        a1.intoArray(tile, L);
        a2.intoArray(tile, 2 * L);
        a3.intoArray(tile, 3 * L);
        a4.intoArray(tile, 4 * L);
        a5.intoArray(tile, 5 * L);
        a6.intoArray(tile, 6 * L);
        a7.intoArray(tile, 7 * L);
    }
}
