package dev.lottery.bench.cpu;

import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.backend.cpu.CpuBackend;
import dev.lottery.nn.model.Mode;
import dev.lottery.nn.model.Population;
import dev.lottery.nn.model.Preset;
import dev.lottery.nn.model.Presets;
import dev.lottery.nn.tensor.Tensor;
import dev.lottery.nn.train.Sgd;
import java.util.SplittableRandom;

/**
 * One build's side of {@link UnitComparison} for convolutional presets: times the training step that JMH's
 * {@code ConvStepBenchmark} times (forward, loss, backward, SGD with the preset's optimizer, at the preset's batch size
 * on its own input shape, random data) on the CPU backend of the build it was loaded with. Like {@link UnitProbe} it
 * uses only public API that recent builds share, and is called by reflection, one class loader per build.
 */
public final class ConvStepProbe {
    private ConvStepProbe() {}

    /**
     * Trains a fresh network of preset {@code model} for {@code steps} steps and returns their rate.
     *
     * @param model a convolutional preset, e.g. conv4 or resnet20
     * @param steps training steps timed (after one untimed step that allocates the buffers)
     * @return training steps per second
     */
    public static double stepsPerSecond(String model, int steps) {
        Preset preset = Presets.get(model);
        int batch = preset.batchSize(), features = preset.model().inputFeatures();
        SplittableRandom rnd = new SplittableRandom(7);
        float[] pixels = new float[batch * features], classes = new float[batch];
        for (int i = 0; i < pixels.length; i++) pixels[i] = (float) rnd.nextGaussian();
        for (int i = 0; i < batch; i++) classes[i] = rnd.nextInt(preset.model().classes());
        try (Backend backend = new CpuBackend(true);
             Population net = Population.create(preset.model(), backend, 1, 1);
             Sgd sgd = new Sgd(preset.optimizer(), net);
             Tensor x = backend.upload("x", pixels, batch, features);
             Tensor y = backend.upload("y", classes, batch)) {
            step(backend, net, sgd, x, y, 0);
            long start = System.nanoTime();
            for (int s = 1; s <= steps; s++) step(backend, net, sgd, x, y, s);
            return steps / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static void step(Backend backend, Population net, Sgd sgd, Tensor x, Tensor y, long iteration) {
        Tensor logits = net.forward(x, Mode.training(iteration));
        backend.softmaxCrossEntropy(logits, y, net.logitsGradient(), null);
        net.backward();
        sgd.step(iteration);
    }
}
