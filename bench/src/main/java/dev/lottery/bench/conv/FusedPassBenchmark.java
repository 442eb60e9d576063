package dev.lottery.bench.conv;

import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.backend.ChannelGeometry;
import dev.lottery.nn.backend.cpu.CpuBackend;
import dev.lottery.nn.tensor.Tensor;
import java.util.Arrays;
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
 * The passes over activations that a resnet20 block makes besides its convolutions, fused and apart, on the CPU at
 * batch 128: training-mode batch normalization with its ReLU ({@code batchNormReluTraining} against
 * {@code batchNormTraining} then {@code relu}) and the block's output, the sum of branch and shortcut through a ReLU
 * ({@code addRelu} against {@code copy}, {@code add}, {@code relu}). Each pair computes the same bits; the fused one
 * reads and writes the activations once fewer. {@code stage} is one of resnet20's three stages. Average time per call.
 * Run: {@code java -jar bench/target/benchmarks.jar FusedPassBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class FusedPassBenchmark {
    /** resnet20's stages at batch 128: channels and positions per plane. */
    private static final Map<String, ChannelGeometry> STAGES = Map.of(
            "16x32x32", new ChannelGeometry(128, 16, 32 * 32),
            "32x16x16", new ChannelGeometry(128, 32, 16 * 16),
            "64x8x8", new ChannelGeometry(128, 64, 8 * 8));

    @Param({"16x32x32", "32x16x16", "64x8x8"})
    public String stage;

    private ChannelGeometry g;
    private Backend backend;
    private Tensor x, shortcut, y, gamma, beta, runningMean, runningVar, savedMean, savedInvStd;

    @Setup
    public void setUp() {
        g = STAGES.get(stage);
        if (g == null) throw new IllegalArgumentException("unknown stage " + stage + "; one of " + STAGES.keySet());
        backend = new CpuBackend();
        SplittableRandom rnd = new SplittableRandom(5);
        int n = Math.toIntExact(g.size()), c = g.channels();
        float[] ones = new float[c];
        Arrays.fill(ones, 1f);
        x = backend.upload("x", ConvLayerBenchmark.random(rnd, n), n);
        shortcut = backend.upload("shortcut", ConvLayerBenchmark.random(rnd, n), n);
        y = backend.zeros("y", n);
        gamma = backend.upload("gamma", ones, c);
        beta = backend.zeros("beta", c);
        runningMean = backend.zeros("running_mean", c);
        runningVar = backend.upload("running_var", ones, c);
        savedMean = backend.zeros("saved_mean", c);
        savedInvStd = backend.zeros("saved_inv_std", c);
    }

    @TearDown
    public void tearDown() {
        for (Tensor t : new Tensor[] {x, shortcut, y, gamma, beta, runningMean, runningVar, savedMean, savedInvStd}) t.close();
        backend.close();
    }

    @Benchmark
    public Tensor batchNormReluFused() {
        backend.batchNormReluTraining(x, gamma, beta, runningMean, runningVar, 0.1f, 1e-5f, savedMean, savedInvStd, y, g);
        return y;
    }

    @Benchmark
    public Tensor batchNormThenRelu() {
        backend.batchNormTraining(x, gamma, beta, runningMean, runningVar, 0.1f, 1e-5f, savedMean, savedInvStd, y, g);
        backend.relu(y);
        return y;
    }

    @Benchmark
    public Tensor sumReluFused() {
        backend.addRelu(x, shortcut, y);
        return y;
    }

    @Benchmark
    public Tensor copyAddRelu() {
        backend.copy(x, y);
        backend.add(y, shortcut);
        backend.relu(y);
        return y;
    }
}
