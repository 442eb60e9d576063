package dev.lottery.nn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lottery.nn.backend.cpu.CpuBackend;
import dev.lottery.nn.data.DataSets;
import dev.lottery.nn.data.DataSplit;
import dev.lottery.nn.data.DatasetName;
import dev.lottery.nn.model.Network;
import dev.lottery.nn.model.Preset;
import dev.lottery.nn.model.Presets;
import org.junit.jupiter.api.Test;

/**
 * The paper's lenet-300-100 on real MNIST: one epoch must reach at least 95 % test accuracy.
 *
 * <p>The test trains with SGD at 0.1 rather than the paper's 0.05: with 0.05 one epoch lands at 95.2 % ± 0.4 across
 * seeds (NumPy gives 95.2, 94.9, 95.7, 94.9 for seeds 0-3, and we measured 94.97 % for seed 0), so a 95 % bar
 * would be a coin toss; at 0.1 every seed reaches 96.1-96.3 %. The full 50-epoch run uses the paper's 0.05.
 */
class LenetMnistTest {
    @Test
    void oneEpochReaches95PercentTestAccuracy() {
        Preset preset = Presets.get("lenet-300-100");
        DataSplit split = DataSets.load(DatasetName.MNIST, null, 0, 0);
        assertEquals(60_000, split.train().count());
        try (CpuBackend backend = new CpuBackend();
             ResidentData data = ResidentData.upload(backend, split, Normalization.standard(DatasetName.MNIST));
             Network net = Network.create(preset.model(), backend, 0)) {
            long iterations = TrainingSpec.iterationsFor(1, split.train().count(), preset.batchSize());
            TrainingSpec spec = new TrainingSpec(OptimizerSpec.sgd(0.1), preset.batchSize(), iterations, 500, 0);
            TrainingResult r = Trainer.train(net, data, spec, 0, TrainingListener.NONE);
            assertEquals(1000, r.iterations());
            assertTrue(r.finalTestAccuracy() >= 0.95, "test accuracy after one epoch: " + r.finalTestAccuracy());
        }
    }
}
