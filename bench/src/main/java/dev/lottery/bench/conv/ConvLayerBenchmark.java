package dev.lottery.bench.conv;

import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.backend.cpu.CpuBackend;
import dev.lottery.nn.backend.ConvGeometry;
import dev.lottery.nn.backend.PoolGeometry;
import dev.lottery.nn.tensor.Tensor;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The CPU backend's convolution and pooling kernels one at a time, at the paper's batch sizes: a convolution layer
 * forward, backward-data and backward-filter, and conv2's first 2x2 max pooling over 28x28x64 (batch 50). The layer
 * is conv2's second convolution on Fashion-MNIST unless {@code layer} names another; {@code density} is the fraction
 * of its weights a random mask keeps (the rest exactly zero, as unstructured magnitude pruning leaves them), which
 * measures how far the kernels' skipping of zero weights shrinks the work. Average time per call.
 * Run: {@code java -jar bench/target-*}{@code /benchmarks.jar ConvLayerBenchmark}; the mask sweep:
 * {@code ConvLayerBenchmark.conv -p layer=conv2.conv2,conv4.conv4,resnet20.16,resnet20.64 -p density=1,0.2,0.05}.
 */
@State(Scope.Thread)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class ConvLayerBenchmark {
    /** Named layers at the paper's batch sizes. */
    private static final Map<String, ConvGeometry> LAYERS = Map.of(
            "conv2.conv2", new ConvGeometry(50, 64, 14, 14, 64, 5, 1, 2),    // 64 -> 64, 5x5 SAME on 14x14 (Fashion-MNIST)
            "conv4.conv4", new ConvGeometry(50, 128, 12, 12, 128, 3, 1, 0),  // 128 -> 128, 3x3 VALID on 12x12
            "resnet20.16", new ConvGeometry(128, 16, 32, 32, 16, 3, 1, 1),   // the first stage's 3x3 layers
            "resnet20.64", new ConvGeometry(128, 64, 8, 8, 64, 3, 1, 1));    // the last stage's
    private static final int POOL_BATCH = 50;
    private final PoolGeometry pool = new PoolGeometry(POOL_BATCH, 64, 28, 28, 2, 2);

    @Param({"conv2.conv2"})
    public String layer;

    /** The fraction of the layer's weights kept. */
    @Param({"1"})
    public double density;

    private ConvGeometry conv;
    private Backend backend;
    private Tensor x, w, b, y, dy, dx, dw, db, poolIn, pooled, poolDx;

    @Setup
    public void setUp() {
        conv = LAYERS.get(layer);
        if (conv == null) throw new IllegalArgumentException("unknown layer " + layer + "; one of " + LAYERS.keySet());
        backend = new CpuBackend();
        SplittableRandom rnd = new SplittableRandom(3);
        int n = conv.batch(), c = conv.channels(), k = conv.filters(), r = conv.kernel(), p = conv.outHeight(), q = conv.outWidth();
        float[] weights = random(rnd, conv.filterSize());
        for (int i = 0; i < weights.length; i++) if (rnd.nextDouble() >= density) weights[i] = 0f;
        x = backend.upload("x", random(rnd, conv.inputSize()), n, c, conv.height(), conv.width());
        w = backend.upload("w", weights, k, c, r, r);
        b = backend.upload("b", random(rnd, k), k);
        y = backend.zeros("y", n, k, p, q);
        dy = backend.upload("dy", random(rnd, conv.outputSize()), n, k, p, q);
        dx = backend.zeros("dx", n, c, conv.height(), conv.width());
        dw = backend.zeros("dw", k, c, r, r);
        db = backend.zeros("db", k);
        poolIn = backend.upload("pool.x", random(rnd, pool.inputSize()), POOL_BATCH, 64, 28, 28);
        pooled = backend.zeros("pool.y", POOL_BATCH, 64, 14, 14);
        poolDx = backend.zeros("pool.dx", POOL_BATCH, 64, 28, 28);
    }

    /** {@code size} standard normal values (ConvLayerTimes and FusedPassBenchmark fill their tensors with them too). */
    static float[] random(SplittableRandom rnd, long size) {
        float[] a = new float[(int) size];
        for (int i = 0; i < a.length; i++) a[i] = (float) rnd.nextGaussian();
        return a;
    }

    @Benchmark
    public Tensor convForward() {
        backend.conv2d(x, w, b, y, conv);
        return y;
    }

    @Benchmark
    public Tensor convBackwardData() {
        backend.conv2dBackwardData(dy, w, dx, conv);
        return dx;
    }

    @Benchmark
    public Tensor convBackwardFilter() {
        backend.conv2dBackwardFilter(x, dy, dw, db, conv);
        return dw;
    }

    @Benchmark
    public Tensor maxPool() {
        backend.maxPool(poolIn, pooled, pool);
        return pooled;
    }

    @Benchmark
    public Tensor maxPoolBackward() {
        backend.maxPoolBackward(poolIn, pooled, pooled, poolDx, pool);
        return poolDx;
    }

    @TearDown
    public void tearDown() {
        for (Tensor t : new Tensor[] {x, w, b, y, dy, dx, dw, db, poolIn, pooled, poolDx}) t.close();
        backend.close();
    }
}
