package dev.lottery.nn.backend.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * {@link CpuKernels} in plain Java, for a JVM without {@code jdk.incubator.vector}: the same operations in the same
 * order as {@link VectorKernels}, one float at a time, so both give the same bits. Also the reference the vector
 * kernels are tested against.
 */
final class ScalarKernels implements CpuKernels {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /** Tile height and width: any values work for one float at a time; these keep the packed panels small. */
    private static final int MR = 6, NR = 8;

    @Override
    public int lanes() {
        return 1;
    }

    @Override
    public int mr() {
        return MR;
    }

    @Override
    public int nr() {
        return NR;
    }

    @Override
    public int convolutionLanes() {
        return 1;
    }

    @Override
    public String description() {
        return "scalar kernels, no Vector API";
    }

    @Override
    public int batchChunk() {
        return 16;
    }

    // ---- GEMM ----

    @Override
    public void microKernel(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] tile) {
        Arrays.fill(tile, 0, MR * NR, 0f);
        for (int q = 0, ai = aOff, bi = bOff; q < kc; q++, ai += MR, bi += NR) {
            for (int i = 0; i < MR; i++) {
                float a = ap[ai + i];
                for (int j = 0; j < NR; j++) tile[i * NR + j] = Math.fma(a, bp[bi + j], tile[i * NR + j]);
            }
        }
    }

    @Override
    public void microKernelGathered(int count, int[] rows, int rOff, float[] ap, int aOff, float[] bp, int bOff, float[] tile) {
        Arrays.fill(tile, 0, MR * NR, 0f);
        for (int q = 0, ai = aOff; q < count; q++, ai += MR) {
            int bi = bOff + rows[rOff + q] * NR;
            for (int i = 0; i < MR; i++) {
                float a = ap[ai + i];
                for (int j = 0; j < NR; j++) tile[i * NR + j] = Math.fma(a, bp[bi + j], tile[i * NR + j]);
            }
        }
    }

    @Override
    public void panelColumnSums(float[] p, int off, int rows, float[] out, int outOff) {
        Arrays.fill(out, outOff, outOff + NR, 0f);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < NR; j++) out[outOff + j] += p[off + i * NR + j];
        }
    }

    @Override
    public void microKernelRows(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] tile) {
        Arrays.fill(tile, 0, MR * NR, 0f);
        for (int q = 0, bi = bOff; q < kc; q++, bi += NR) {
            for (int i = 0; i < MR; i++) {
                float a = ap[aOff + i * kc + q];
                for (int j = 0; j < NR; j++) tile[i * NR + j] = Math.fma(a, bp[bi + j], tile[i * NR + j]);
            }
        }
    }

    @Override
    public void microKernelRowsNarrow(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] tile) {
        int w = NR / 2;
        for (int i = 0; i < MR; i++) Arrays.fill(tile, i * NR, i * NR + w, 0f);
        for (int q = 0, bi = bOff; q < kc; q++, bi += w) {
            for (int i = 0; i < MR; i++) {
                float a = ap[aOff + i * kc + q];
                for (int j = 0; j < w; j++) tile[i * NR + j] = Math.fma(a, bp[bi + j], tile[i * NR + j]);
            }
        }
    }

    @Override
    public void storeTile(float[] tile, MemorySegment c, long cIdx, int ldc, float alpha, float beta) {
        for (int i = 0; i < MR; i++) {
            long row = cIdx + (long) i * ldc;
            for (int j = 0; j < NR; j++) {
                float t = tile[i * NR + j];
                if (beta == 0f) {
                    c.setAtIndex(F, row + j, t * alpha);
                } else {
                    float o = c.getAtIndex(F, row + j);
                    if (beta != 1f) o *= beta;
                    c.setAtIndex(F, row + j, Math.fma(t, alpha, o));
                }
            }
        }
    }

    @Override
    public void storeTileEdge(float[] tile, int mr, int nr, MemorySegment c, long cIdx, int ldc, float alpha, float beta) {
        for (int i = 0; i < mr; i++) {
            long at = cIdx + (long) i * ldc;
            for (int j = 0; j < nr; j++) {
                float v = alpha * tile[i * NR + j];
                if (beta != 0f) v = Math.fma(beta, c.getAtIndex(F, at + j), v);
                c.setAtIndex(F, at + j, v);
            }
        }
    }

    @Override
    public void addInto(float[] src, int s, float[] dst, int d, int n) {
        for (int i = 0; i < n; i++) dst[d + i] = src[s + i] + dst[d + i];
    }

    // ---- element-wise ----

    @Override
    public void addBias(MemorySegment ys, MemorySegment bs, int rows, int cols, boolean relu) {
        for (int i = 0; i < rows; i++) {
            long row = (long) i * cols;
            for (int j = 0; j < cols; j++) {
                float v = ys.getAtIndex(F, row + j) + bs.getAtIndex(F, j);
                ys.setAtIndex(F, row + j, relu ? Math.max(v, 0f) : v);
            }
        }
    }

    @Override
    public void sumRows(MemorySegment ds, MemorySegment bs, int rows, int cols) {
        bs.asSlice(0, (long) cols * Float.BYTES).fill((byte) 0);
        for (int i = 0; i < rows; i++) {
            long row = (long) i * cols;
            for (int j = 0; j < cols; j++) bs.setAtIndex(F, j, bs.getAtIndex(F, j) + ds.getAtIndex(F, row + j));
        }
    }

    @Override
    public void relu(MemorySegment s, long from, long to) {
        for (long i = from; i < to; i++) s.setAtIndex(F, i, Math.max(0f, s.getAtIndex(F, i)));
    }

    @Override
    public void reluBackward(MemorySegment ys, MemorySegment ds, long from, long to) {
        for (long i = from; i < to; i++) if (ys.getAtIndex(F, i) <= 0f) ds.setAtIndex(F, i, 0f);
    }

    @Override
    public void multiply(MemorySegment ys, MemorySegment fs, long from, long to) {
        for (long i = from; i < to; i++) ys.setAtIndex(F, i, ys.getAtIndex(F, i) * fs.getAtIndex(F, i));
    }

    @Override
    public void add(MemorySegment ys, MemorySegment xs, long from, long to) {
        for (long i = from; i < to; i++) ys.setAtIndex(F, i, ys.getAtIndex(F, i) + xs.getAtIndex(F, i));
    }

    @Override
    public void addRelu(MemorySegment as, MemorySegment bs, MemorySegment ys, long from, long to) {
        for (long i = from; i < to; i++) ys.setAtIndex(F, i, Math.max(0f, as.getAtIndex(F, i) + bs.getAtIndex(F, i)));
    }

    @Override
    public void sgd(MemorySegment ws, MemorySegment gs, MemorySegment ms, MemorySegment vs, long from, long to,
                    float lr, float momentum, float weightDecay) {
        sgdTail(ws, gs, ms, vs, from, to, lr, momentum, weightDecay);
    }

    /** The SGD update one float at a time, with the vector loop's operations (also its tail). */
    static void sgdTail(MemorySegment ws, MemorySegment gs, MemorySegment ms, MemorySegment vs, long from, long to,
                        float lr, float momentum, float weightDecay) {
        for (long i = from; i < to; i++) {
            float wi = ws.getAtIndex(F, i);
            float g = gs.getAtIndex(F, i);
            if (weightDecay != 0f) g = Math.fma(wi, weightDecay, g);
            if (vs != null) g = Math.fma(vs.getAtIndex(F, i), momentum, g);
            wi = Math.fma(g, -lr, wi);
            if (ms != null && ms.getAtIndex(F, i) == 0f) {
                wi = 0f;
                g = 0f;
            }
            ws.setAtIndex(F, i, wi);
            if (vs != null) vs.setAtIndex(F, i, g);
        }
    }

    /**
     * The SGD update at the kept positions {@code base + flat[p]} for p in [from, to) only, with the vector loop's
     * operations: the pruned weights and their velocities are zero already and stay so.
     */
    static void sgdAt(MemorySegment ws, MemorySegment gs, MemorySegment vs, int[] flat, int from, int to, long base, float lr,
                      float momentum, float weightDecay) {
        for (int p = from; p < to; p++) {
            long i = base + flat[p];
            float wi = ws.getAtIndex(F, i);
            float g = gs.getAtIndex(F, i);
            if (weightDecay != 0f) g = Math.fma(wi, weightDecay, g);
            if (vs != null) g = Math.fma(vs.getAtIndex(F, i), momentum, g);
            ws.setAtIndex(F, i, Math.fma(g, -lr, wi));
            if (vs != null) vs.setAtIndex(F, i, g);
        }
    }

    @Override
    public void transpose(float[] src, int sOff, int lds, int rows, int cols, float[] dst, int dOff, int ldd) {
        transposeEdge(src, sOff, lds, 0, rows, 0, cols, dst, dOff, ldd);
    }

    /** {@link #transpose} of the rows [r0, r1) and columns [c0, c1), one float at a time (also the vector kernel's edges). */
    static void transposeEdge(float[] src, int sOff, int lds, int r0, int r1, int c0, int c1, float[] dst, int dOff, int ldd) {
        for (int r = r0; r < r1; r++) {
            for (int c = c0; c < c1; c++) dst[dOff + c * ldd + r] = src[sOff + r * lds + c];
        }
    }

    // ---- masked products ----

    @Override
    public void sparseRows(int from, int to, int slabs, int[] starts, int[] index, int[] pos, MemorySegment values, long valueBase,
                           int ldv, float[] x, int ldx, int width, float[] out, int ldo) {
        for (int r = from; r < to; r++) {
            long rowBase = pos == null ? valueBase + (long) r * ldv : valueBase;
            int[] at = pos == null ? index : pos;
            int runs = r * (slabs + 1);
            for (int b = 0; b < width; b++) {
                float total = 0f;
                for (int s = 0; s < slabs; s++) {
                    float acc = 0f;
                    for (int p = starts[runs + s], end = starts[runs + s + 1]; p < end; p++) {
                        acc = Math.fma(values.getAtIndex(F, rowBase + at[p]), x[index[p] * ldx + b], acc);
                    }
                    total = s == 0 ? acc : acc + total;
                }
                out[r * ldo + b] = total;
            }
        }
    }

    @Override
    public void dotRows(int from, int to, int[] starts, int[] index, float[] a, int lda, float[] x, int ldx, int width,
                        MemorySegment out, long outBase, int ldo) {
        float[] partial = new float[16];
        for (int r = from; r < to; r++) {
            for (int p = starts[r], end = starts[r + 1]; p < end; p++) {
                int col = index[p];
                Arrays.fill(partial, 0f);
                for (int b = 0; b < width; b++) partial[b & 15] = Math.fma(a[r * lda + b], x[col * ldx + b], partial[b & 15]);
                for (int l = 0; l < 8; l++) partial[l] += partial[l + 8];
                for (int l = 0; l < 4; l++) partial[l] += partial[l + 4];
                for (int l = 0; l < 2; l++) partial[l] += partial[l + 2];
                out.setAtIndex(F, outBase + (long) r * ldo + col, partial[0] + partial[1]);
            }
        }
    }
}
