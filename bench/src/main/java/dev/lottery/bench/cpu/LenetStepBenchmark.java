package dev.lottery.bench.cpu;

import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.backend.cpu.CpuBackend;
import dev.lottery.nn.model.Mode;
import dev.lottery.nn.model.Population;
import dev.lottery.nn.model.Parameter;
import dev.lottery.nn.model.Presets;
import dev.lottery.nn.tensor.Tensor;
import dev.lottery.nn.train.OptimizerSpec;
import dev.lottery.nn.train.Sgd;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * One lenet-300-100 training step (batch 60) through the real engine on the CPU backend: {@link Population#forward},
 * softmax cross-entropy with its gradient, {@link Population#backward} and a masked {@link Sgd} step, exactly the
 * calls {@code Trainer} makes per iteration (with the population's masks prepared, as in a training run) minus the
 * batch gather (the NumPy peer has no gather either). {@code keep} of every weight matrix is kept at random: at 0.5,
 * the NumPy comparison, the products stay dense (above the masked kernels' crossover); at 0.2 the masked kernels skip
 * the pruned weights, while NumPy's dense step does the same work at any density.
 *
 * <p>The NumPy equivalent is {@code bench/python/lenet_step_numpy.py}; {@code scripts/bench-cpu.sh} runs both.
 */
@State(Scope.Thread)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
// Ten seconds of warm-up: on a 2-core machine the JVM has one C2 compiler thread, which needs about five seconds to
// compile the kernels (with recompilations after deoptimizations); three seconds measured a mix of C1 and C2 code.
@Warmup(iterations = 10, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class LenetStepBenchmark {
    static final int BATCH = 60;

    /** Fraction of every weight matrix kept. */
    @Param({"0.5", "0.2"})
    public double keep;

    private Backend backend;
    private Population network;
    private Sgd sgd;
    private Population.PreparedMasks masks;
    private Tensor x, labels;
    private long iteration;

    @Setup
    public void setUp() {
        backend = new CpuBackend();
        network = Population.create(Presets.lenet("lenet-300-100", 300, 100), backend, 1, 1);
        SplittableRandom rnd = new SplittableRandom(7);
        for (Parameter p : network.member(0).prunable()) {
            float[] mask = new float[Math.toIntExact(p.size())];
            for (int i = 0; i < mask.length; i++) mask[i] = rnd.nextDouble() < keep ? 1f : 0f;
            p.mask().copyFrom(mask);
            backend.applyMask(p.value(), p.mask());
        }
        float[] pixels = new float[BATCH * 28 * 28];
        for (int i = 0; i < pixels.length; i++) pixels[i] = (float) rnd.nextDouble();
        float[] classes = new float[BATCH];
        for (int i = 0; i < BATCH; i++) classes[i] = rnd.nextInt(10);
        x = backend.upload("bench.x", pixels, BATCH, 28 * 28);
        labels = backend.upload("bench.y", classes, BATCH);
        sgd = new Sgd(OptimizerSpec.sgd(0.05), network);
        masks = network.prepareMasks();
    }

    @Benchmark
    public void step(Blackhole bh) {
        Tensor logits = network.forward(x, Mode.training(iteration));
        backend.softmaxCrossEntropy(logits, labels, network.logitsGradient(), null);
        network.backward();
        sgd.step(iteration++);
        bh.consume(logits);
    }

    @TearDown
    public void tearDown() {
        masks.close();
        sgd.close();
        x.close();
        labels.close();
        network.close();
        backend.close();
    }
}
