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

/** The paper's lenet-300-100 on real MNIST: one epoch must reach at least 95 % test accuracy. */
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
            TrainingSpec spec = new TrainingSpec(preset.optimizer(), preset.batchSize(), iterations, 500, 0);
            TrainingResult r = Trainer.train(net, data, spec, 0, TrainingListener.NONE);
            assertEquals(1000, r.iterations());
            assertTrue(r.finalTestAccuracy() >= 0.95, "test accuracy after one epoch: " + r.finalTestAccuracy());
        }
    }
}
