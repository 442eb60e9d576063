package dev.lottery.nn.backend.cpu;

import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.backend.BackendOptions;
import dev.lottery.nn.backend.common.GemmDims;
import dev.lottery.nn.backend.common.GlobalPruneRequest;
import dev.lottery.nn.backend.MatrixBatch;
import dev.lottery.nn.backend.common.ShiftAndFlipRequest;
import dev.lottery.nn.backend.StepRecorder;
import dev.lottery.nn.backend.common.LayerOpSizes;
import dev.lottery.nn.backend.MaskedOperand;
import dev.lottery.nn.backend.PreparedMask;
import dev.lottery.nn.UserError;
import dev.lottery.nn.backend.ChannelGeometry;
import dev.lottery.nn.backend.ConvGeometry;
import dev.lottery.nn.backend.PoolGeometry;
import dev.lottery.nn.rng.KeyedRandom;
import dev.lottery.nn.tensor.HostTensor;
import dev.lottery.nn.tensor.Tensor;
import com.sun.management.OperatingSystemMXBean;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.lang.ref.Cleaner;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The portable backend: off-heap {@link HostTensor}s, {@link CpuGemm} for matrix products and {@link CpuKernels}
 * (Vector API, or scalar without it) for the element-wise ops. Always available; the fallback when no GPU is usable.
 *
 * <p>Masked weights: {@link #prepareMask} lists each sparse member's kept weights, and {@link #maskedGemm} and the
 * masked {@link #sgdStep(Tensor, Tensor, PreparedMask, Tensor, float, float, float) SGD step} then do work in
 * proportion to them ({@link MaskedProducts}). {@code -D}{@value #SPARSE_PROPERTY}{@code =false} (or
 * {@link #CpuBackend(boolean)}) keeps every product dense, as before the masked kernels existed.
 *
 * <p>Threads: each backend owns a crew of worker threads ({@link GemmWorkers}) of its
 * {@link BackendOptions#cpuThreads() thread count}, which its kernels use and {@link #close()} stops; backends with
 * different thread counts live side by side in one JVM. Results are the same bits for any thread count.
 */
public final class CpuBackend implements Backend {
    /**
     * The CPU kernels' generation, raised whenever a change moves any result's bits: currently the masked products'
     * weight gradients (sixteen partial sums below the crossovers in {@link MaskedProducts}), evaluations over a
     * whole test set in one pass, the convolutions' direct and Winograd kernels, (generation 4) the Winograd filter
     * gradient of 3x3 layers from 16 channels and the direct filter gradient of the other stride-1 layers above 32, and
     * (generation 5) the strided layers (resnet20's downsampling convolutions) on the direct kernels over phase planes,
     * (generation 6) the masked weight gradient's crossover lowered from 45 % to 25 % of the weights kept, and
     * (generation 7) first layers' products over a constant input with a background value ({@link BackgroundInput}:
     * lenet's evaluations on MNIST).
     */
    static final int GENERATION = 7;
    /** {@code -Dlottery.cpu.sparse=false}: masked products and updates run dense (the default is true). */
    public static final String SPARSE_PROPERTY = "lottery.cpu.sparse";
    /**
     * {@code -Dlottery.gemm.threads=N}: the thread count of a backend whose options give none (by default one per
     * available core).
     */
    public static final String THREADS_PROPERTY = "lottery.gemm.threads";
    /** Stops an unclosed backend's crew once the backend is unreachable (the crew's threads never reach it). */
    private static final Cleaner CLEANER = Cleaner.create();
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /**
     * Below this many floats an element-wise op (ReLU and its gradient, sums, products, copies, the SGD update) runs on
     * the calling thread alone; above it each crew thread takes one range. A convolutional network's activations are
     * megabytes (resnet20: 2 million floats a layer at batch 128), where a second core adds memory bandwidth too.
     */
    private static final long PARALLEL_MIN_FLOATS = 1L << 15;
    private final CpuKernels k;
    private final boolean sparse;
    private final GemmWorkers workers;
    private final Cleaner.Cleanable crewStop;
    /** Tensors declared constant ({@link #markConstant}), each with its background form once a product asked for it. */
    private final Map<Tensor, ConstantInput> constants = Collections.synchronizedMap(new WeakHashMap<>());

    /**
     * The backend with the default thread count ({@value #THREADS_PROPERTY}) and masked kernels unless
     * {@value #SPARSE_PROPERTY} is false.
     */
    public CpuBackend() {
        this(defaultThreads(), sparseByDefault());
    }

    /**
     * The backend with the default thread count ({@value #THREADS_PROPERTY}).
     *
     * @param sparse whether masked products and updates skip pruned weights (false: every product dense)
     */
    public CpuBackend(boolean sparse) {
        this(defaultThreads(), sparse);
    }

    /**
     * The backend on {@link BackendOptions#cpuThreads() options.cpuThreads()} threads, with masked kernels unless
     * {@value #SPARSE_PROPERTY} is false.
     *
     * @param options the thread count (the device choice is not read here)
     */
    public CpuBackend(BackendOptions options) {
        this(options.cpuThreads(), sparseByDefault());
    }

    /**
     * The backend on {@code threads} threads, with masked kernels when {@code sparse}.
     *
     * @param threads threads per parallel operation, the calling thread included
     * @param sparse  whether masked products and updates skip pruned weights (false: every product dense)
     */
    public CpuBackend(int threads, boolean sparse) {
        CpuKernels.requestedBits(); // a bad -Dlottery.vector.bits is a one-line user error, before any kernel loads
        this.k = CpuKernels.active();
        this.sparse = sparse;
        this.workers = new GemmWorkers(threads);
        this.crewStop = CLEANER.register(this, workers::close);
    }

    /** The thread count of a backend opened without one: {@value #THREADS_PROPERTY}, or one per available core. */
    public static int defaultThreads() {
        int threads = Integer.getInteger(THREADS_PROPERTY, Runtime.getRuntime().availableProcessors());
        return Math.clamp(threads, 1, BackendOptions.MAX_CPU_THREADS);
    }

    private static boolean sparseByDefault() {
        return !"false".equalsIgnoreCase(System.getProperty(SPARSE_PROPERTY, "true").trim());
    }

    /** The crew this backend's kernels run on. */
    GemmWorkers workers() {
        return workers;
    }

    @Override
    public String name() {
        return "cpu";
    }

    /**
     * {@code cpu-7-v8} (8-float vectors), {@code cpu-7-dense-v8} with every masked product dense (their weight gradients
     * round otherwise), or {@code cpu-7-scalar} without the Vector API.
     */
    @Override
    public String kernelGeneration() {
        // The convolutions' filter gradient and batch norm sum one chain per vector lane, so their bits follow the
        // CPU's vector width (AVX2 or AVX-512); without the Vector API, convolutions take the im2col path and round
        // differently again. Each of those computes under its own name.
        int lanes = k.convolutionLanes();
        return "cpu-" + GENERATION + (sparse ? "" : "-dense") + (lanes > 1 ? "-v" + lanes : "-scalar");
    }

    @Override
    public String description() {
        int threads = workers.threads();
        return "CPU (" + k.description() + ", " + threads + (threads == 1 ? " thread" : " threads") + " on "
                + Runtime.getRuntime().availableProcessors() + " cores"
                + (sparse ? "" : ", masked products dense") + ")";
    }

    private static HostTensor host(Tensor t) {
        if (t instanceof HostTensor h) return h;
        throw new IllegalArgumentException(t + " does not belong to the CPU backend");
    }

    private static MemorySegment seg(Tensor t) {
        return host(t).segment();
    }

    @Override
    public HostTensor zeros(String name, int... shape) {
        return HostTensor.zeros(name, shape);
    }

    @Override
    public HostTensor upload(String name, float[] values, int... shape) {
        return HostTensor.of(name, values, shape);
    }

    /** Free physical memory as the operating system reports it (tensors live off the Java heap). */
    @Override
    public long availableMemory() {
        return ManagementFactory.getPlatformMXBean(OperatingSystemMXBean.class).getFreeMemorySize();
    }

    @Override
    public HostTensor adopt(String name, MemorySegment values, Arena owner, int... shape) {
        return HostTensor.adopt(name, values, owner, shape);
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        requireSize(src, dst.size(), "copy");
        MemorySegment from = seg(src), to = seg(dst);
        inParallel(src.size(), (a, b) -> MemorySegment.copy(from, a * Float.BYTES, to, a * Float.BYTES, (b - a) * Float.BYTES), from, to);
    }

    /** {@inheritDoc} Only with masked kernels on: {@code -Dlottery.cpu.sparse=false} keeps every product dense. */
    @Override
    public void markConstant(Tensor data) {
        host(data);
        if (sparse && data.rank() == 2) constants.putIfAbsent(data, new ConstantInput());
    }

    /** A constant tensor's background form, made on first use (from the tensor's values then, which never change). */
    private static final class ConstantInput {
        private boolean made;
        private BackgroundInput form;

        synchronized BackgroundInput made() {
            return form;
        }

        synchronized BackgroundInput form(HostTensor t) {
            if (!made) {
                form = BackgroundInput.of(t.segment(), 0, t.dim(0), t.dim(1));
                made = true;
            }
            return form;
        }
    }

    /** The background form made for a constant tensor so far, or null (none asked for yet, or none worth making). */
    BackgroundInput backgroundForm(Tensor data) {
        ConstantInput constant = constants.get(data);
        return constant == null ? null : constant.made();
    }

    /**
     * The background form of a forward product's input {@code a} ({@code X W^T}, alpha 1, beta 0, every member reading
     * all of one constant tensor), or null: the product is then the plain one.
     */
    private BackgroundInput background(int members, boolean transA, boolean transB, float alpha, MatrixBatch a, float beta, GemmDims d) {
        if (transA || !transB || alpha != 1f || beta != 0f || (members > 1 && !a.shared()) || a.offset() != 0 || a.ld() != d.k()) return null;
        ConstantInput constant = constants.get(a.tensor());
        if (constant == null) return null;
        BackgroundInput form = constant.form(host(a.tensor()));
        return form != null && form.rows == d.m() && form.cols == d.k() ? form : null;
    }

    @Override
    public void gemm(int members, boolean transA, boolean transB, float alpha, MatrixBatch a, MatrixBatch b, float beta, MatrixBatch c) {
        GemmDims d = GemmDims.of(members, transA, transB, a, b, c);
        GemmDims merged = d.merged(members, transA, transB, a, b, c, alpha, beta);
        BackgroundInput x = background(members, transA, transB, alpha, a, beta, d);
        if (x != null) {
            if (merged != null) {
                x.product(workers, merged.n(), seg(b.tensor()), b.offset(), b.ld(), seg(c.tensor()), c.offset(), c.ld());
            } else {
                for (int n = 0; n < members; n++) {
                    x.product(workers, d.n(), seg(b.tensor()), b.offset() + n * b.stride(), b.ld(), seg(c.tensor()), c.offset() + n * c.stride(), c.ld());
                }
            }
            return;
        }
        if (members == 1 || merged != null) {
            // One product for all members (the shared input of a population's first layer, or its weight gradient):
            // each value is summed in an order that depends only on k (see CpuGemm), so a member gets the bits of
            // its own product.
            GemmDims one = merged == null ? d : merged;
            product(transA, transB, one.m(), one.n(), one.k(), alpha, a, 0, b, 0, beta, c, 0);
        } else {
            // Members' products run side by side on the crew, each on one thread, rather than each cut into pieces
            // too small to pay for the hand-over.
            workers.forEach(members, n -> product(transA, transB, d.m(), d.n(), d.k(), alpha, a, n, b, n, beta, c, n),
                    seg(a.tensor()), seg(b.tensor()), seg(c.tensor()));
        }
    }

    @Override
    public PreparedMask prepareMask(Tensor mask, int rows, int cols) {
        PreparedMask.requireShape(mask, rows, cols);
        if (!sparse) return PreparedMask.plain(mask, rows, cols);
        return new CpuMaskPlan(mask, seg(mask), rows, cols, MaskedProducts.maxDensity());
    }

    @Override
    public void maskedGemm(int members, boolean transA, boolean transB, float alpha, MatrixBatch a, MatrixBatch b, float beta,
                           MatrixBatch c, MaskedOperand operand, PreparedMask mask) {
        GemmDims d = GemmDims.of(members, transA, transB, a, b, c);
        MatrixBatch masked = operand == MaskedOperand.B ? b : c;
        if (masked.rows() != mask.rows() || masked.cols() != mask.cols() || mask.members() != members) {
            throw new IllegalArgumentException("mask of " + mask.members() + " x " + mask.rows() + "x" + mask.cols() + " for " + members
                    + " members' " + masked);
        }
        // The lists index a member's matrix by row * cols + col; other strides and scalings take the dense path.
        if (!(mask instanceof CpuMaskPlan plan) || alpha != 1f || beta != 0f || masked.ld() != mask.cols() || d.m() == 0 || d.n() == 0 || d.k() == 0) {
            gemm(members, transA, transB, alpha, a, b, beta, c);
        } else if (operand == MaskedOperand.B && !transA) {
            if (transB) MaskedProducts.forward(workers, members, a, b, c, plan, d, () -> background(members, transA, transB, alpha, a, beta, d));
            else MaskedProducts.inputGradient(workers, members, a, b, c, plan, d);
        } else if (operand == MaskedOperand.C && transA && !transB) {
            MaskedProducts.weightGradient(workers, members, a, b, c, plan, d);
        } else {
            gemm(members, transA, transB, alpha, a, b, beta, c);
        }
    }

    private void product(boolean transA, boolean transB, int m, int n, int k, float alpha, MatrixBatch a, int memberA,
                         MatrixBatch b, int memberB, float beta, MatrixBatch c, int memberC) {
        CpuGemm.sgemm(workers, transA, transB, m, n, k, alpha,
                seg(a.tensor()), a.offset() + memberA * a.stride(), a.ld(),
                seg(b.tensor()), b.offset() + memberB * b.stride(), b.ld(),
                beta, seg(c.tensor()), c.offset() + memberC * c.stride(), c.ld());
    }

    @Override
    public void addBias(Tensor y, Tensor bias) {
        addBias(y, bias, false);
    }

    @Override
    public void addBiasRelu(Tensor y, Tensor bias) {
        addBias(y, bias, true);
    }

    /** Bias (and ReLU) row by row; a long batch (an evaluation pass) in one band of rows per crew thread. */
    private void addBias(Tensor y, Tensor bias, boolean relu) {
        if (bias.size() != y.dim(1)) throw new IllegalArgumentException("bias " + bias + " for " + y);
        int rows = y.dim(0), cols = y.dim(1);
        MemorySegment ys = seg(y), bs = seg(bias);
        long rowBytes = (long) cols * Float.BYTES;
        inParallelRows(rows, cols, (from, to) -> k.addBias(ys.asSlice(from * rowBytes, (to - from) * rowBytes), bs, (int) (to - from), cols, relu),
                ys, bs);
    }

    @Override
    public void sumRows(Tensor dy, Tensor dbias) {
        if (dbias.size() != dy.dim(1)) throw new IllegalArgumentException("dbias " + dbias + " for " + dy);
        k.sumRows(seg(dy), seg(dbias), dy.dim(0), dy.dim(1));
    }

    @Override
    public void relu(Tensor y) {
        MemorySegment ys = seg(y);
        inParallel(y.size(), (from, to) -> k.relu(ys, from, to), ys);
    }

    @Override
    public void reluBackward(Tensor y, Tensor dy) {
        if (y.size() != dy.size()) throw new IllegalArgumentException(y + " vs " + dy);
        MemorySegment ys = seg(y), dys = seg(dy);
        inParallel(y.size(), (from, to) -> k.reluBackward(ys, dys, from, to), ys, dys);
    }

    @Override
    public void softmaxCrossEntropy(Tensor logits, int members, Tensor labels, Tensor dlogits, Tensor stats) {
        int rows = logits.dim(0), width = logits.dim(1), cols = width / members;
        if (members <= 0 || cols * members != width) throw new IllegalArgumentException(logits + " is not " + members + " members' logits");
        boolean ownLabels = members > 1 && labels.size() == (long) rows * members;
        if (labels.size() != rows && !ownLabels) throw new IllegalArgumentException("labels " + labels + " for " + logits);
        if (dlogits != null && dlogits.size() != logits.size()) throw new IllegalArgumentException("dlogits " + dlogits + " for " + logits);
        if (stats != null && stats.size() != 2L * members) throw new IllegalArgumentException("stats " + stats + " for " + members + " members");
        MemorySegment ls = seg(logits), ys = seg(labels);
        MemorySegment gs = dlogits == null ? null : seg(dlogits);
        float invBatch = 1f / rows;
        // Rows are independent (an evaluation pass splits them over the crew); their losses are summed below in row
        // order, the sum one loop over the rows makes.
        RowLosses out = ROW_LOSSES.get().ensure(members * rows);
        inParallelRows(rows, width, (from, to) -> {
            for (int member = 0; member < members; member++) {
                for (int i = (int) from; i < to; i++) {
                    long label = ownLabels ? (long) i * members + member : i;
                    out.loss[member * rows + i] = rowLoss(ls, ys, gs, label, (long) i * width + (long) member * cols, cols, invBatch,
                            out.hit, member * rows + i);
                }
            }
        }, ls, ys, gs);
        if (stats == null) return;
        MemorySegment ss = seg(stats);
        for (int member = 0; member < members; member++) {
            double lossSum = 0;
            int correct = 0;
            for (int i = member * rows; i < (member + 1) * rows; i++) {
                lossSum += out.loss[i];
                if (out.hit[i]) correct++;
            }
            long at = 2L * member;
            ss.setAtIndex(F, at, (float) (ss.getAtIndex(F, at) + lossSum));
            ss.setAtIndex(F, at + 1, ss.getAtIndex(F, at + 1) + correct);
        }
    }

    /** Per-row losses and hits of one {@link #softmaxCrossEntropy} call, reused by the calling thread. */
    private static final class RowLosses {
        double[] loss = new double[0];
        boolean[] hit = new boolean[0];

        RowLosses ensure(int n) {
            if (loss.length < n) {
                loss = new double[n];
                hit = new boolean[n];
            }
            return this;
        }
    }

    private static final ThreadLocal<RowLosses> ROW_LOSSES = ThreadLocal.withInitial(RowLosses::new);

    /**
     * One row's cross-entropy {@code log sum exp(l - max) - (l[label] - max)} against the label at {@code ys[labelAt]},
     * whether its argmax is the label (into {@code hit[at]}), and, when {@code gs} is non-null, its gradient
     * {@code (softmax - onehot) / batch}.
     */
    private static double rowLoss(MemorySegment ls, MemorySegment ys, MemorySegment gs, long labelAt, long row, int cols, float invBatch,
                                  boolean[] hit, int at) {
        int label = (int) ys.getAtIndex(F, labelAt);
        float max = Float.NEGATIVE_INFINITY;
        int argmax = 0;
        for (int j = 0; j < cols; j++) {
            float v = ls.getAtIndex(F, row + j);
            if (v > max) { max = v; argmax = j; }
        }
        double sum = 0;
        for (int j = 0; j < cols; j++) sum += Math.exp(ls.getAtIndex(F, row + j) - max);
        double logSum = Math.log(sum);
        hit[at] = argmax == label;
        if (gs != null) {
            for (int j = 0; j < cols; j++) {
                double p = Math.exp(ls.getAtIndex(F, row + j) - max - logSum);
                gs.setAtIndex(F, row + j, (float) ((p - (j == label ? 1 : 0)) * invBatch));
            }
        }
        return logSum - (ls.getAtIndex(F, row + label) - max);
    }

    @Override
    public void sgdStep(Tensor w, Tensor grad, Tensor mask, Tensor velocity, float lr, float momentum, float weightDecay) {
        long n = w.size();
        if (grad.size() != n || (mask != null && mask.size() != n) || (velocity != null && velocity.size() != n)) {
            throw new IllegalArgumentException("sgdStep sizes: " + w + ", " + grad + ", " + mask + ", " + velocity);
        }
        MemorySegment ws = seg(w), gs = seg(grad), ms = segOrNull(mask), vs = segOrNull(velocity);
        inParallel(n, (from, to) -> k.sgd(ws, gs, ms, vs, from, to, lr, momentum, weightDecay), ws, gs, ms, vs);
    }

    @Override
    public void sgdStep(Tensor w, Tensor grad, PreparedMask mask, Tensor velocity, float lr, float momentum, float weightDecay) {
        if (!(mask instanceof CpuMaskPlan plan)) {
            sgdStep(w, grad, mask.mask(), velocity, lr, momentum, weightDecay);
            return;
        }
        long n = w.size();
        if (grad.size() != n || plan.mask().size() != n || (velocity != null && velocity.size() != n)) {
            throw new IllegalArgumentException("sgdStep sizes: " + w + ", " + grad + ", " + plan.mask() + ", " + velocity);
        }
        MaskedProducts.sgd(workers, seg(w), seg(grad), segOrNull(velocity), plan, seg(plan.mask()), lr, momentum, weightDecay);
    }

    /** A loop over the floats [from, to) of an element-wise op. */
    @FunctionalInterface
    private interface Range {
        void run(long from, long to);
    }

    /** Runs {@code body} over [0, n) in one range per crew thread when n is large enough (element-wise: same bits). */
    private void inParallel(long n, Range body, MemorySegment... segments) {
        int threads = workers.threads();
        if (threads == 1 || n < PARALLEL_MIN_FLOATS) {
            body.run(0, n);
            return;
        }
        long chunk = (n / threads + 15) / 16 * 16;
        workers.forEach(threads, t -> body.run(Math.min(n, t * chunk), t == threads - 1 ? n : Math.min(n, (t + 1) * chunk)), segments);
    }

    /** Runs {@code body} over the rows [0, rows) in one band per crew thread when there are enough floats (row-wise: same bits). */
    private void inParallelRows(int rows, int cols, Range body, MemorySegment... segments) {
        int threads = workers.threads();
        if (threads == 1 || (long) rows * cols < PARALLEL_MIN_FLOATS || rows < threads) {
            body.run(0, rows);
            return;
        }
        int band = (rows + threads - 1) / threads;
        workers.forEach(threads, t -> body.run(Math.min(rows, t * band), Math.min(rows, (t + 1) * band)), segments);
    }

    @Override
    public void applyMask(Tensor w, Tensor mask) {
        if (w.size() != mask.size()) throw new IllegalArgumentException(w + " vs " + mask);
        MemorySegment ws = seg(w), ms = seg(mask);
        for (long i = 0, n = w.size(); i < n; i++) if (ms.getAtIndex(F, i) == 0f) ws.setAtIndex(F, i, 0f);
    }

    @Override
    public void gatherRows(Tensor source, int[] order, int from, int count, Tensor dst) {
        int features = source.dim(1);
        if (dst.dim(0) != count || dst.dim(1) != features) throw new IllegalArgumentException(dst + " for " + count + " rows of " + source);
        MemorySegment ss = seg(source), ds = seg(dst);
        long rowBytes = (long) features * Float.BYTES;
        // The rows lie scattered over the data set, so each copy waits on memory: two threads keep twice the reads in
        // flight (a batch of 60 MNIST rows is most of the data movement of a deep-pruned lenet step).
        inParallelRows(count, features, (r0, r1) -> {
            for (long r = r0; r < r1; r++) {
                MemorySegment.copy(ss, (long) order[from + (int) r] * rowBytes, ds, r * rowBytes, rowBytes);
            }
        }, ss, ds);
    }

    @Override
    public void gather(Tensor source, int[] order, int from, int count, Tensor dst) {
        if (dst.size() != count) throw new IllegalArgumentException(dst + " for " + count + " elements");
        MemorySegment ss = seg(source), ds = seg(dst);
        for (int r = 0; r < count; r++) ds.setAtIndex(F, r, ss.getAtIndex(F, order[from + r]));
    }

    // ---- Pruning and resetting (see Backend): selection by sorting packed (|w| bits, index) keys ----

    @Override
    public long countNonZero(Tensor t) {
        MemorySegment s = seg(t);
        long n = 0;
        for (long i = 0, size = t.size(); i < size; i++) if (s.getAtIndex(F, i) != 0f) n++;
        return n;
    }

    @Override
    public long countMaskViolations(Tensor w, Tensor mask) {
        if (w.size() != mask.size()) throw new IllegalArgumentException(w + " vs " + mask);
        MemorySegment ws = seg(w), ms = seg(mask);
        long n = 0;
        for (long i = 0, size = w.size(); i < size; i++) if (ms.getAtIndex(F, i) == 0f && ws.getAtIndex(F, i) != 0f) n++;
        return n;
    }

    @Override
    public void permute(Tensor src, int[] permutation, Tensor dst) {
        if (src.size() != permutation.length || dst.size() != permutation.length) {
            throw new IllegalArgumentException("permute: " + src + " -> " + dst + " by " + permutation.length + " indices");
        }
        MemorySegment ss = seg(src), ds = seg(dst);
        for (int i = 0; i < permutation.length; i++) ds.setAtIndex(F, i, ss.getAtIndex(F, permutation[i]));
    }

    /**
     * Every unmasked entry becomes one long key: the bits of {@code |w|} (a non-negative float's bits order like its
     * value) in the high word and the entry's position in the concatenation of all tensors in the low word; sorting
     * the keys ranks by magnitude with ties by position, and the first {@code count} are pruned.
     */
    @Override
    public void pruneSmallestMagnitudeGlobal(List<Tensor> weights, List<Tensor> masks, long count) {
        long alive = GlobalPruneRequest.survivors(this, weights, masks, count);
        if (count == 0) return;
        long[] keys = new long[Math.toIntExact(alive)];
        int k = 0;
        long[] offsets = new long[weights.size()];
        long offset = 0;
        for (int t = 0; t < weights.size(); t++) {
            offsets[t] = offset;
            MemorySegment ws = seg(weights.get(t)), ms = seg(masks.get(t));
            for (long i = 0, n = weights.get(t).size(); i < n; i++) {
                if (ms.getAtIndex(F, i) == 0f) continue;
                long bits = Float.floatToRawIntBits(Math.abs(ws.getAtIndex(F, i))) & 0x7fff_ffffL;
                keys[k++] = bits << 32 | (offset + i);
            }
            offset += weights.get(t).size();
        }
        Arrays.sort(keys);
        for (int j = 0; j < count; j++) {
            long position = keys[j] & 0xffff_ffffL;
            int t = weights.size() - 1;
            while (offsets[t] > position) t--;
            seg(masks.get(t)).setAtIndex(F, position - offsets[t], 0f);
        }
    }

    // ---- Convolutional and residual networks (see ConvolutionOps): kernels in this package ----

    private static void requireSize(Tensor t, long size, String what) {
        if (t.size() != size) throw new IllegalArgumentException(what + ": " + t + " should hold " + size + " values");
    }

    private static MemorySegment segOrNull(Tensor t) {
        return t == null ? null : seg(t);
    }

    @Override
    public void conv2d(Tensor x, Tensor w, Tensor bias, Tensor y, ConvGeometry g) {
        LayerOpSizes.conv2d(x, w, bias, y, g);
        CpuConvolution.forward(workers, seg(x), seg(w), segOrNull(bias), seg(y), g, false);
    }

    @Override
    public void conv2dRelu(Tensor x, Tensor w, Tensor bias, Tensor y, ConvGeometry g) {
        LayerOpSizes.conv2d(x, w, bias, y, g);
        CpuConvolution.forward(workers, seg(x), seg(w), segOrNull(bias), seg(y), g, true);
    }

    @Override
    public void conv2dBackwardData(Tensor dy, Tensor w, Tensor dx, ConvGeometry g) {
        LayerOpSizes.conv2dBackwardData(dy, w, dx, g);
        CpuConvolution.backwardData(workers, seg(dy), seg(w), seg(dx), g);
    }

    @Override
    public void conv2dBackwardFilter(Tensor x, Tensor dy, Tensor dw, Tensor dbias, ConvGeometry g) {
        LayerOpSizes.conv2dBackwardFilter(x, dy, dw, dbias, g);
        CpuConvolution.backwardFilter(workers, seg(x), seg(dy), seg(dw), segOrNull(dbias), g);
    }

    @Override
    public void maxPool(Tensor x, Tensor y, PoolGeometry g) {
        LayerOpSizes.maxPool(x, y, g);
        CpuPooling.maxPool(workers, seg(x), seg(y), g);
    }

    @Override
    public void maxPoolBackward(Tensor x, Tensor y, Tensor dy, Tensor dx, PoolGeometry g) {
        LayerOpSizes.maxPoolBackward(x, y, dy, dx, g);
        CpuPooling.maxPoolBackward(workers, seg(x), seg(dy), seg(dx), g);
    }

    /**
     * Batch normalization's kernels are written with the Vector API only; without {@code jdk.incubator.vector} a
     * network with batch norm is refused in one line rather than failing with a missing class.
     */
    private static void requireVectorsForBatchNorm() {
        if (!CpuKernels.vectorModulePresent()) {
            throw new UserError("batch normalization on the CPU needs the Vector API: run java with --add-modules jdk.incubator.vector");
        }
    }

    @Override
    public void batchNormTraining(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, float momentum,
                                  float epsilon, Tensor savedMean, Tensor savedInvStd, Tensor y, ChannelGeometry g) {
        batchNormTraining(x, gamma, beta, runningMean, runningVar, momentum, epsilon, savedMean, savedInvStd, y, false, g);
    }

    @Override
    public void batchNormReluTraining(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, float momentum,
                                      float epsilon, Tensor savedMean, Tensor savedInvStd, Tensor y, ChannelGeometry g) {
        batchNormTraining(x, gamma, beta, runningMean, runningVar, momentum, epsilon, savedMean, savedInvStd, y, true, g);
    }

    private void batchNormTraining(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, float momentum,
                                   float epsilon, Tensor savedMean, Tensor savedInvStd, Tensor y, boolean relu, ChannelGeometry g) {
        LayerOpSizes.batchNormTraining(x, gamma, beta, runningMean, runningVar, savedMean, savedInvStd, y, g);
        requireVectorsForBatchNorm();
        CpuBatchNorm.training(workers, seg(x), seg(gamma), seg(beta), seg(runningMean), seg(runningVar), momentum, epsilon,
                seg(savedMean), seg(savedInvStd), seg(y), relu, g);
    }

    @Override
    public void batchNormInference(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, float epsilon,
                                   Tensor y, ChannelGeometry g) {
        batchNormInference(x, gamma, beta, runningMean, runningVar, epsilon, y, false, g);
    }

    @Override
    public void batchNormReluInference(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, float epsilon,
                                       Tensor y, ChannelGeometry g) {
        batchNormInference(x, gamma, beta, runningMean, runningVar, epsilon, y, true, g);
    }

    private void batchNormInference(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, float epsilon,
                                    Tensor y, boolean relu, ChannelGeometry g) {
        LayerOpSizes.batchNormInference(x, gamma, beta, runningMean, runningVar, y, g);
        requireVectorsForBatchNorm();
        CpuBatchNorm.inference(workers, seg(x), seg(gamma), seg(beta), seg(runningMean), seg(runningVar), epsilon, seg(y), relu, g);
    }

    @Override
    public void batchNormBackward(Tensor x, Tensor dy, Tensor gamma, Tensor savedMean, Tensor savedInvStd, Tensor dx,
                                  Tensor dgamma, Tensor dbeta, ChannelGeometry g) {
        LayerOpSizes.batchNormBackward(x, dy, gamma, savedMean, savedInvStd, dx, dgamma, dbeta, g);
        requireVectorsForBatchNorm();
        CpuBatchNorm.backward(workers, seg(x), seg(dy), seg(gamma), seg(savedMean), seg(savedInvStd), seg(dx), seg(dgamma), seg(dbeta), g);
    }

    @Override
    public void dropoutMask(Tensor mask, int members, KeyedRandom rng, float rate) {
        if (!(rate >= 0f && rate < 1f)) throw new IllegalArgumentException("dropout rate " + rate);
        int batch = mask.dim(0);
        long perExample = mask.size() / batch, e = perExample / members;
        if (members <= 0 || e * members != perExample) throw new IllegalArgumentException(mask + " is not " + members + " members' masks");
        MemorySegment ms = seg(mask);
        float keep = 1f / (1f - rate);
        for (int b = 0; b < batch; b++) {
            for (int n = 0; n < members; n++) {
                long at = (long) b * perExample + n * e;
                for (long i = 0; i < e; i++) ms.setAtIndex(F, at + i, rng.uniform(b * e + i) < rate ? 0f : keep);
            }
        }
    }

    @Override
    public void multiply(Tensor y, Tensor factors) {
        requireSize(factors, y.size(), "multiply");
        MemorySegment ys = seg(y), fs = seg(factors);
        inParallel(y.size(), (from, to) -> k.multiply(ys, fs, from, to), ys, fs);
    }

    @Override
    public void add(Tensor y, Tensor x) {
        requireSize(x, y.size(), "add");
        MemorySegment ys = seg(y), xs = seg(x);
        inParallel(y.size(), (from, to) -> k.add(ys, xs, from, to), ys, xs);
    }

    @Override
    public void addRelu(Tensor a, Tensor b, Tensor y) {
        requireSize(a, y.size(), "addRelu");
        requireSize(b, y.size(), "addRelu");
        MemorySegment as = seg(a), bs = seg(b), ys = seg(y);
        inParallel(y.size(), (from, to) -> k.addRelu(as, bs, ys, from, to), as, bs, ys);
    }

    @Override
    public void globalAvgPool(Tensor x, Tensor y, ChannelGeometry g) {
        LayerOpSizes.globalAvgPool(x, y, g);
        CpuPooling.globalAvgPool(seg(x), seg(y), g);
    }

    @Override
    public void globalAvgPoolBackward(Tensor dy, Tensor dx, ChannelGeometry g) {
        LayerOpSizes.globalAvgPoolBackward(dy, dx, g);
        CpuPooling.globalAvgPoolBackward(seg(dy), seg(dx), g);
    }

    @Override
    public void shiftAndFlip(Tensor src, Tensor dst, int channels, int height, int width, int[] shiftY, int[] shiftX, boolean[] flip) {
        int batch = ShiftAndFlipRequest.batch(src, dst, channels, height, width, shiftY, shiftX, flip);
        CpuImageShift.shiftAndFlip(seg(src), seg(dst), batch, channels, height, width, shiftY, shiftX, flip);
    }

    /**
     * Plain steps ({@link StepRecorder#direct}); with more than one thread each training run's steps go on the crew or
     * on the calling thread alone, whichever its first steps measured faster ({@link StepPlacement}).
     */
    @Override
    public StepRecorder stepRecorder() {
        if (workers.threads() == 1) return StepRecorder.direct(this);
        return StepRecorder.direct(this, new StepPlacement(workers)::run);
    }

    /** Stops this backend's worker threads; tensors are owned by their creators and stay theirs to close. */
    @Override
    public void close() {
        crewStop.clean();
    }

    @Override
    public String toString() {
        return description();
    }
}
