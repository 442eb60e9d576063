package dev.lottery.bench.conv;

import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.backend.ConvGeometry;
import dev.lottery.nn.backend.cpu.CpuBackend;
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
 * How the CPU convolutions' time shrinks with a pruning mask: one convolution layer of a preset at the paper's batch
 * size, forward, data gradient and filter gradient, with a random fraction {@code density} of its weights kept (the
 * rest exactly zero, as unstructured magnitude pruning leaves them). The direct kernels skip a step where a whole
 * register tile's weights are zero; Winograd skips one where a whole tile's transformed weights are, which needs
 * more of a filter pruned. Average time per call.
 * Run: {@code java -jar bench/target-*}{@code /benchmarks.jar ConvMaskBenchmark} (add {@code -p layer=... -p density=...}).
 */
@State(Scope.Thread)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class ConvMaskBenchmark {
    /** Named layers: batch, channels, height = width, filters, kernel, stride, padding. */
    private static final Map<String, ConvGeometry> LAYERS = Map.of(
            "conv2.conv2", new ConvGeometry(50, 64, 14, 14, 64, 5, 1, 2),    // Fashion-MNIST, SAME
            "conv4.conv4", new ConvGeometry(50, 128, 12, 12, 128, 3, 1, 0),  // CIFAR-10, VALID
            "resnet20.16", new ConvGeometry(128, 16, 32, 32, 16, 3, 1, 1),   // the first stage's 3x3 layers
            "resnet20.64", new ConvGeometry(128, 64, 8, 8, 64, 3, 1, 1));    // the last stage's

    @Param({"conv2.conv2", "conv4.conv4", "resnet20.16", "resnet20.64"})
    public String layer;

    /** The fraction of weights kept. */
    @Param({"1", "0.2", "0.05"})
    public double density;

    private Backend backend;
    private ConvGeometry g;
    private Tensor x, w, b, y, dy, dx, dw, db;

    @Setup
    public void setUp() {
        g = LAYERS.get(layer);
        if (g == null) throw new IllegalArgumentException("unknown layer " + layer + "; one of " + LAYERS.keySet());
        backend = new CpuBackend();
        SplittableRandom rnd = new SplittableRandom(5);
        int p = g.outHeight(), q = g.outWidth();
        float[] weights = random(rnd, g.filterSize());
        for (int i = 0; i < weights.length; i++) if (rnd.nextDouble() >= density) weights[i] = 0f;
        x = backend.upload("x", random(rnd, g.inputSize()), g.batch(), g.channels(), g.height(), g.width());
        w = backend.upload("w", weights, g.filters(), g.channels(), g.kernel(), g.kernel());
        b = backend.upload("b", random(rnd, g.filters()), g.filters());
        y = backend.zeros("y", g.batch(), g.filters(), p, q);
        dy = backend.upload("dy", random(rnd, g.outputSize()), g.batch(), g.filters(), p, q);
        dx = backend.zeros("dx", g.batch(), g.channels(), g.height(), g.width());
        dw = backend.zeros("dw", g.filters(), g.channels(), g.kernel(), g.kernel());
        db = backend.zeros("db", g.filters());
    }

    private static float[] random(SplittableRandom rnd, long size) {
        float[] a = new float[(int) size];
        for (int i = 0; i < a.length; i++) a[i] = (float) rnd.nextGaussian();
        return a;
    }

    @Benchmark
    public Tensor forward() {
        backend.conv2d(x, w, b, y, g);
        return y;
    }

    @Benchmark
    public Tensor backwardData() {
        backend.conv2dBackwardData(dy, w, dx, g);
        return dx;
    }

    @Benchmark
    public Tensor backwardFilter() {
        backend.conv2dBackwardFilter(x, dy, dw, db, g);
        return dw;
    }

    @TearDown
    public void tearDown() {
        for (Tensor t : new Tensor[] {x, w, b, y, dy, dx, dw, db}) t.close();
        backend.close();
    }
}
