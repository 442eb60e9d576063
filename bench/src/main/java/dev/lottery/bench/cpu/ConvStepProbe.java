package dev.lottery.bench.cpu;

import com.sun.management.ThreadMXBean;
import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.backend.cpu.CpuBackend;
import dev.lottery.nn.model.Mode;
import dev.lottery.nn.model.Population;
import dev.lottery.nn.model.Preset;
import dev.lottery.nn.model.Presets;
import dev.lottery.nn.tensor.Tensor;
import dev.lottery.nn.train.Sgd;
import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;

/**
 * One build's side of {@link UnitComparison} for convolutional presets: times the training step that JMH's
 * {@code ConvStepBenchmark} times (forward, loss, backward, SGD with the preset's optimizer, at the preset's batch size
 * on its own input shape, random data) on the CPU backend of the build it was loaded with. Like {@link UnitProbe} it
 * uses only public API that recent builds share, and is called by reflection, one class loader per build.
 */
public final class ConvStepProbe {
    /**
     * Heap bytes allocated per timed step by all threads (the caller and the backend's workers) in the last
     * {@link #stepsPerSecond} call. A warm step allocates next to nothing; megabytes mean that the JIT left a kernel's
     * vector operations as calls on boxed vectors (a method past its inlining budget), which is slow too.
     */
    public static volatile double lastBytesPerStep;

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
            long[] threads = THREADS.getAllThreadIds();
            long allocated = allocated(threads), start = System.nanoTime();
            for (int s = 1; s <= steps; s++) step(backend, net, sgd, x, y, s);
            double rate = steps / ((System.nanoTime() - start) / 1e9);
            lastBytesPerStep = (double) (allocated(threads) - allocated) / steps;
            return rate;
        }
    }

    private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** Bytes allocated so far by the threads that are still alive (a thread that ended counts as none). */
    private static long allocated(long[] threads) {
        long sum = 0;
        for (long bytes : THREADS.getThreadAllocatedBytes(threads)) sum += Math.max(bytes, 0);
        return sum;
    }

    private static void step(Backend backend, Population net, Sgd sgd, Tensor x, Tensor y, long iteration) {
        Tensor logits = net.forward(x, Mode.training(iteration));
        backend.softmaxCrossEntropy(logits, y, net.logitsGradient(), null);
        net.backward();
        sgd.step(iteration);
    }
}
