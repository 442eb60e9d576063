package dev.lottery.bench.cpu;

import dev.lottery.nn.backend.MatrixBatch;
import dev.lottery.nn.backend.cpu.CpuBackend;
import dev.lottery.nn.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The CPU backend's GEMM (one matrix, on {@code -Dlottery.gemm.threads} threads) at the products of a lenet-300-100
 * step (batch 60; weights stored [out, in]) and at a few square sizes. Scores are products per second;
 * GFLOP/s = score x {@link GemmShape#flops()} / 1e9, which {@code bench/python/summarize_cpu.py} prints from the
 * JSON result.
 *
 * <p>Forward: {@code NT_60x300x784}, {@code NT_60x100x300}, {@code NT_60x10x100} (X . W^T). Weight gradients:
 * {@code TN_300x784x60}, {@code TN_100x300x60}, {@code TN_10x100x60} (dY^T . X). Input gradients:
 * {@code NN_60x300x100}, {@code NN_60x100x10} (dY . W).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
// Ten seconds of warm-up: on a 2-core machine the JVM has one C2 compiler thread, which needs about five seconds to
// compile the kernels (with recompilations after deoptimizations); three seconds measured a mix of C1 and C2 code.
@Warmup(iterations = 10, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class GemmBenchmark {
    @Param({"NT_60x300x784", "NT_60x100x300", "NT_60x10x100",
            "TN_300x784x60", "TN_100x300x60", "TN_10x100x60",
            "NN_60x300x100", "NN_60x100x10",
            "NN_256x256x256", "NN_512x512x512", "NN_1024x1024x1024"})
    public String shape;

    private GemmShape s;
    private CpuBackend backend;
    private Tensor a, b, c;
    private MatrixBatch ab, bb, cb;

    @Setup
    public void setUp() {
        s = GemmShape.parse(shape);
        backend = new CpuBackend();
        SplittableRandom rnd = new SplittableRandom(42);
        a = backend.upload("a", random((long) s.aRows() * s.aCols(), rnd), s.aRows(), s.aCols());
        b = backend.upload("b", random((long) s.bRows() * s.bCols(), rnd), s.bRows(), s.bCols());
        c = backend.zeros("c", s.m(), s.n());
        ab = MatrixBatch.of(a);
        bb = MatrixBatch.of(b);
        cb = MatrixBatch.of(c);
    }

    private static float[] random(long floats, SplittableRandom rnd) {
        float[] values = new float[Math.toIntExact(floats)];
        for (int i = 0; i < values.length; i++) values[i] = (float) (rnd.nextDouble() * 2 - 1);
        return values;
    }

    /** One product; C is off-heap memory, so the JIT cannot drop the writes and no Blackhole is needed. */
    @Benchmark
    public void sgemm() {
        backend.gemm(1, s.transA(), s.transB(), 1f, ab, bb, 0f, cb);
    }

    @TearDown
    public void tearDown() {
        c.close();
        b.close();
        a.close();
        backend.close();
    }
}
