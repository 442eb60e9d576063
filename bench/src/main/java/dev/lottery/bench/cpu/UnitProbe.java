package dev.lottery.bench.cpu;

import dev.lottery.experiment.ExperimentPresets;
import dev.lottery.experiment.ExperimentSpec;
import dev.lottery.nn.backend.cpu.CpuBackend;
import dev.lottery.nn.data.DataSets;
import dev.lottery.nn.data.DataSplit;
import dev.lottery.nn.model.Network;
import dev.lottery.nn.model.Parameter;
import dev.lottery.nn.train.ResidentData;
import dev.lottery.nn.train.Trainer;
import dev.lottery.nn.train.TrainingListener;
import dev.lottery.nn.train.TrainingSpec;
import dev.lottery.prune.PruningStrategy;
import java.io.IOException;
import java.util.SplittableRandom;

/**
 * One build's side of {@link UnitComparison}: trains lenet-fig3 units on the CPU backend of the build it was loaded
 * with. It uses only the public API that every recent build has, so the comparison can load it beside an older build's
 * jar; its methods are called by reflection, one class loader per build.
 */
public final class UnitProbe {
    private static ExperimentSpec spec;
    private static CpuBackend backend;
    private static ResidentData data;

    private UnitProbe() {}

    /**
     * Loads lenet-fig3's data set (MNIST, fetched into the cache on first use) onto this build's CPU backend.
     *
     * @throws IOException if the data set cannot be read or fetched
     */
    public static void open() throws IOException {
        spec = ExperimentPresets.get("lenet-fig3");
        TrainingSpec full = spec.training();
        DataSplit split = spec.dataset().load(DataSets.defaultCacheDir(), full.validationSize(), spec.seed());
        backend = new CpuBackend(true);
        data = ResidentData.upload(backend, split, spec.normalization());
    }

    /**
     * Trains one unit from a fresh initialization, its masks keeping about {@code (1 - rate)^level} of each layer's
     * weights at the experiment's layer-wise rates (20 % per level for the hidden layers, 10 % for the output layer),
     * drawn at random with a fixed seed so both builds train the very same unit.
     *
     * @param level the pruning level (0: dense)
     * @param iterations training iterations, evaluations included
     * @param evalEvery iterations between test-set evaluations (100 in lenet-fig3)
     * @return training iterations per second, evaluations included
     */
    public static double iterationsPerSecond(int level, int iterations, int evalEvery) {
        TrainingSpec full = spec.training();
        TrainingSpec run = new TrainingSpec(full.optimizer(), full.batchSize(), iterations, evalEvery, full.validationSize(), full.augmentation());
        PruningStrategy.LayerwiseMagnitude rates = (PruningStrategy.LayerwiseMagnitude) spec.strategy();
        try (Network net = Network.create(spec.model(), backend, 1)) {
            SplittableRandom rnd = new SplittableRandom(7);
            for (Parameter p : net.prunable()) {
                float[] mask = new float[Math.toIntExact(p.size())];
                double keep = Math.pow(1 - rates.rateFor(p.kind()), level);
                for (int i = 0; i < mask.length; i++) mask[i] = rnd.nextDouble() < keep ? 1f : 0f;
                p.mask().copyFrom(mask);
                backend.applyMask(p.value(), p.mask());
            }
            long start = System.nanoTime();
            Trainer.train(net, data, run, 1, TrainingListener.NONE);
            return iterations / ((System.nanoTime() - start) / 1e9);
        }
    }
}
