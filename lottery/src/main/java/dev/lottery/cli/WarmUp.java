package dev.lottery.cli;

import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.backend.cpu.CpuBackend;
import dev.lottery.nn.data.DataSplit;
import dev.lottery.nn.data.Dataset;
import dev.lottery.nn.data.DatasetName;
import dev.lottery.nn.model.Network;
import dev.lottery.nn.model.Preset;
import dev.lottery.nn.model.Presets;
import dev.lottery.nn.train.Normalization;
import dev.lottery.nn.train.ResidentData;
import dev.lottery.nn.train.Trainer;
import dev.lottery.nn.train.TrainingListener;
import dev.lottery.nn.train.TrainingSpec;
import java.util.SplittableRandom;

/**
 * lenet-300-100 trained and evaluated on the CPU on random MNIST-like data: the code a CPU run spends its first
 * seconds in, and so the workload {@code lottery.sh} records the JVM's ahead-of-time cache from ({@code lottery
 * warm-up}): the classes it loads are ready, parsed, at the next start. (The JVM would keep the profiles of the methods
 * it runs too, but not while the Vector API's incubator module is in the boot layer; docs/startup.md says why.)
 */
final class WarmUp {
    private static final int TRAIN_EXAMPLES = 600, TEST_EXAMPLES = 1000;

    private WarmUp() {}

    /** Trains for {@code iterations}, evaluating every 100 (on as many test examples as an evaluation batch holds). */
    static void run(long iterations) {
        Preset lenet = Presets.get("lenet-300-100");
        DataSplit data = new DataSplit(random("warm-up/train", TRAIN_EXAMPLES, 1), null, random("warm-up/test", TEST_EXAMPLES, 2));
        try (Backend backend = new CpuBackend();
             ResidentData resident = ResidentData.upload(backend, data, Normalization.standard(DatasetName.MNIST));
             Network network = Network.create(lenet.model(), backend, 0)) {
            TrainingSpec spec = new TrainingSpec(lenet.optimizer(), lenet.batchSize(), iterations, 100, 0);
            Trainer.train(network, resident, spec, 0, TrainingListener.NONE);
        }
    }

    /**
     * Images that are black but for random strokes in a 14 x 14 window near the middle, as MNIST's digits are: an
     * evaluation then takes the same kernels as on MNIST (the first layer over the test set's background form).
     */
    private static Dataset random(String name, int count, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] images = new float[count * 28 * 28];
        byte[] labels = new byte[count];
        for (int n = 0; n < count; n++) {
            int top = 4 + r.nextInt(7), left = 4 + r.nextInt(7);
            for (int y = top; y < top + 14; y++) {
                for (int x = left; x < left + 14; x++) {
                    if (r.nextBoolean()) images[n * 28 * 28 + y * 28 + x] = (float) r.nextDouble();
                }
            }
            labels[n] = (byte) r.nextInt(10);
        }
        return new Dataset(name, images, labels, count, 1, 28, 28, 10);
    }
}
