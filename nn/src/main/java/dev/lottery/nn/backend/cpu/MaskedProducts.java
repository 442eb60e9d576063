package dev.lottery.nn.backend.cpu;

import dev.lottery.nn.backend.common.GemmDims;
import dev.lottery.nn.backend.MatrixBatch;
import dev.lottery.nn.tensor.HostTensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * A dense layer's three products when its weights are masked, in work proportional to the weights kept: for each
 * member whose mask is sparse enough (below the measured crossover densities here), the products walk the
 * {@link CpuMaskPlan} lists with the batch along the vector lanes; denser members run {@link CpuGemm}.
 *
 * <ul>
 *   <li><b>Forward</b> {@code Y = X W^T}: row j of {@code Y^T} sums {@code W[j,i] X^T[i,:]} over the kept i of row j.
 *   <li><b>Input gradient</b> {@code dX = dY W}: row i of {@code dX^T} sums {@code W[j,i] dY^T[j,:]} over the kept j
 *       of column i.
 *   <li><b>Weight gradient</b> {@code dW = dY^T X}, only at kept entries: the dot product of {@code dY^T[j,:]} and
 *       {@code X^T[i,:]} over the batch.
 * </ul>
 *
 * <p><b>Same bits.</b> The forward product and the input gradient add each value's terms in {@link CpuGemm}'s order
 * (slab by slab along k, each slab one FMA chain) and skip only terms whose weight is zero, so they give the dense
 * product's bits (an exact zero's sign aside, and as long as nothing overflows). The weight gradient sums along the
 * batch in sixteen partial sums ({@link CpuKernels#dotRows}), a different rounding from the dense product's, so a
 * member below {@link #WEIGHT_GRADIENT_MAX_DENSITY} trains to other bits than one above it; the crossovers are part
 * of what a result depends on. Nothing depends on the member count, the other members' masks or the threads: each
 * member's path is chosen from its own density, and each value is computed whole by one task.
 *
 * <p>The batch is transposed into heap scratch on the way in ({@code X^T}, {@code dY^T}) and out ({@code Y^T},
 * {@code dX^T}); a large batch (an evaluation pass) runs in chunks of {@link CpuKernels#batchChunk()} examples, one
 * task per chunk, a training batch as one chunk split over the members' rows.
 */
final class MaskedProducts {
    private static final CpuKernels K = CpuKernels.active();

    /*
     * The crossovers, measured on lenet-300-100's layers (batch 60, one thread, sparse and dense calls alternating, the
     * median of 300 time ratios; docs/performance-cpu.md says where each kernel runs): every masked product breaks
     * even with the dense one near half the weights kept, and costs a quarter to a third of it at 5 %, where
     * transposing the batch in and out dominates. Products over fewer than MIN_SPARSE_WEIGHTS weights (lenet's 10 x 100
     * output layer) never gained and stay dense. With 16-float vectors (AVX-512) the dense product gains more than the
     * lists do, and whole lenet-fig3 units trained both ways (the forward product and input gradient masked or dense,
     * alternating in one process) put the break-even near a third of the weights kept: dense was 7 % faster at 41 %,
     * even at 33 %; on an AMD EPYC with AVX-512 dense was 1.12x as fast at 33 %, even at 26 % and 0.94x at 21 %, so
     * 16 lanes switch at 30 % (8 lanes there: dense 0.78x at 33 %, 0.90x at 41 %, so they keep 45 %). Those two
     * crossovers only choose a kernel (both give the dense bits), so they may follow the width; the weight gradient's
     * is part of the results (its rounding) and stays one constant. It was 45 %, from the per-product measurement at
     * 8 lanes; whole units with the dense weight gradient below it, taking turns with the sampled one in one process
     * on an AVX-512 machine, were 1.19x as fast at 41 % of the weights kept with 16 lanes and 1.07x with 8, 1.07x and
     * 1.00x at 26 %, but 0.95x at 21 % with 8 lanes and 0.93x at 13.5 % with 16: the constant sits between 21 % and
     * 26 %, where neither width loses.
     */
    /** Below this density the sparse forward product beats the dense one. */
    static final double FORWARD_MAX_DENSITY = K.lanes() >= 16 ? 0.30 : 0.45;
    /**
     * Below this density the sparse forward product runs rather than the one over a constant input's background form
     * ({@link BackgroundInput}: an evaluation on MNIST). Lenet's first layer over the 10,000 test images on an AMD EPYC,
     * the two alternating in one process: with 16-float vectors the background form took 8.1-10.0 ms at any density,
     * the masked product 15.0 ms at 21 % of the weights kept, 8.7 at 10.7 %, 7.6 at 8.6 %; with the JVM at AVX2
     * (8 floats, 16 registers) 20-23 ms against 22.1 at 26 %, 15.3 at 21 %, 10.5 at 13.4 %. The choice changes the
     * rounding, so it is one constant for every width (a fully connected network trains to the same bits at each):
     * 22 %, so that no density is slower than with the masked product at either width.
     */
    static final double BACKGROUND_FORWARD_MAX_DENSITY = 0.22;
    /** Below this density the sparse input gradient beats the dense one. */
    static final double INPUT_GRADIENT_MAX_DENSITY = FORWARD_MAX_DENSITY;
    /** Below this density the sampled weight gradient beats the dense product (and changes the rounding, see above). */
    static final double WEIGHT_GRADIENT_MAX_DENSITY = 0.25;
    /** Below this density the SGD step visits the kept weights one by one rather than sweeping all of them. */
    static final double SGD_MAX_DENSITY = 0.08;
    /** Weights per member below which every product stays dense. */
    static final int MIN_SPARSE_WEIGHTS = 4096;

    /** Below this many values a transposition runs as one task: handing a piece to the crew costs about a microsecond. */
    private static final int PARALLEL_TRANSPOSE_MIN = 1 << 12;

    /** Rows and columns the transposes round up to: the vector transpose's block (8 x 8, or 4 x 4 at 128 bits). */
    private static final int BLOCK = 8;
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private MaskedProducts() {}

    /** The largest density at which any masked kernel runs: plans keep lists only below it. */
    static double maxDensity() {
        return Math.max(Math.max(FORWARD_MAX_DENSITY, INPUT_GRADIENT_MAX_DENSITY), Math.max(WEIGHT_GRADIENT_MAX_DENSITY, SGD_MAX_DENSITY));
    }

    /** Per-thread scratch, grown on demand and reused: transposed inputs and outputs, one slot per member. */
    private static final class Scratch {
        float[][] in = new float[1][0], out = new float[1][0];
        float[] rows = new float[0];

        float[] in(int slot, int size) {
            if (in.length <= slot) in = Arrays.copyOf(in, slot + 1);
            if (in[slot] == null || in[slot].length < size) in[slot] = new float[size];
            return in[slot];
        }

        float[] out(int slot, int size) {
            if (out.length <= slot) out = Arrays.copyOf(out, slot + 1);
            if (out[slot] == null || out[slot].length < size) out[slot] = new float[size];
            return out[slot];
        }

        float[] rows(int size) {
            if (rows.length < size) rows = new float[size];
            return rows;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** One operand's memory: member n's matrix starts at {@code offset + n * stride}. */
    private record Operand(MemorySegment seg, long offset, int ld, long stride) {
        static Operand of(MatrixBatch m) {
            return new Operand(((HostTensor) m.tensor()).segment(), m.offset(), m.ld(), m.stride());
        }

        long base(int member) {
            return offset + member * stride;
        }
    }

    // ---- forward (Y = X W^T) and input gradient (dX = dY W): sparse lists times the batch in lanes ----

    /**
     * {@code y_n = x_n w_n^T} for every member, w masked by {@code plan}; the denser members' products over x's
     * background form (see {@link BackgroundInput}) when {@code background} gives one. It is asked only when some
     * member is dense enough to use it, since making the form costs a pass over x.
     */
    static void forward(GemmWorkers workers, int members, MatrixBatch xb, MatrixBatch wb, MatrixBatch yb, CpuMaskPlan plan, GemmDims d,
                        Supplier<BackgroundInput> background) {
        int batch = d.m(), units = d.n(), inputs = d.k();
        Operand x = Operand.of(xb), w = Operand.of(wb), y = Operand.of(yb);
        int[] belowBackground = membersBelow(plan, members, BACKGROUND_FORWARD_MAX_DENSITY);
        BackgroundInput form = belowBackground.length < members ? background.get() : null;
        int[] sparse = form == null ? membersBelow(plan, members, FORWARD_MAX_DENSITY) : belowBackground;
        for (int n = 0; n < members; n++) {
            if (contains(sparse, n)) continue;
            if (form != null) {
                form.product(workers, units, w.seg, w.base(n), w.ld, y.seg, y.base(n), y.ld);
            } else {
                CpuGemm.sgemm(workers, false, true, batch, units, inputs, 1f, x.seg, x.base(n), x.ld, w.seg, w.base(n), w.ld, 0f, y.seg, y.base(n), y.ld);
            }
        }
        inLanes(workers, sparse, plan, true, x, xb.shared(), inputs, w, y, units, batch);
    }

    /** {@code dx_n = dy_n w_n} for every member, w masked by {@code plan}. */
    static void inputGradient(GemmWorkers workers, int members, MatrixBatch dyb, MatrixBatch wb, MatrixBatch dxb, CpuMaskPlan plan,
                              GemmDims d) {
        int batch = d.m(), inputs = d.n(), units = d.k();
        Operand dy = Operand.of(dyb), w = Operand.of(wb), dx = Operand.of(dxb);
        int[] sparse = membersBelow(plan, members, INPUT_GRADIENT_MAX_DENSITY);
        for (int n = 0; n < members; n++) {
            if (!contains(sparse, n)) {
                CpuGemm.sgemm(workers, false, false, batch, inputs, units, 1f, dy.seg, dy.base(n), dy.ld, w.seg, w.base(n), w.ld, 0f, dx.seg, dx.base(n), dx.ld);
            }
        }
        inLanes(workers, sparse, plan, false, dy, false, units, w, dx, inputs, batch);
    }

    /**
     * {@code out_n[b, r] = sum over the entries p of list r of w_n's value at p times in_n[b, index[p]]}, for every
     * sparse member: its rows (the forward product, {@code byRow}) or its columns (the input gradient). The batch is
     * transposed into lanes chunk by chunk. A long batch (an evaluation pass) makes each chunk one task, all members
     * and lists of it; a training batch is transposed by the caller, then each member's lists are shared out by their
     * entries.
     */
    private static void inLanes(GemmWorkers workers, int[] sparse, CpuMaskPlan plan, boolean byRow, Operand in, boolean sharedIn,
                                int inFeatures,
                                Operand w, Operand out, int outFeatures, int batch) {
        if (sparse.length == 0) return;
        int cb = K.batchChunk(), chunks = ceilDiv(batch, cb);
        if (chunks >= 2 * workers.threads()) {
            workers.forEach(chunks, c -> {
                Scratch s = SCRATCH.get();
                int b0 = c * cb, count = Math.min(cb, batch - b0);
                float[] lanes = s.in(0, inFeatures * cb), sums = s.out(0, (outFeatures + BLOCK) * cb);
                for (int i = 0; i < sparse.length; i++) {
                    int n = sparse[i];
                    if (i == 0 || !sharedIn) transposeIn(in.seg, in.base(n) + (long) b0 * in.ld, in.ld, count, inFeatures, 0, inFeatures, lanes, cb, s);
                    walk(plan.member(n).sparse(), byRow, 0, outFeatures, w, n, lanes, cb, count, sums);
                    transposeOut(sums, cb, 0, outFeatures, count, out.seg, out.base(n) + (long) b0 * out.ld, out.ld, s);
                }
            }, in.seg, w.seg, out.seg);
            return;
        }
        Scratch s = SCRATCH.get();
        for (int b0 = 0; b0 < batch; b0 += cb) {
            // A training batch is one short chunk: its lanes are packed at its own width, not the chunk's.
            int count = Math.min(cb, batch - b0), first = b0, ld = lanes(count);
            float[][] lanes = new float[sparse.length][], sums = new float[sparse.length][];
            List<Transposition> transpositions = new ArrayList<>();
            for (int i = 0; i < sparse.length; i++) {
                int n = sparse[i];
                if (sharedIn && i > 0) {
                    lanes[i] = lanes[0];
                } else {
                    lanes[i] = s.in(i, inFeatures * ld);
                    transpositions.add(new Transposition(in.seg, in.base(n) + (long) b0 * in.ld, in.ld, count, inFeatures, lanes[i], ld));
                }
                sums[i] = s.out(i, (outFeatures + BLOCK) * ld);
            }
            transposeIn(workers, transpositions);
            int[][] parts = parts(workers.threads(), plan, sparse, outFeatures, byRow);
            workers.forEach(parts.length, t -> {
                int i = parts[t][0], n = sparse[i], r0 = parts[t][1], r1 = parts[t][2];
                walk(plan.member(n).sparse(), byRow, r0, r1, w, n, lanes[i], ld, count, sums[i]);
                transposeOut(sums[i], ld, r0, r1, count, out.seg, out.base(n) + (long) first * out.ld, out.ld, SCRATCH.get());
            }, in.seg, w.seg, out.seg);
        }
    }

    /** Lists [r0, r1) of member n's rows or columns times {@code count} lanes: sums in {@code sums}, lanes {@code ld} apart. */
    private static void walk(CpuMaskPlan.Sparse m, boolean byRow, int r0, int r1, Operand w, int n, float[] lanes, int ld, int count,
                             float[] sums) {
        if (byRow) K.sparseRows(r0, r1, m.rowSlabs(), m.rowRuns(), m.colIndex(), null, w.seg, w.base(n), w.ld, lanes, ld, lanes(count), sums, ld);
        else K.sparseRows(r0, r1, m.colSlabs(), m.colRuns(), m.rowIndex(), m.colFlat(), w.seg, w.base(n), 0, lanes, ld, lanes(count), sums, ld);
    }

    // ---- weight gradient: dW = dY^T X at the kept entries ----

    /** {@code dw_n = dy_n^T x_n} at the entries {@code plan} keeps, for every member. */
    static void weightGradient(GemmWorkers workers, int members, MatrixBatch dyb, MatrixBatch xb, MatrixBatch dwb, CpuMaskPlan plan,
                               GemmDims d) {
        int units = d.m(), inputs = d.n(), batch = d.k();
        Operand dy = Operand.of(dyb), x = Operand.of(xb), dw = Operand.of(dwb);
        int[] sparse = membersBelow(plan, members, WEIGHT_GRADIENT_MAX_DENSITY);
        for (int n = 0; n < members; n++) {
            if (!contains(sparse, n)) {
                CpuGemm.sgemm(workers, true, false, units, inputs, batch, 1f, dy.seg, dy.base(n), dy.ld, x.seg, x.base(n), x.ld, 0f, dw.seg, dw.base(n), dw.ld);
            }
        }
        if (sparse.length == 0) return;
        int width = roundUp(batch, 16);
        Scratch s = SCRATCH.get();
        boolean shared = xb.shared();
        float[][] dyt = new float[sparse.length][], xt = new float[sparse.length][];
        List<Transposition> transpositions = new ArrayList<>();
        for (int i = 0; i < sparse.length; i++) {
            int n = sparse[i];
            dyt[i] = s.in(2 * i, units * width);
            transpositions.add(new Transposition(dy.seg, dy.base(n), dy.ld, batch, units, dyt[i], width));
            if (shared && i > 0) {
                xt[i] = xt[0];
            } else {
                xt[i] = s.in(2 * i + 1, inputs * width);
                transpositions.add(new Transposition(x.seg, x.base(n), x.ld, batch, inputs, xt[i], width));
            }
        }
        transposeIn(workers, transpositions);
        int[][] parts = parts(workers.threads(), plan, sparse, units, true);
        workers.forEach(parts.length, t -> {
            int i = parts[t][0], n = sparse[i];
            CpuMaskPlan.Sparse m = plan.member(n).sparse();
            K.dotRows(parts[t][1], parts[t][2], m.rowStart(), m.colIndex(), dyt[i], width, xt[i], width, width, dw.seg, dw.base(n), dw.ld);
        }, dy.seg, x.seg, dw.seg);
    }

    // ---- the SGD step over the kept weights ----

    /**
     * {@code DenseOps.sgdStep} with a prepared mask: members below {@link #SGD_MAX_DENSITY} touch only their kept
     * weights, the others sweep their whole matrix. Either way a member's work is cut into pieces on the crew when
     * there are fewer members than threads (each weight's update is its own, so the pieces do not change a bit).
     */
    static void sgd(GemmWorkers workers, MemorySegment w, MemorySegment grad, MemorySegment velocity, CpuMaskPlan plan, MemorySegment mask,
                    float lr, float momentum, float weightDecay) {
        long matrix = (long) plan.rows() * plan.cols();
        int members = plan.members();
        int per = matrix * members < (1L << 15) ? 1 : Math.max(1, ceilDiv(workers.threads(), members));
        long piece = (matrix / per + 15) / 16 * 16;
        workers.forEach(members * per, t -> {
            int n = t / per, part = t % per;
            CpuMaskPlan.Member m = plan.member(n);
            long base = n * matrix;
            if (m.sparse() != null && m.density() < SGD_MAX_DENSITY) {
                int[] flat = m.sparse().flat();
                int from = (int) ((long) flat.length * part / per), to = (int) ((long) flat.length * (part + 1) / per);
                ScalarKernels.sgdAt(w, grad, velocity, flat, from, to, base, lr, momentum, weightDecay);
            } else {
                long from = Math.min(matrix, part * piece), to = part == per - 1 ? matrix : Math.min(matrix, (part + 1) * piece);
                K.sgd(w, grad, mask, velocity, base + from, base + to, lr, momentum, weightDecay);
            }
        }, w, grad, velocity, mask);
    }

    // ---- helpers ----

    /** The members whose density is below {@code max}, in order; none for a matrix too small to gain. */
    private static int[] membersBelow(CpuMaskPlan plan, int members, double max) {
        if ((long) plan.rows() * plan.cols() < MIN_SPARSE_WEIGHTS) return new int[0];
        int[] out = new int[members];
        int count = 0;
        for (int n = 0; n < members; n++) {
            CpuMaskPlan.Member m = plan.member(n);
            if (m.sparse() != null && m.density() < max) out[count++] = n;
        }
        return Arrays.copyOf(out, count);
    }

    private static boolean contains(int[] sorted, int n) {
        return Arrays.binarySearch(sorted, n) >= 0;
    }

    /**
     * Tasks {@code {slot, from, to}} that cover every sparse member's lists (rows when {@code byRow}, columns
     * otherwise) in about {@code threads} pieces of equal entries; a member's piece boundaries depend only on it.
     */
    private static int[][] parts(int threads, CpuMaskPlan plan, int[] sparse, int lists, boolean byRow) {
        int per = Math.max(1, ceilDiv(threads, sparse.length));
        int[][] tasks = new int[sparse.length * per][];
        int t = 0;
        for (int i = 0; i < sparse.length; i++) {
            CpuMaskPlan.Sparse m = plan.member(sparse[i]).sparse();
            int[] start = byRow ? m.rowStart() : m.colStart();
            long nnz = start[lists];
            int from = 0;
            for (int p = 1; p <= per; p++) {
                int to = p == per ? lists : from;
                long target = nnz * p / per;
                while (to < lists && start[to] < target) to++;
                if (to > from) tasks[t++] = new int[] {i, from, to};
                from = to;
            }
        }
        return Arrays.copyOf(tasks, t);
    }

    /**
     * {@code dst[c * ldd + r] = src[off + r * ld + c]} for r < rows, c < cols, and zeros for {@code rows <= r < ldd}:
     * rows of a batch turned into columns of the lanes.
     */
    private record Transposition(MemorySegment src, long off, int ld, int rows, int cols, float[] dst, int ldd) {}

    /**
     * Runs the transpositions of a training batch's products on the crew in one job, each large one cut into column
     * blocks, one per thread: at deep pruning levels moving a batch into and out of the lanes is most of a layer's work,
     * and done on the calling thread it left the other cores idle. Only data moves, so the pieces do not change a bit.
     */
    private static void transposeIn(GemmWorkers workers, List<Transposition> transpositions) {
        int[][] tasks = new int[transpositions.size() * workers.threads()][];
        int count = 0;
        for (int j = 0; j < transpositions.size(); j++) {
            Transposition t = transpositions.get(j);
            int blocks = ceilDiv(t.cols, BLOCK);
            int pieces = (long) t.rows * t.cols < PARALLEL_TRANSPOSE_MIN ? 1 : Math.min(workers.threads(), blocks);
            for (int p = 0; p < pieces; p++) {
                tasks[count++] = new int[] {j, Math.min(t.cols, blocks * p / pieces * BLOCK), Math.min(t.cols, blocks * (p + 1) / pieces * BLOCK)};
            }
        }
        int[][] all = Arrays.copyOf(tasks, count);
        MemorySegment[] sources = transpositions.stream().map(Transposition::src).toArray(MemorySegment[]::new);
        workers.forEach(all.length, i -> {
            Transposition t = transpositions.get(all[i][0]);
            transposeIn(t.src, t.off, t.ld, t.rows, t.cols, all[i][1], all[i][2], t.dst, t.ldd, SCRATCH.get());
        }, sources);
    }

    /**
     * Columns [c0, c1) of a {@link Transposition} (bulk copies to the heap, then {@link CpuKernels#transpose}). The copy
     * is padded with zero rows to a multiple of {@link #BLOCK}, so the transpose runs whole vector blocks and writes the
     * padding lanes' zeros itself. Returns dst.
     */
    static float[] transposeIn(MemorySegment src, long off, int ld, int rows, int cols, int c0, int c1, float[] dst, int ldd, Scratch s) {
        int padded = Math.min(ldd, roundUp(rows, BLOCK)), w = c1 - c0;
        float[] buf = s.rows(padded * w);
        for (int r = 0; r < rows; r++) MemorySegment.copy(src, F, (off + (long) r * ld + c0) * Float.BYTES, buf, r * w, w);
        Arrays.fill(buf, rows * w, padded * w, 0f);
        K.transpose(buf, 0, w, padded, w, dst, c0 * ldd, ldd);
        if (padded < ldd) {
            for (int c = c0; c < c1; c++) Arrays.fill(dst, c * ldd + padded, (c + 1) * ldd, 0f);
        }
        return dst;
    }

    /**
     * {@code dst[off + b * ld + r] = src[r * lds + b]} for r in [r0, r1), b < rows: lanes back into rows of a batch.
     * The transpose reads whole vector blocks, up to {@link #BLOCK} - 1 lanes and rows past the ones written back (the
     * lanes exist up to {@code lds}, the rows because sums are allocated with {@link #BLOCK} spare rows).
     */
    private static void transposeOut(float[] src, int lds, int r0, int r1, int rows, MemorySegment dst, long off, int ld, Scratch s) {
        int width = r1 - r0, blockRows = roundUp(width, BLOCK), blockCols = Math.min(lds, roundUp(rows, BLOCK));
        float[] buf = s.rows(blockCols * blockRows);
        K.transpose(src, r0 * lds, lds, blockRows, blockCols, buf, 0, blockRows);
        for (int b = 0; b < rows; b++) MemorySegment.copy(buf, b * blockRows, dst, F, (off + (long) b * ld + r0) * Float.BYTES, width);
    }

    /** {@code count} batch positions rounded up to whole vectors. */
    private static int lanes(int count) {
        return roundUp(count, K.lanes());
    }

    private static int roundUp(int x, int multiple) {
        return ceilDiv(x, multiple) * multiple;
    }

    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }
}
