package dev.lottery.nn.backend.cuda;

import dev.lottery.gpu.Blas;
import dev.lottery.gpu.CudaContext;
import dev.lottery.gpu.DeviceBuffer;
import dev.lottery.gpu.DevicePool;
import dev.lottery.gpu.Dim3;
import dev.lottery.gpu.Kernel;
import dev.lottery.gpu.KernelArgs;
import dev.lottery.gpu.KernelCache;
import dev.lottery.gpu.KernelCompiler;
import dev.lottery.gpu.RowMajorGemm;
import dev.lottery.gpu.Stream;
import dev.lottery.gpu.TransferCounters;
import dev.lottery.gpu.TransferPurpose;
import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.backend.common.GemmDims;
import dev.lottery.nn.backend.common.GlobalPruneRequest;
import dev.lottery.nn.backend.MatrixBatch;
import dev.lottery.nn.backend.common.ShiftAndFlipRequest;
import dev.lottery.nn.backend.common.LayerOpSizes;
import dev.lottery.nn.backend.StepRecorder;
import dev.lottery.nn.init.Initializer;
import dev.lottery.nn.backend.ChannelGeometry;
import dev.lottery.nn.backend.ConvGeometry;
import dev.lottery.nn.backend.PoolGeometry;
import dev.lottery.nn.rng.KeyedRandom;
import dev.lottery.nn.tensor.DeviceTensor;
import dev.lottery.nn.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * The GPU backend: {@link DeviceTensor}s in pooled device memory, cuBLAS SGEMMs (row-major mapping, pedantic FP32
 * so results follow IEEE single precision like the CPU's) and kernels of our own (bias+ReLU, softmax
 * cross-entropy with its gradient and loss/accuracy sums, a masked SGD update, gathers, Philox initialization,
 * radix-select pruning, pooling, batch norm, augmentation) and cuDNN convolutions. Every op is queued on one stream and returns at once; only {@link Tensor#toArray()},
 * {@link Tensor#copyFrom(float[])}, the counts of the pruning API and an epoch's order upload wait for the device.
 *
 * <p>Use a backend from the thread that opened it (the CUDA context is made current there); another thread is
 * handled by making the context current on it first.
 */
public final class CudaBackend implements Backend {
    private static final int BLOCK = 256;
    /** Enough blocks to fill any current GPU; the grid-stride kernels cover the rest. */
    private static final int MAX_BLOCKS = 4096;
    /** {@code softmax_xent}'s block size (its shared-memory reduction is sized for it). */
    private static final int SOFTMAX_BLOCK = 128;
    /** {@code conv_ops.cu}'s per-channel reduction block size (its shared arrays are sized for it). */
    static final int REDUCE_THREADS = 256;

    private final CudaContext context;
    private final Stream stream;
    private final DevicePool pool;
    private final Blas blas;
    private final CudaKernels kernels;
    private final IndexLists indexLists;
    /** 256 histogram bins and the 4-word selection state of the radix select. */
    private final DeviceBuffer histogram, selectState;
    /** An 8-byte counter the count kernels add into. */
    private final DeviceBuffer counter;
    /** cuDNN convolutions, planned once per shape. */
    private final ConvPlans convPlans;
    /** The last augmented batch's draws (grown when a larger batch comes). */
    private DeviceBuffer augmentDraws;
    private final String description;
    private volatile Thread owner;
    private boolean closed;

    private CudaBackend(CudaContext context, Stream stream, DevicePool pool, Blas blas, CudaKernels kernels, String description) {
        this.context = context;
        this.stream = stream;
        this.pool = pool;
        this.blas = blas;
        this.kernels = kernels;
        this.indexLists = new IndexLists(pool, stream);
        this.histogram = pool.allocate(RadixSelectReference.BINS * 4L);
        this.selectState = pool.allocate(16);
        this.counter = pool.allocate(8);
        this.convPlans = new ConvPlans(stream, pool);
        this.description = description;
        this.owner = Thread.currentThread();
    }

    /** Opens device {@code ordinal}: context, stream, pool, cuBLAS handle and the compiled kernels. */
    public static CudaBackend open(int ordinal) {
        CudaContext context = CudaContext.open(ordinal);
        Stream stream = null;
        DevicePool pool = null;
        Blas blas = null;
        try {
            stream = Stream.create(context);
            pool = DevicePool.forContext(context);
            blas = Blas.create(stream);
            CudaKernels kernels = new CudaKernels(context, new KernelCompiler(KernelCache.defaultCache()));
            String description = "CUDA " + context.deviceName() + " (sm_" + context.computeCapability() + ", "
                    + context.totalMemory() / (1L << 20) + " MiB, cuBLAS " + blas.version() + ", NVRTC " + KernelCompiler.nvrtcVersion() + ")";
            return new CudaBackend(context, stream, pool, blas, kernels, description);
        } catch (RuntimeException | Error e) {
            if (blas != null) blas.close();
            if (pool != null) pool.close();
            if (stream != null) stream.close();
            context.close();
            throw e;
        }
    }

    @Override
    public String name() {
        return "cuda";
    }

    /** Raised whenever a change moves any result's bits (currently: evaluations over a whole test set in one pass). */
    @Override
    public String kernelGeneration() {
        return "cuda-2";
    }

    @Override
    public String description() {
        return description;
    }

    /** Host/device copy counters of this backend's context: the proof that weights stay on the device. */
    public TransferCounters transfers() {
        return context.transfers();
    }

    /** The pool's counters: driver allocations stop growing once a training loop is warm. */
    public DevicePool.Stats poolStats() {
        return pool.stats();
    }

    /** Index lists uploaded for gathers so far (one per epoch and one for evaluation, not one per batch). */
    public long indexListUploads() {
        return indexLists.uploads();
    }

    /** Waits for everything queued so far (tests and benchmarks). */
    public void synchronize() {
        stream.synchronize();
    }

    Stream stream() {
        return stream;
    }

    DevicePool pool() {
        return pool;
    }

    CudaKernels kernels() {
        return kernels;
    }

    // ---- tensors ----

    static DeviceTensor device(Tensor t) {
        if (t instanceof DeviceTensor d) return d;
        throw new IllegalArgumentException(t + " does not belong to the CUDA backend");
    }

    private static long ptr(Tensor t) {
        return t == null ? 0L : device(t).address();
    }

    private DeviceTensor allocate(String name, TransferPurpose uploadPurpose, int... shape) {
        current();
        DeviceBuffer b = pool.allocate(DeviceTensor.bytesFor(shape));
        try {
            return new DeviceTensor(name, shape, b, stream, uploadPurpose);
        } catch (RuntimeException e) {
            b.close();
            throw e;
        }
    }

    @Override
    public DeviceTensor zeros(String name, int... shape) {
        DeviceTensor t = allocate(name, TransferPurpose.WEIGHTS, shape);
        t.buffer().fillBytes((byte) 0, stream); // a pooled block holds its last owner's values
        return t;
    }

    /**
     * Uploads {@code values}. Resident data sets (tensors named {@code *.images} / {@code *.labels}, as
     * {@code ResidentData} names them) are counted as {@link TransferPurpose#DATA}, everything else as weights.
     */
    @Override
    public DeviceTensor upload(String name, float[] values, int... shape) {
        boolean data = name.endsWith(".images") || name.endsWith(".labels");
        DeviceTensor t = allocate(name, data ? TransferPurpose.DATA : TransferPurpose.WEIGHTS, shape);
        try {
            t.copyFrom(values);
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
        return t;
    }

    /** Free device memory as the driver reports it, plus what the pool holds for reuse. */
    @Override
    public long availableMemory() {
        current();
        DevicePool.Stats held = pool.stats();
        return context.memoryInfo().freeBytes() + held.bytesReserved() - held.bytesInUse();
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        current();
        if (src.size() != dst.size()) throw new IllegalArgumentException("copy " + src + " -> " + dst + ": sizes differ");
        if (src.size() == 0) return;
        device(dst).buffer().copyFromDevice(device(src).buffer(), stream);
    }

    // ---- dense layers ----

    /**
     * One cuBLAS product when the members' operands lie side by side (see {@link GemmDims#merged}), otherwise one
     * strided-batched product over all members (a shared operand has stride 0).
     */
    @Override
    public void gemm(int members, boolean transA, boolean transB, float alpha, MatrixBatch a, MatrixBatch b, float beta, MatrixBatch c) {
        current();
        GemmDims d = GemmDims.of(members, transA, transB, a, b, c);
        if (d.m() == 0 || d.n() == 0) return;
        GemmDims merged = d.merged(members, transA, transB, a, b, c, alpha, beta);
        GemmDims one = merged != null ? merged : d;
        int batch = merged != null ? 1 : members;
        if (one.k() == 0) {
            throw new IllegalArgumentException("gemm with an empty inner dimension: " + a + " x " + b);
        }
        blas.sgemmStridedBatched(new RowMajorGemm(transA, transB, one.m(), one.n(), one.k()), batch, alpha,
                address(a), a.ld(), a.stride(), address(b), b.ld(), b.stride(), beta, address(c), c.ld(), c.stride());
    }

    /** The device address of member 0's first element. */
    private static long address(MatrixBatch x) {
        return ptr(x.tensor()) + x.offset() * Float.BYTES;
    }

    @Override
    public void addBias(Tensor y, Tensor bias) {
        int rows = y.dim(0), cols = y.dim(1);
        if (bias.size() != cols) throw new IllegalArgumentException("bias " + bias + " for " + y);
        launch(kernels.addBias, y.size(), new KernelArgs().ptr(ptr(y)).ptr(ptr(bias)).i32(rows).i32(cols));
    }

    /** {@code y = max(y + bias, 0)} in one kernel (the dense layer's epilogue; equal to addBias then relu). */
    public void addBiasRelu(Tensor y, Tensor bias) {
        int rows = y.dim(0), cols = y.dim(1);
        if (bias.size() != cols) throw new IllegalArgumentException("bias " + bias + " for " + y);
        launch(kernels.addBiasRelu, y.size(), new KernelArgs().ptr(ptr(y)).ptr(ptr(bias)).i32(rows).i32(cols));
    }

    @Override
    public void sumRows(Tensor dy, Tensor dbias) {
        int rows = dy.dim(0), cols = dy.dim(1);
        if (dbias.size() != cols) throw new IllegalArgumentException("dbias " + dbias + " for " + dy);
        launch(kernels.sumRows, cols, new KernelArgs().ptr(ptr(dy)).ptr(ptr(dbias)).i32(rows).i32(cols));
    }

    @Override
    public void relu(Tensor y) {
        launch(kernels.relu, y.size(), new KernelArgs().ptr(ptr(y)).i64(y.size()));
    }

    @Override
    public void reluBackward(Tensor y, Tensor dy) {
        if (y.size() != dy.size()) throw new IllegalArgumentException(y + " vs " + dy);
        launch(kernels.reluBackward, y.size(), new KernelArgs().ptr(ptr(y)).ptr(ptr(dy)).i64(y.size()));
    }

    @Override
    public void softmaxCrossEntropy(Tensor logits, int members, Tensor labels, Tensor dlogits, Tensor stats) {
        current();
        int rows = logits.dim(0), width = logits.dim(1), cols = width / members;
        if (members <= 0 || cols * members != width) throw new IllegalArgumentException(logits + " is not " + members + " members' logits");
        boolean ownLabels = members > 1 && labels.size() == (long) rows * members;
        if (labels.size() != rows && !ownLabels) throw new IllegalArgumentException("labels " + labels + " for " + logits);
        if (dlogits != null && dlogits.size() != logits.size()) throw new IllegalArgumentException("dlogits " + dlogits + " for " + logits);
        if (stats != null) {
            if (stats.size() != 2L * members) throw new IllegalArgumentException("stats " + stats + " for " + members + " members");
            // Its readback is the loss and accuracy: a few scalars, not a weight snapshot.
            device(stats).countTransfersAs(TransferPurpose.SCALARS);
        }
        if (rows == 0) return;
        try (KernelArgs args = new KernelArgs().ptr(ptr(logits)).ptr(ptr(labels)).ptr(ptr(dlogits)).ptr(ptr(stats)).i32(rows).i32(cols)
                .i32(members).i32(ownLabels ? 1 : 0)) {
            Dim3 grid = new Dim3(Dim3.covering(rows, SOFTMAX_BLOCK).x(), members, 1);
            kernels.softmaxXent.launch(grid, Dim3.of(SOFTMAX_BLOCK), 0, stream, args);
        }
    }

    @Override
    public void sgdStep(Tensor w, Tensor grad, Tensor mask, Tensor velocity, float lr, float momentum, float weightDecay) {
        long n = w.size();
        if (grad.size() != n || (mask != null && mask.size() != n) || (velocity != null && velocity.size() != n)) {
            throw new IllegalArgumentException("sgdStep sizes: " + w + ", " + grad + ", " + mask + ", " + velocity);
        }
        launch(kernels.sgdMasked, n, new KernelArgs().ptr(ptr(w)).ptr(ptr(grad)).ptr(ptr(mask)).ptr(ptr(velocity)).i64(n)
                .f32(lr).f32(momentum).f32(weightDecay));
    }

    @Override
    public void applyMask(Tensor w, Tensor mask) {
        if (w.size() != mask.size()) throw new IllegalArgumentException(w + " vs " + mask);
        launch(kernels.applyMask, w.size(), new KernelArgs().ptr(ptr(w)).ptr(ptr(mask)).i64(w.size()));
    }

    // ---- batches ----

    @Override
    public void gatherRows(Tensor source, int[] order, int from, int count, Tensor dst) {
        int features = source.dim(1);
        if (dst.dim(0) != count || dst.dim(1) != features) throw new IllegalArgumentException(dst + " for " + count + " rows of " + source);
        checkRange(order, from, count);
        if (count == 0) return;
        long indices = indexLists.address(order);
        launch(kernels.gatherRows, (long) count * features, new KernelArgs().ptr(ptr(source)).ptr(indices).ptr(0L)
                .i32(from).i32(count).i32(features).ptr(ptr(dst)));
    }

    @Override
    public void gather(Tensor source, int[] order, int from, int count, Tensor dst) {
        if (dst.size() != count) throw new IllegalArgumentException(dst + " for " + count + " elements");
        checkRange(order, from, count);
        if (count == 0) return;
        long indices = indexLists.address(order);
        launch(kernels.gather, count, new KernelArgs().ptr(ptr(source)).ptr(indices).ptr(0L).i32(from).i32(count).ptr(ptr(dst)));
    }

    private static void checkRange(int[] order, int from, int count) {
        if (from < 0 || count < 0 || from + count > order.length) {
            throw new IndexOutOfBoundsException("indices [" + from + ", " + (from + count) + ") of an order of " + order.length);
        }
    }

    /** gather_rows / gather reading the start from a device-side cursor (the recorded training step). */
    void gatherAtCursor(Tensor images, Tensor labels, long order, long cursor, Tensor x, Tensor y) {
        int count = x.dim(0), features = images.dim(1);
        if (x.dim(1) != features || y.size() != count) throw new IllegalArgumentException(x + ", " + y + " for batches of " + images);
        launch(kernels.gatherRows, (long) count * features, new KernelArgs().ptr(ptr(images)).ptr(order).ptr(cursor)
                .i32(0).i32(count).i32(features).ptr(ptr(x)));
        launch(kernels.gather, count, new KernelArgs().ptr(ptr(labels)).ptr(order).ptr(cursor).i32(0).i32(count).ptr(ptr(y)));
        launch(kernels.advanceCursor, 1, new KernelArgs().ptr(cursor).i32(count));
    }

    /** Training iterations recorded once as a CUDA graph and replayed (see {@link CudaStepRecorder}). */
    @Override
    public StepRecorder stepRecorder() {
        return new CudaStepRecorder(this);
    }

    // ---- initialization on the device ----

    /**
     * Draws {@code init}'s values for a tensor with the given fans from {@code rng} on the device, bit-identical to
     * {@code init.fill(values, fanIn, fanOut, rng)} on the host (the kernels mirror {@link KeyedRandom}).
     */
    @Override
    public void fillRandom(Tensor t, Initializer init, int fanIn, int fanOut, KeyedRandom rng) {
        long n = t.size();
        if (n == 0) return;
        switch (DeviceDraw.of(init, fanIn, fanOut)) {
            case DeviceDraw.Uniform u -> launch(kernels.fillUniform, n, new KernelArgs().ptr(ptr(t)).i64(n)
                    .i32(rng.key0()).i32(rng.key1()).f32(u.lo()).f32(u.hi()));
            case DeviceDraw.Normal g -> launch(kernels.fillNormal, n, new KernelArgs().ptr(ptr(t)).i64(n)
                    .i32(rng.key0()).i32(rng.key1()).f32(g.mean()).f32(g.std()).i32(g.truncated() ? 1 : 0));
            case DeviceDraw.Zeros z -> {
                current();
                device(t).buffer().fillBytes((byte) 0, stream);
            }
            case DeviceDraw.OnHost h -> Backend.super.fillRandom(t, init, fanIn, fanOut, rng);
        }
    }

    /**
     * {@code KeyedRandom.permutation(n)} computed on the device (one thread, Fisher–Yates) into a new int buffer
     * owned by the caller.
     */
    public DeviceBuffer keyedPermutation(int n, KeyedRandom rng) {
        current();
        DeviceBuffer perm = pool.allocate(Math.max(1, n) * (long) Integer.BYTES);
        if (n > 0) {
            try (KernelArgs args = new KernelArgs().ptr(perm).i32(n).i32(rng.key0()).i32(rng.key1())) {
                kernels.permutation.launch(Dim3.of(1), Dim3.of(1), 0, stream, args);
            }
        }
        return perm;
    }

    /** Copies {@code n} ints from the device (tests). Counted as {@link TransferPurpose#OTHER}. */
    public int[] downloadInts(DeviceBuffer b, int n) {
        current();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocate(Math.max(1, n) * (long) Integer.BYTES, 64);
            b.copyToHost(host.asSlice(0, (long) n * Integer.BYTES), TransferPurpose.OTHER, stream);
            stream.synchronize();
            return host.asSlice(0, (long) n * Integer.BYTES).toArray(ValueLayout.JAVA_INT);
        }
    }

    // ---- pruning ----

    @Override
    public long countNonZero(Tensor t) {
        return count(t, null);
    }

    @Override
    public long countMaskViolations(Tensor w, Tensor mask) {
        if (w.size() != mask.size()) throw new IllegalArgumentException(w + " vs " + mask);
        return count(w, mask);
    }

    /** Runs {@code count_nonzero} and reads the 8-byte result (a scalar readback). */
    private long count(Tensor t, Tensor mask) {
        current();
        counter.fillBytes((byte) 0, stream);
        if (t.size() > 0) launch(kernels.countNonZero, t.size(), new KernelArgs().ptr(ptr(t)).ptr(ptr(mask)).i64(t.size()).ptr(counter));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocate(ValueLayout.JAVA_LONG);
            counter.copyToHost(host, TransferPurpose.SCALARS, stream);
            stream.synchronize();
            return host.get(ValueLayout.JAVA_LONG, 0);
        }
    }

    @Override
    public void permute(Tensor src, int[] permutation, Tensor dst) {
        if (src.size() != permutation.length || dst.size() != permutation.length) {
            throw new IllegalArgumentException("permute: " + src + " -> " + dst + " by " + permutation.length + " indices");
        }
        gather(src, permutation, 0, permutation.length, dst);
    }

    /**
     * Radix selection on the device ({@code radix_select.cu}, algorithm in {@link RadixSelectReference}): two
     * phases of four histogram passes find the last entry to prune in the order (|w|, position), then one pass
     * prunes everything up to it. The only readbacks are the surviving counts used to validate {@code count}.
     */
    @Override
    public void pruneSmallestMagnitudeGlobal(List<Tensor> weights, List<Tensor> masks, long count) {
        GlobalPruneRequest.survivors(this, weights, masks, count);
        if (count == 0) return;
        current();
        launchOne(kernels.radixBegin, new KernelArgs().ptr(histogram).ptr(selectState).i32((int) (count - 1)));
        for (int phase = 0; phase < 2; phase++) {
            for (int shift : RadixSelectReference.SHIFTS) {
                int base = 0;
                for (int t = 0; t < weights.size(); t++) {
                    Tensor w = weights.get(t);
                    launch(kernels.radixHistogram, w.size(), new KernelArgs().ptr(ptr(w)).ptr(ptr(masks.get(t))).i64(w.size())
                            .i32(base).i32(phase).i32(shift).ptr(selectState).ptr(histogram));
                    base += (int) w.size();
                }
                launchOne(kernels.radixPick, new KernelArgs().ptr(histogram).ptr(selectState).i32(phase).i32(shift));
            }
        }
        int base = 0;
        for (int t = 0; t < weights.size(); t++) {
            Tensor w = weights.get(t);
            launch(kernels.radixPrune, w.size(), new KernelArgs().ptr(ptr(w)).ptr(ptr(masks.get(t))).i64(w.size()).i32(base).ptr(selectState));
            base += (int) w.size();
        }
    }

    // ---- convolutional networks: dropout and element-wise ops here; convolutions in cuDNN, pooling, batch norm
    // ---- and augmentation in conv_ops.cu.

    @Override
    public void dropoutMask(Tensor mask, int members, KeyedRandom rng, float rate) {
        if (!(rate >= 0f && rate < 1f)) throw new IllegalArgumentException("dropout rate " + rate);
        float keep = 1f / (1f - rate); // in float, exactly as the CPU backend computes it
        long n = mask.size();
        if (n == 0) return;
        long perExample = n / mask.dim(0), perMember = perExample / members;
        if (members <= 0 || perMember * members != perExample) throw new IllegalArgumentException(mask + " is not " + members + " members' masks");
        launch(kernels.dropoutMask, n, new KernelArgs().ptr(ptr(mask)).i64(n).i64(perMember).i32(members).i32(rng.key0()).i32(rng.key1())
                .f32(rate).f32(keep));
    }

    @Override
    public void multiply(Tensor y, Tensor factors) {
        if (factors.size() != y.size()) throw new IllegalArgumentException("multiply: " + y + " by " + factors);
        launch(kernels.multiply, y.size(), new KernelArgs().ptr(ptr(y)).ptr(ptr(factors)).i64(y.size()));
    }

    @Override
    public void add(Tensor y, Tensor x) {
        if (x.size() != y.size()) throw new IllegalArgumentException("add: " + y + " += " + x);
        launch(kernels.add, y.size(), new KernelArgs().ptr(ptr(y)).ptr(ptr(x)).i64(y.size()));
    }

    // ---- convolutional networks: cuDNN convolutions (planned per shape, see ConvPlans); pooling, batch norm,
    // ---- bias and augmentation in conv_ops.cu, which follows the CPU backend's loops (see ConvOpsKernelReference).

    @Override
    public void conv2d(Tensor x, Tensor w, Tensor bias, Tensor y, ConvGeometry g) {
        LayerOpSizes.conv2d(x, w, bias, y, g);
        current();
        convPlans.plan(g).conv().forward(device(x).buffer(), device(w).buffer(), device(y).buffer());
        if (bias != null) {
            int spatial = g.outHeight() * g.outWidth();
            launch(kernels.addChannelBias, y.size(), new KernelArgs().ptr(ptr(y)).ptr(ptr(bias)).i32(g.filters()).i32(spatial).i64(y.size()));
        }
    }

    @Override
    public void conv2dBackwardData(Tensor dy, Tensor w, Tensor dx, ConvGeometry g) {
        LayerOpSizes.conv2dBackwardData(dy, w, dx, g);
        current();
        convPlans.plan(g).conv().backwardData(device(w).buffer(), device(dy).buffer(), device(dx).buffer());
    }

    @Override
    public void conv2dBackwardFilter(Tensor x, Tensor dy, Tensor dw, Tensor dbias, ConvGeometry g) {
        LayerOpSizes.conv2dBackwardFilter(x, dy, dw, dbias, g);
        current();
        convPlans.plan(g).conv().backwardFilter(device(x).buffer(), device(dy).buffer(), 0f, device(dw).buffer());
        if (dbias != null) {
            launchPerChannel(kernels.channelSums, g.filters(), new KernelArgs().ptr(ptr(dy)).ptr(ptr(dbias))
                    .i32(g.batch()).i32(g.filters()).i32(g.outHeight() * g.outWidth()));
        }
    }

    /** Convolution shapes planned so far (tests: a warm loop plans nothing new). */
    public int convolutionPlans() {
        return convPlans.size();
    }

    @Override
    public void maxPool(Tensor x, Tensor y, PoolGeometry g) {
        LayerOpSizes.maxPool(x, y, g);
        launch(kernels.maxPool, y.size(), new KernelArgs().ptr(ptr(x)).ptr(ptr(y)).i64((long) g.batch() * g.channels())
                .i32(g.height()).i32(g.width()).i32(g.outHeight()).i32(g.outWidth()).i32(g.window()).i32(g.stride()));
    }

    @Override
    public void maxPoolBackward(Tensor x, Tensor y, Tensor dy, Tensor dx, PoolGeometry g) {
        LayerOpSizes.maxPoolBackward(x, y, dy, dx, g);
        launch(kernels.maxPoolBackward, dx.size(), new KernelArgs().ptr(ptr(x)).ptr(ptr(dy)).ptr(ptr(dx)).i64((long) g.batch() * g.channels())
                .i32(g.height()).i32(g.width()).i32(g.outHeight()).i32(g.outWidth()).i32(g.window()).i32(g.stride()));
    }

    /**
     * Own kernels rather than cuDNN's batch norm: cuDNN's conventions agree with the CPU's (biased variance for
     * normalization, unbiased for the running variance, running = (1 - f) running + f batch with f the momentum,
     * saved inverse standard deviation) but it sums in float in an undocumented order; these kernels sum in
     * double exactly where the CPU does, so both backends agree to the last bit of a double sum.
     */
    @Override
    public void batchNormTraining(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, float momentum,
                                  float epsilon, Tensor savedMean, Tensor savedInvStd, Tensor y, ChannelGeometry g) {
        LayerOpSizes.batchNormTraining(x, gamma, beta, runningMean, runningVar, savedMean, savedInvStd, y, g);
        launchPerChannel(kernels.batchNormTraining, g.channels(), new KernelArgs().ptr(ptr(x)).ptr(ptr(gamma)).ptr(ptr(beta))
                .ptr(ptr(runningMean)).ptr(ptr(runningVar)).f32(momentum).f32(epsilon).ptr(ptr(savedMean)).ptr(ptr(savedInvStd))
                .ptr(ptr(y)).i32(g.batch()).i32(g.channels()).i32(g.spatial()));
    }

    @Override
    public void batchNormInference(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, float epsilon,
                                   Tensor y, ChannelGeometry g) {
        LayerOpSizes.batchNormInference(x, gamma, beta, runningMean, runningVar, y, g);
        launch(kernels.batchNormInference, g.size(), new KernelArgs().ptr(ptr(x)).ptr(ptr(gamma)).ptr(ptr(beta)).ptr(ptr(runningMean))
                .ptr(ptr(runningVar)).f32(epsilon).ptr(ptr(y)).i32(g.channels()).i32(g.spatial()).i64(g.size()));
    }

    @Override
    public void batchNormBackward(Tensor x, Tensor dy, Tensor gamma, Tensor savedMean, Tensor savedInvStd, Tensor dx,
                                  Tensor dgamma, Tensor dbeta, ChannelGeometry g) {
        LayerOpSizes.batchNormBackward(x, dy, gamma, savedMean, savedInvStd, dx, dgamma, dbeta, g);
        launchPerChannel(kernels.batchNormBackward, g.channels(), new KernelArgs().ptr(ptr(x)).ptr(ptr(dy)).ptr(ptr(gamma))
                .ptr(ptr(savedMean)).ptr(ptr(savedInvStd)).ptr(ptr(dx)).ptr(ptr(dgamma)).ptr(ptr(dbeta))
                .i32(g.batch()).i32(g.channels()).i32(g.spatial()));
    }

    @Override
    public void globalAvgPool(Tensor x, Tensor y, ChannelGeometry g) {
        LayerOpSizes.globalAvgPool(x, y, g);
        long planes = (long) g.batch() * g.channels();
        launch(kernels.globalAvgPool, planes, new KernelArgs().ptr(ptr(x)).ptr(ptr(y)).i64(planes).i32(g.spatial()));
    }

    @Override
    public void globalAvgPoolBackward(Tensor dy, Tensor dx, ChannelGeometry g) {
        LayerOpSizes.globalAvgPoolBackward(dy, dx, g);
        long planes = (long) g.batch() * g.channels();
        launch(kernels.globalAvgPoolBackward, dx.size(), new KernelArgs().ptr(ptr(dy)).ptr(ptr(dx)).i64(planes).i32(g.spatial()));
    }

    /**
     * The per-example draws (host-side, like a batch order) are uploaded as one int list {@code [shiftY, shiftX,
     * flip]} into a buffer kept for the next batch; the upload waits for the stream (its host memory is freed
     * after), once per augmented batch, and is counted as {@link TransferPurpose#DATA}.
     */
    @Override
    public void shiftAndFlip(Tensor src, Tensor dst, int channels, int height, int width, int[] shiftY, int[] shiftX, boolean[] flip) {
        int batch = ShiftAndFlipRequest.batch(src, dst, channels, height, width, shiftY, shiftX, flip);
        if (batch == 0) return;
        current();
        int[] draws = packDraws(batch, shiftY, shiftX, flip);
        long bytes = (long) draws.length * Integer.BYTES;
        if (augmentDraws == null || augmentDraws.byteSize() < bytes) {
            if (augmentDraws != null) augmentDraws.close();
            augmentDraws = pool.allocate(bytes);
        }
        try (Arena arena = Arena.ofConfined()) {
            augmentDraws.copyFromHost(arena.allocateFrom(ValueLayout.JAVA_INT, draws), TransferPurpose.DATA, stream);
            stream.synchronize();
        }
        launch(kernels.shiftAndFlip, dst.size(), new KernelArgs().ptr(ptr(src)).ptr(ptr(dst)).ptr(augmentDraws)
                .i32(batch).i32(channels).i32(height).i32(width));
    }

    // ---- launching ----

    private void launch(Kernel kernel, long n, KernelArgs args) {
        try (args) {
            current();
            int blocks = (int) Math.min(MAX_BLOCKS, Math.max(1, Math.ceilDiv(n, BLOCK)));
            kernel.launch(Dim3.of(blocks), Dim3.of(BLOCK), 0, stream, args);
        }
    }

    /** One block of {@code conv_ops.cu}'s REDUCE_THREADS threads per channel (the per-channel reductions). */
    private void launchPerChannel(Kernel kernel, int channels, KernelArgs args) {
        try (args) {
            current();
            kernel.launch(Dim3.of(channels), Dim3.of(REDUCE_THREADS), 0, stream, args);
        }
    }

    private void launchOne(Kernel kernel, KernelArgs args) {
        try (args) {
            kernel.launch(Dim3.of(1), Dim3.of(1), 0, stream, args);
        }
    }

    /** Makes the context current when a thread other than the last one calls in. */
    private void current() {
        if (closed) throw new IllegalStateException("CUDA backend closed");
        Thread me = Thread.currentThread();
        if (owner != me) {
            context.makeCurrent();
            owner = me;
        }
    }

    @Override
    public void close() {
        if (closed) return;
        current();
        stream.synchronize();
        closed = true;
        convPlans.close();
        if (augmentDraws != null) augmentDraws.close();
        indexLists.close();
        kernels.close();
        blas.close();
        pool.close();
        stream.close();
        context.close();
    }

    @Override
    public String toString() {
        return description;
    }

    /** The draws as {@link CudaBackend#shiftAndFlip} packs them for the kernel. */
    static int[] packDraws(int batch, int[] shiftY, int[] shiftX, boolean[] flip) {
        int[] draws = new int[3 * batch];
        for (int n = 0; n < batch; n++) {
            draws[n] = shiftY[n];
            draws[batch + n] = shiftX[n];
            draws[2 * batch + n] = flip[n] ? 1 : 0;
        }
        return draws;
    }
}
