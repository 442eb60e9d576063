package dev.lottery.bench.conv;

import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.backend.cpu.CpuBackend;
import dev.lottery.nn.data.DatasetName;
import dev.lottery.nn.model.ModelSpec;
import dev.lottery.nn.model.Mode;
import dev.lottery.nn.model.Population;
import dev.lottery.nn.model.Preset;
import dev.lottery.nn.model.Presets;
import dev.lottery.nn.tensor.Tensor;
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
 * One training step of a convolutional preset through the real engine on the CPU backend, at the paper's batch size
 * (conv2 and conv4: 50, resnet20: 128): training-mode forward, softmax cross-entropy with its gradient, backward, and
 * an SGD step with the preset's momentum and weight decay. The input is the preset's data set's shape (CIFAR-10,
 * 3x32x32) unless {@code dataset} names another ({@code -p model=conv2 -p dataset=fashion-mnist}: 1x28x28). The data
 * are random; the work does not depend on the values.
 * Run: {@code java -jar bench/target-*}{@code /benchmarks.jar ConvStepBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class ConvStepBenchmark {
    @Param({"conv4", "resnet20"})
    public String model;

    /** A data set name whose input shape to train on; empty for the preset's own. */
    @Param({""})
    public String dataset;

    private Backend backend;
    private Population network;
    private Sgd sgd;
    private Tensor x, labels;
    private long iteration;

    @Setup
    public void setUp() {
        Preset preset = Presets.get(model);
        int batch = preset.batchSize();
        backend = new CpuBackend();
        ModelSpec spec = dataset.isEmpty() ? preset.model() : preset.modelFor(DatasetName.parse(dataset));
        network = Population.create(spec, backend, 1, 1);
        SplittableRandom rnd = new SplittableRandom(7);
        int features = spec.inputFeatures();
        float[] pixels = new float[batch * features];
        for (int i = 0; i < pixels.length; i++) pixels[i] = (float) rnd.nextGaussian();
        float[] classes = new float[batch];
        for (int i = 0; i < batch; i++) classes[i] = rnd.nextInt(10);
        x = backend.upload("bench.x", pixels, batch, features);
        labels = backend.upload("bench.y", classes, batch);
        sgd = new Sgd(preset.optimizer(), network);
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
        sgd.close();
        x.close();
        labels.close();
        network.close();
        backend.close();
    }
}
