package dev.lottery.bench.conv;

import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.backend.cpu.CpuBackend;
import dev.lottery.nn.backend.ConvGeometry;
import dev.lottery.nn.backend.PoolGeometry;
import dev.lottery.nn.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The CPU backend's convolution and pooling kernels one at a time, on conv2's shapes for Fashion-MNIST at the
 * paper's batch of 50: the second convolution (64 -> 64 filters, 5x5 SAME on 14x14: 20 M multiply-adds per image,
 * most of a conv2 step) forward, backward-data and backward-filter, and the first layer's 2x2 max pooling over
 * 28x28x64. Average time per call. Run: {@code java -jar bench/target-*}{@code /benchmarks.jar ConvLayerBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class ConvLayerBenchmark {
    private static final int BATCH = 50;
    private final ConvGeometry conv = new ConvGeometry(BATCH, 64, 14, 14, 64, 5, 1, 2);
    private final PoolGeometry pool = new PoolGeometry(BATCH, 64, 28, 28, 2, 2);

    private Backend backend;
    private Tensor x, w, b, y, dy, dx, dw, db, poolIn, pooled, poolDx;

    @Setup
    public void setUp() {
        backend = new CpuBackend();
        SplittableRandom rnd = new SplittableRandom(3);
        x = backend.upload("x", random(rnd, conv.inputSize()), BATCH, 64, 14, 14);
        w = backend.upload("w", random(rnd, conv.filterSize()), 64, 64, 5, 5);
        b = backend.upload("b", random(rnd, 64), 64);
        y = backend.zeros("y", BATCH, 64, 14, 14);
        dy = backend.upload("dy", random(rnd, conv.outputSize()), BATCH, 64, 14, 14);
        dx = backend.zeros("dx", BATCH, 64, 14, 14);
        dw = backend.zeros("dw", 64, 64, 5, 5);
        db = backend.zeros("db", 64);
        poolIn = backend.upload("pool.x", random(rnd, pool.inputSize()), BATCH, 64, 28, 28);
        pooled = backend.zeros("pool.y", BATCH, 64, 14, 14);
        poolDx = backend.zeros("pool.dx", BATCH, 64, 28, 28);
    }

    private static float[] random(SplittableRandom rnd, long size) {
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
