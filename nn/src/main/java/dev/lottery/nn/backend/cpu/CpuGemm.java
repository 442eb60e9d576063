package dev.lottery.nn.backend.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision GEMM on off-heap row-major matrices with the Vector API, in the GotoBLAS shape: the problem is
 * cut into {@code KC}-deep slabs, each slab of {@code op(B)} is packed into {@code NR}-wide column panels and each
 * block of {@code op(A)} into {@code MR}-tall row panels (heap arrays reused per thread), and a register-blocked
 * {@code MR x NR} micro-kernel runs FMAs on the packed panels. Packing is where transposition is absorbed, so all
 * four {@code (transA, transB)} combinations share one kernel.
 *
 * <p>Large products are split over column (or row) blocks of C across the {@link GemmWorkers} crew; small ones run
 * on the calling thread, because for a few tens of thousands of multiply-adds the hand-over costs more than it
 * saves. Segments of a confined arena are computed on the calling thread too, since no other thread may touch them.
 */
public final class CpuGemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Rows of C per micro-tile: 6 rows x 2 vectors = 12 accumulators, leaving registers for 2 B loads + 1 A broadcast on AVX2. */
    static final int MR = 6;
    /** Columns of C per micro-tile: two vectors. */
    static final int NR = 2 * L;
    /** Depth of a packed slab: an {@code KC x NR} B panel (16 KiB for 8 lanes) stays in L1 across a row block. */
    static final int KC = 256;
    /** Rows per packed A block (a multiple of MR): 120 x 256 floats = 120 KiB, comfortably inside L2. */
    static final int MC = 20 * MR;
    /** Columns per packed B block (a multiple of NR). */
    static final int NC = 64 * NR;
    /** Largest C (in floats) of a product computed swapped, since its C^T is summed in a per-thread heap buffer. */
    static final long SWAP_MAX_C = 1L << 20;
    /** Below this many multiply-adds a product runs on the calling thread alone. */
    static final long PARALLEL_MIN_MACS = 1L << 17;

    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    /** Per-thread packing buffers, allocated once per thread and reused by every call. */
    private static final class Scratch {
        final float[] a = new float[MC * KC];
        final float[] b = new float[KC * NC];
        final float[] tile = new float[MR * NR];
        /** One source row, bulk-copied off-heap -> heap before it is scattered into a panel. */
        final float[] row = new float[Math.max(KC, MC)];
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
     *  floats of the stored (untransposed) matrices; offsets are in floats. beta == 0 means C is not read (NaNs ignored). */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
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
        GemmWorkers workers = GemmWorkers.shared();
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
        // A swapped product's block of C^T is summed on the heap (vector stores) and written to C once at the end,
        // rather than updating C element by element after every slab.
        float[] ct = p.transC ? s.ct((m1 - m0) * (n1 - n0)) : null;
        for (int jc = n0; jc < n1; jc += NC) {
            int nc = Math.min(NC, n1 - jc);
            // Equal slabs (784 -> 4 x 196, not 3 x 256 + 16): a thin last slab would run the kernel at a poor
            // load/FMA ratio and re-read all of C once more.
            int slabs = ceilDiv(p.k, KC), slab = ceilDiv(p.k, slabs);
            for (int pc = 0; pc < p.k; pc += slab) {
                int kc = Math.min(slab, p.k - pc);
                // The first slab applies the caller's beta; later slabs accumulate onto what the first wrote.
                float beta = pc == 0 ? p.beta : 1f;
                packB(p, pc, kc, jc, nc, s.b, s.row);
                for (int ic = m0; ic < m1; ic += MC) {
                    int mc = Math.min(MC, m1 - ic);
                    packA(p, ic, mc, pc, kc, s.a, s.row);
                    if (ct == null) macroKernel(p, s, ic, mc, jc, nc, kc, beta);
                    else macroKernelToHeap(p, s, ic - m0, mc, jc - n0, nc, kc, pc == 0, ct, n1 - n0);
                }
            }
        }
        if (ct != null) writeTransposed(p, ct, m0, m1, n0, n1);
    }

    /** {@link #macroKernel} for a swapped product: tiles go to {@code ct} (row stride w) at block-relative (ic, jc). */
    private static void macroKernelToHeap(Problem p, Scratch s, int ic, int mc, int jc, int nc, int kc, boolean first, float[] ct, int w) {
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int bOff = jr * kc;
            for (int ir = 0; ir < mc; ir += MR) {
                int mr = Math.min(MR, mc - ir);
                if (p.transA) microKernel(kc, s.a, ir * kc, s.b, bOff, s.tile);
                else microKernelRows(kc, s.a, ir * kc, s.b, bOff, s.tile);
                int at = (ic + ir) * w + jc + jr;
                for (int i = 0; i < mr; i++, at += w) {
                    int t = i * NR;
                    if (nr == NR) {
                        FloatVector v0 = FloatVector.fromArray(S, s.tile, t), v1 = FloatVector.fromArray(S, s.tile, t + L);
                        if (!first) {
                            v0 = v0.add(FloatVector.fromArray(S, ct, at));
                            v1 = v1.add(FloatVector.fromArray(S, ct, at + L));
                        }
                        v0.intoArray(ct, at);
                        v1.intoArray(ct, at + L);
                    } else {
                        for (int j = 0; j < nr; j++) ct[at + j] = first ? s.tile[t + j] : ct[at + j] + s.tile[t + j];
                    }
                }
            }
        }
    }

    /** C[j, i] = alpha * ct[i - m0, j - n0] + beta * C[j, i] for the block; walks C's rows so writes are neighbours. */
    private static void writeTransposed(Problem p, float[] ct, int m0, int m1, int n0, int n1) {
        int w = n1 - n0;
        MemorySegment c = p.c;
        float alpha = p.alpha, beta = p.beta;
        for (int j = n0; j < n1; j++) {
            long at = p.cOffset + (long) j * p.ldc + m0;
            for (int i = 0, src = j - n0; i < m1 - m0; i++, src += w) {
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
    private static void packA(Problem p, int ic, int mc, int pc, int kc, float[] ap, float[] row) {
        // (row is scratch for the transposed case)
        MemorySegment a = p.a;
        if (!p.transA) {
            // Rows of A already run along k: each MR-row panel is its rows copied in bulk, one after the other
            // (kc apart), read by the row-layout kernel. No transposition.
            for (int ir = 0; ir < mc; ir += MR) {
                int mr = Math.min(MR, mc - ir);
                int dst = ir * kc; // == (ir / MR) * MR * kc
                for (int i = 0; i < mr; i++) {
                    long src = p.aOffset + (long) (ic + ir + i) * p.lda + pc;
                    MemorySegment.copy(a, F, src * Float.BYTES, ap, dst + i * kc, kc);
                }
                if (mr < MR) java.util.Arrays.fill(ap, dst + mr * kc, dst + MR * kc, 0f);
            }
        } else {
            // Stored A is [k, m]: each depth step is one contiguous run of mc values, dealt out MR per panel.
            int padded = ceilDiv(mc, MR) * MR;
            for (int i = mc; i < padded; i++) row[i] = 0f;
            for (int q = 0; q < kc; q++) {
                long src = p.aOffset + (long) (pc + q) * p.lda + ic;
                MemorySegment.copy(a, F, src * Float.BYTES, row, 0, mc);
                for (int ir = 0; ir < padded; ir += MR) {
                    int d = ir * kc + q * MR;
                    for (int i = 0; i < MR; i++) ap[d + i] = row[ir + i];
                }
            }
        }
    }

    /** Packs op(B)[pc..pc+kc, jc..jc+nc] as NR-column panels: panel j holds, for each depth step, its NR values. */
    private static void packB(Problem p, int pc, int kc, int jc, int nc, float[] bp, float[] row) {
        MemorySegment b = p.b;
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int dst = jr * kc; // == (jr / NR) * NR * kc
            if (!p.transB) {
                if (nr == NR) {
                    for (int q = 0; q < kc; q++) {
                        long src = (p.bOffset + (long) (pc + q) * p.ldb + jc + jr) * Float.BYTES;
                        int d = dst + q * NR;
                        FloatVector.fromMemorySegment(S, b, src, NATIVE).intoArray(bp, d);
                        FloatVector.fromMemorySegment(S, b, src + (long) L * Float.BYTES, NATIVE).intoArray(bp, d + L);
                    }
                } else {
                    for (int q = 0; q < kc; q++) {
                        long src = p.bOffset + (long) (pc + q) * p.ldb + jc + jr;
                        int d = dst + q * NR;
                        for (int j = 0; j < nr; j++) bp[d + j] = b.getAtIndex(F, src + j);
                    }
                }
            } else {
                // Rows of stored B run along k: copy each in bulk, then scatter it with stride NR.
                for (int j = 0; j < nr; j++) {
                    long src = p.bOffset + (long) (jc + jr + j) * p.ldb + pc;
                    MemorySegment.copy(b, F, src * Float.BYTES, row, 0, kc);
                    for (int q = 0, d = dst + j; q < kc; q++, d += NR) bp[d] = row[q];
                }
            }
            if (nr < NR) {
                for (int q = 0; q < kc; q++) {
                    for (int j = nr; j < NR; j++) bp[dst + q * NR + j] = 0f;
                }
            }
        }
    }

    /** Runs the micro-kernel over every MR x NR tile of a packed block. */
    private static void macroKernel(Problem p, Scratch s, int ic, int mc, int jc, int nc, int kc, float beta) {
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int bOff = jr * kc;
            for (int ir = 0; ir < mc; ir += MR) {
                int mr = Math.min(MR, mc - ir);
                if (p.transA) microKernel(kc, s.a, ir * kc, s.b, bOff, s.tile);
                else microKernelRows(kc, s.a, ir * kc, s.b, bOff, s.tile);
                long cIdx = p.cOffset + (long) (ic + ir) * p.ldc + jc + jr;
                if (mr == MR && nr == NR) updateFull(s.tile, p.c, cIdx, p.ldc, p.alpha, beta);
                else updateEdge(s.tile, mr, nr, p.c, cIdx, p.ldc, p.alpha, beta);
            }
        }
    }

    /**
     * 6 x 2-vector register tile for an interleaved A panel: {@code tile = A-panel . B-panel} over kc depth steps. The accumulators go to a small
     * heap tile rather than straight to C: C2 keeps all twelve in registers only when the method has a single exit
     * through plain array stores (with the C update inlined here, it measured ~5x slower).
     */
    private static void microKernel(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        for (int q = 0, ai = aOff, bi = bOff; q < kc; q++, ai += MR, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector av = FloatVector.broadcast(S, ap[ai]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR);
        c51.intoArray(tile, 5 * NR + L);
    }

    /** {@link #microKernel} for an A panel packed row by row: row i's depth step q is at {@code aOff + i * kc + q}. */
    private static void microKernelRows(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        for (int q = 0, bi = bOff; q < kc; q++, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector av = FloatVector.broadcast(S, ap[aOff + q]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, ap[aOff + 1 * kc + q]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, ap[aOff + 2 * kc + q]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, ap[aOff + 3 * kc + q]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, ap[aOff + 4 * kc + q]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, ap[aOff + 5 * kc + q]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR);
        c51.intoArray(tile, 5 * NR + L);
    }

    /** C = alpha * tile + beta * C for a full MR x NR tile, two vectors per row. */
    private static void updateFull(float[] tile, MemorySegment c, long cIdx, int ldc, float alpha, float beta) {
        long row = cIdx * Float.BYTES, step = (long) ldc * Float.BYTES;
        for (int i = 0; i < MR; i++, row += step) {
            storeRow(c, row, FloatVector.fromArray(S, tile, i * NR), FloatVector.fromArray(S, tile, i * NR + L), alpha, beta);
        }
    }

    private static void storeRow(MemorySegment c, long byteOff, FloatVector v0, FloatVector v1, float alpha, float beta) {
        long byteOff1 = byteOff + (long) L * Float.BYTES;
        if (beta == 0f) {
            v0.mul(alpha).intoMemorySegment(c, byteOff, NATIVE);
            v1.mul(alpha).intoMemorySegment(c, byteOff1, NATIVE);
        } else {
            FloatVector o0 = FloatVector.fromMemorySegment(S, c, byteOff, NATIVE);
            FloatVector o1 = FloatVector.fromMemorySegment(S, c, byteOff1, NATIVE);
            if (beta != 1f) {
                o0 = o0.mul(beta);
                o1 = o1.mul(beta);
            }
            FloatVector va = FloatVector.broadcast(S, alpha);
            v0.fma(va, o0).intoMemorySegment(c, byteOff, NATIVE);
            v1.fma(va, o1).intoMemorySegment(c, byteOff1, NATIVE);
        }
    }

    /** C = alpha * tile + beta * C, element by element, for the valid mr x nr corner of an edge tile. */
    private static void updateEdge(float[] tile, int mr, int nr, MemorySegment c, long cIdx, int ldc, float alpha, float beta) {
        for (int i = 0; i < mr; i++) {
            long at = cIdx + (long) i * ldc;
            for (int j = 0; j < nr; j++) {
                float v = alpha * tile[i * NR + j];
                if (beta != 0f) v = Math.fma(beta, c.getAtIndex(F, at + j), v);
                c.setAtIndex(F, at + j, v);
            }
        }
    }
}
