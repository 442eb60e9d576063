package dev.lottery.nn.backend.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Single-precision GEMM on off-heap row-major matrices, in the GotoBLAS shape: the problem is
 * cut into {@code KC}-deep slabs, each slab of {@code op(B)} is packed into {@code NR}-wide column panels and each
 * block of {@code op(A)} into {@code MR}-tall row panels (heap arrays reused per thread), and a register-blocked
 * {@code MR x NR} micro-kernel runs FMAs on the packed panels. Packing is where transposition is absorbed, so all
 * four {@code (transA, transB)} combinations share one kernel. The micro-kernel is {@link CpuKernels}' (Vector API
 * or scalar). A product at most half a tile wide (the 10-class output layer's forward product) runs a one-vector
 * kernel over a single packed B panel instead, so that most FMAs do not go to columns that do not exist.
 *
 * <p>Each value of C is summed along k in {@code KC}-sized slabs of equal length, each slab one FMA chain from +0, the
 * slabs' sums added in order: the order depends on k alone, not on m, n, the blocking or the threads, which is what
 * lets a population's members share one product and a masked product skip zeros with the same bits.
 *
 * <p>Large products are split over column (or row) blocks of C across the caller's {@link GemmWorkers} crew; small ones run
 * on the calling thread, because for a few tens of thousands of multiply-adds the hand-over costs more than it
 * saves. Segments of a confined arena are computed on the calling thread too, since no other thread may touch them.
 */
public final class CpuGemm {
    private static final CpuKernels K = CpuKernels.active();
    /** Rows of C per micro-tile (6 with 16 vector registers, 12 with 32: see the kernels). */
    static final int MR = K.mr();
    /** Columns of C per micro-tile: two vectors. */
    static final int NR = K.nr();
    /** Depth of a packed slab: an {@code KC x NR} B panel (16 KiB for 8 lanes) stays in L1 across a row block. */
    static final int KC = 256;
    /** Rows per packed A block (a multiple of MR): 120 x 256 floats = 120 KiB, comfortably inside L2. */
    static final int MC = 120 / MR * MR;
    /** Columns per packed B block (a multiple of NR). */
    static final int NC = 64 * NR;
    /** Largest C (in floats) of a product computed swapped, since its C^T is summed in a per-thread heap buffer. */
    static final long SWAP_MAX_C = 1L << 20;
    /** Below this many multiply-adds a product runs on the calling thread alone. */
    static final long PARALLEL_MIN_MACS = 1L << 17;

    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    /** Per-thread packing buffers, allocated once per thread and reused by every call. */
    private static final class Scratch {
        final float[] a = new float[MC * KC];
        final float[] b = new float[KC * NC];
        final float[] tile = new float[MR * NR];
        /** Off-heap source values brought to the heap in bulk: a panel's rows before one vector transpose, A's or B's block, a C block. */
        float[] rows = new float[NR * KC];

        float[] rows(int size) {
            if (rows.length < size) rows = new float[size];
            return rows;
        }
        /** A swapped product's C^T block, accumulated here over the slabs and written to C once, transposed. */
        float[] ct = new float[0];

        float[] ct(int size) {
            if (ct.length < size) ct = new float[size];
            return ct;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** The arguments of one call, shared by its parallel tasks. */
    private record Problem(boolean transA, boolean transB, int m, int n, int k, float alpha,
                           MemorySegment a, long aOffset, int lda,
                           MemorySegment b, long bOffset, int ldb,
                           float beta, MemorySegment c, long cOffset, int ldc, boolean transC) {}

    private CpuGemm() {}

    /** C = alpha * op(A) * op(B) + beta * C, row-major float32; op(X) = X or X^T; lda/ldb/ldc are row strides in
     *  floats of the stored (untransposed) matrices; offsets are in floats. beta == 0 means C is not read (NaNs ignored).
     *  Large products run on {@code workers}. */
    static void sgemm(GemmWorkers workers, boolean transA, boolean transB, int m, int n, int k, float alpha,
                             MemorySegment a, long aOffset, int lda,
                             MemorySegment b, long bOffset, int ldb,
                             float beta, MemorySegment c, long cOffset, int ldc) {
        if (m < 0 || n < 0 || k < 0) throw new IllegalArgumentException("negative GEMM size m=" + m + " n=" + n + " k=" + k);
        if (aOffset < 0 || bOffset < 0 || cOffset < 0) throw new IllegalArgumentException("negative GEMM offset");
        requireLd("lda", lda, transA ? m : k);
        requireLd("ldb", ldb, transB ? k : n);
        requireLd("ldc", ldc, n);
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f) {
            scale(m, n, beta, c, cOffset, ldc);
            return;
        }
        Problem p = swapPays(transA, transB, m, n, k)
                // C^T = B . A^T: the same product with the operands' roles exchanged, C written transposed.
                ? new Problem(false, true, n, m, k, alpha, b, bOffset, ldb, a, aOffset, lda, beta, c, cOffset, ldc, true)
                : new Problem(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc, false);
        int threads = workers.threads();
        if (threads == 1 || (long) m * n * k < PARALLEL_MIN_MACS
                || !workers.canShare(a) || !workers.canShare(b) || !workers.canShare(c)) {
            compute(p, 0, p.m, 0, p.n);
            return;
        }
        int pm = p.m, pn = p.n;
        int mTiles = ceilDiv(pm, MR), nTiles = ceilDiv(pn, NR);
        // Split the dimension with more micro-tiles; each task packs its own panels, so the split costs only a
        // re-pack of the other operand's (small) block per task.
        boolean splitN = nTiles >= mTiles;
        int tiles = splitN ? nTiles : mTiles;
        int tasks = Math.min(threads, tiles);
        if (tasks == 1) {
            compute(p, 0, pm, 0, pn);
            return;
        }
        workers.run(tasks, t -> {
            int from = (int) ((long) t * tiles / tasks), to = (int) ((long) (t + 1) * tiles / tasks);
            if (splitN) compute(p, 0, pm, from * NR, Math.min(pn, to * NR));
            else compute(p, from * MR, Math.min(pm, to * MR), 0, pn);
        });
    }

    /**
     * Whether to compute an A . B^T product as C^T = B . A^T. Packing transposes op(B) (its rows run along k) but
     * only copies a plain A, so swapping moves the transposition onto the smaller operand; the price is one
     * transposed pass over C at the end. The forward pass X[60x784] . W^T[784x300] swaps: 47k values transposed instead of 235k.
     */
    private static boolean swapPays(boolean transA, boolean transB, int m, int n, int k) {
        if (transA || !transB) return false;
        // The C^T block lives on the heap per thread, so keep it small (4 MiB).
        return (long) m * n <= SWAP_MAX_C && (long) m * k + (long) m * n < (long) n * k;
    }

    private static void requireLd(String name, int ld, int width) {
        if (ld < Math.max(1, width)) throw new IllegalArgumentException(name + "=" + ld + " is smaller than the row width " + width);
    }

    /**
     * How many slabs a sum along {@code k} is cut into: equal ones (784 -> 4 x 196, not 3 x 256 + 16), since a thin
     * last slab would run the kernel at a poor load/FMA ratio and re-read all of C once more.
     */
    static int slabs(int k) {
        return Math.max(1, ceilDiv(k, KC));
    }

    /** The length of every slab but the last (which may be shorter). */
    static int slabLength(int k) {
        return Math.max(1, ceilDiv(k, slabs(k)));
    }

    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }

    /** C = beta * C (beta == 0 writes zeros without reading). */
    private static void scale(int m, int n, float beta, MemorySegment c, long cOffset, int ldc) {
        for (int i = 0; i < m; i++) {
            long row = cOffset + (long) i * ldc;
            if (beta == 0f) {
                c.asSlice(row * Float.BYTES, (long) n * Float.BYTES).fill((byte) 0);
            } else if (beta != 1f) {
                for (int j = 0; j < n; j++) c.setAtIndex(F, row + j, beta * c.getAtIndex(F, row + j));
            }
        }
    }

    /** The blocked product for C rows [m0, m1) and columns [n0, n1), on the calling thread. */
    private static void compute(Problem p, int m0, int m1, int n0, int n1) {
        Scratch s = SCRATCH.get();
        if (isNarrow(p, n1 - n0)) {
            computeNarrow(p, s, m0, m1, n0, n1 - n0);
            return;
        }
        // A swapped product's block of C^T is summed on the heap (vector stores) and written to C once at the end,
        // rather than updating C element by element after every slab.
        float[] ct = p.transC ? s.ct((m1 - m0) * (n1 - n0)) : null;
        for (int jc = n0; jc < n1; jc += NC) {
            int nc = Math.min(NC, n1 - jc);
            int slab = slabLength(p.k);
            for (int pc = 0; pc < p.k; pc += slab) {
                int kc = Math.min(slab, p.k - pc);
                // The first slab applies the caller's beta; later slabs accumulate onto what the first wrote.
                float beta = pc == 0 ? p.beta : 1f;
                packB(p, pc, kc, jc, nc, s);
                for (int ic = m0; ic < m1; ic += MC) {
                    int mc = Math.min(MC, m1 - ic);
                    packA(p, ic, mc, pc, kc, s.a, s);
                    if (ct == null) macroKernel(p, s, ic, mc, jc, nc, kc, beta);
                    else macroKernelToHeap(p, s, ic - m0, mc, jc - n0, nc, kc, pc == 0, ct, n1 - n0);
                }
            }
        }
        if (ct != null) writeTransposed(p, ct, m0, m1, n0, n1, s);
    }

    /**
     * Whether a block {@code width} columns wide runs on the narrow kernel: at most half a tile wide, a plain A (the
     * kernel reads row panels) and one slab deep, so that each value is the same single FMA chain as on the full tile.
     */
    private static boolean isNarrow(Problem p, int width) {
        return width <= NR / 2 && !p.transA && !p.transC && p.k <= KC;
    }

    /** The product for C rows [m0, m1) and the {@code nc} columns from n0, on the narrow kernel. */
    private static void computeNarrow(Problem p, Scratch s, int m0, int m1, int n0, int nc) {
        int k = p.k;
        packNarrowB(p, n0, nc, s);
        for (int ic = m0; ic < m1; ic += MC) {
            int mc = Math.min(MC, m1 - ic);
            packA(p, ic, mc, 0, k, s.a, s);
            for (int ir = 0; ir < mc; ir += MR) {
                K.microKernelRowsNarrow(k, s.a, ir * k, s.b, 0, s.tile);
                long cIdx = p.cOffset + (long) (ic + ir) * p.ldc + n0;
                K.storeTileEdge(s.tile, Math.min(MR, mc - ir), nc, p.c, cIdx, p.ldc, p.alpha, p.beta);
            }
        }
    }

    /**
     * Packs op(B)[0..k, n0..n0+nc) as one panel of {@code NR / 2} values per depth step. The panel's columns from nc on
     * keep whatever they held: the kernel computes their lanes apart from the others and they are never stored.
     */
    private static void packNarrowB(Problem p, int n0, int nc, Scratch s) {
        int k = p.k, w = NR / 2;
        float[] bp = s.b;
        if (p.transB) {
            packTransposed(p, 0, k, n0, nc, bp, 0, w, s);
        } else {
            copyBlock(p.b, p.bOffset + n0, p.ldb, k, nc, bp, 0, w);
        }
    }

    /** {@link #macroKernel} for a swapped product: tiles go to {@code ct} (row stride w) at block-relative (ic, jc). */
    private static void macroKernelToHeap(Problem p, Scratch s, int ic, int mc, int jc, int nc, int kc, boolean first, float[] ct, int w) {
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int bOff = jr * kc;
            for (int ir = 0; ir < mc; ir += MR) {
                int mr = Math.min(MR, mc - ir);
                if (p.transA) K.microKernel(kc, s.a, ir * kc, s.b, bOff, s.tile);
                else K.microKernelRows(kc, s.a, ir * kc, s.b, bOff, s.tile);
                int at = (ic + ir) * w + jc + jr;
                for (int i = 0; i < mr; i++, at += w) {
                    if (first) System.arraycopy(s.tile, i * NR, ct, at, nr);
                    else K.addInto(s.tile, i * NR, ct, at, nr);
                }
            }
        }
    }

    /**
     * C[j, i] = alpha * ct[i - m0, j - n0] + beta * C[j, i] for the block. With alpha 1 and beta 0 (every layer's
     * product) the block is transposed on the heap and each row of C written in bulk; otherwise C's rows are walked.
     */
    private static void writeTransposed(Problem p, float[] ct, int m0, int m1, int n0, int n1, Scratch s) {
        int w = n1 - n0, h = m1 - m0;
        MemorySegment c = p.c;
        if (p.alpha == 1f && p.beta == 0f) {
            float[] rows = s.rows(w * h);
            K.transpose(ct, 0, w, h, w, rows, 0, h);
            for (int j = 0; j < w; j++) MemorySegment.copy(rows, j * h, c, F, (p.cOffset + (long) (n0 + j) * p.ldc + m0) * Float.BYTES, h);
            return;
        }
        float alpha = p.alpha, beta = p.beta;
        for (int j = n0; j < n1; j++) {
            long at = p.cOffset + (long) j * p.ldc + m0;
            for (int i = 0, src = j - n0; i < h; i++, src += w) {
                float v = alpha * ct[src];
                if (beta != 0f) v = Math.fma(beta, c.getAtIndex(F, at + i), v);
                c.setAtIndex(F, at + i, v);
            }
        }
    }

    /**
     * Packs op(A)[ic..ic+mc, pc..pc+kc] as MR-row panels. A plain A is packed row by row (value (i, q) of a panel
     * at {@code i * kc + q}); a transposed A, whose stored rows run along m, interleaved (at {@code q * MR + i}).
     */
    private static void packA(Problem p, int ic, int mc, int pc, int kc, float[] ap, Scratch s) {
        int padded = ceilDiv(mc, MR) * MR;
        if (!p.transA) {
            // Rows of A already run along k, and MR-row panels of kc-long rows laid one after the other are just the
            // block's rows kc apart: one block copy, read by the row-layout kernel. No transposition.
            copyBlock(p.a, p.aOffset + (long) ic * p.lda + pc, p.lda, mc, kc, ap, 0, kc);
            Arrays.fill(ap, mc * kc, padded * kc, 0f);
        } else {
            // Stored A is [k, m]: each depth step is one run of mc values (padded with zeros), dealt out MR per panel.
            float[] rows = s.rows(kc * padded);
            copyBlock(p.a, p.aOffset + (long) pc * p.lda + ic, p.lda, kc, mc, rows, 0, padded);
            for (int q = 0; q < kc; q++) {
                int src = q * padded;
                for (int i = mc; i < padded; i++) rows[src + i] = 0f;
                for (int ir = 0; ir < padded; ir += MR) {
                    int d = ir * kc + q * MR;
                    for (int i = 0; i < MR; i++) ap[d + i] = rows[src + ir + i];
                }
            }
        }
    }

    /**
     * Copies a {@code rows x cols} block whose rows lie {@code ld} floats apart in {@code src} to {@code dst}, rows
     * {@code ldd} apart: one bulk copy when both are contiguous. Each off-heap copy has a fixed cost (bounds and scope
     * checks) that a small product's many short rows would pay again and again.
     */
    private static void copyBlock(MemorySegment src, long offset, int ld, int rows, int cols, float[] dst, int dOff, int ldd) {
        if (ld == cols && ldd == cols) {
            MemorySegment.copy(src, F, offset * Float.BYTES, dst, dOff, rows * cols);
            return;
        }
        for (int r = 0; r < rows; r++) {
            MemorySegment.copy(src, F, (offset + (long) r * ld) * Float.BYTES, dst, dOff + r * ldd, cols);
        }
    }

    /**
     * Packs op(B)[pc..pc+kc, jc..jc+nc] as NR-column panels: panel j holds, for each depth step, its NR values. A last
     * panel narrower than NR keeps whatever its other columns held: each column of a tile is its own FMA chain, and
     * an edge tile stores only its valid columns.
     */
    private static void packB(Problem p, int pc, int kc, int jc, int nc, Scratch s) {
        MemorySegment b = p.b;
        float[] bp = s.b;
        // A plain B's block comes to the heap in one piece first: its rows are short for a small product.
        float[] block = p.transB ? null : s.rows(kc * nc);
        if (block != null) copyBlock(b, p.bOffset + (long) pc * p.ldb + jc, p.ldb, kc, nc, block, 0, nc);
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int dst = jr * kc; // == (jr / NR) * NR * kc
            if (!p.transB) {
                for (int q = 0; q < kc; q++) System.arraycopy(block, q * nc + jr, bp, dst + q * NR, nr);
            } else {
                packTransposed(p, pc, kc, jc + jr, nr, bp, dst, NR, s);
            }
        }
    }

    /**
     * A transposed B's columns [j0, j0+nr) of op(B) over depths [pc, pc+kc) into {@code bp} from {@code dst}, {@code ldd}
     * values per depth step: stored B's rows run along k, so they come to the heap in bulk and the panel is their
     * vector transpose.
     */
    private static void packTransposed(Problem p, int pc, int kc, int j0, int nr, float[] bp, int dst, int ldd, Scratch s) {
        float[] rows = s.rows(nr * kc);
        copyBlock(p.b, p.bOffset + (long) j0 * p.ldb + pc, p.ldb, nr, kc, rows, 0, kc);
        K.transpose(rows, 0, kc, nr, kc, bp, dst, ldd);
    }

    /** Runs the micro-kernel over every MR x NR tile of a packed block. */
    private static void macroKernel(Problem p, Scratch s, int ic, int mc, int jc, int nc, int kc, float beta) {
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int bOff = jr * kc;
            for (int ir = 0; ir < mc; ir += MR) {
                int mr = Math.min(MR, mc - ir);
                if (p.transA) K.microKernel(kc, s.a, ir * kc, s.b, bOff, s.tile);
                else K.microKernelRows(kc, s.a, ir * kc, s.b, bOff, s.tile);
                long cIdx = p.cOffset + (long) (ic + ir) * p.ldc + jc + jr;
                if (mr == MR && nr == NR) K.storeTile(s.tile, p.c, cIdx, p.ldc, p.alpha, beta);
                else K.storeTileEdge(s.tile, mr, nr, p.c, cIdx, p.ldc, p.alpha, beta);
            }
        }
    }
}
