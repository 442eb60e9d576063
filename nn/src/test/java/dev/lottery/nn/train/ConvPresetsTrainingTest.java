package dev.lottery.nn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.backend.cpu.CpuBackend;
import dev.lottery.nn.model.ImageShape;
import dev.lottery.nn.model.ModelSpec;
import dev.lottery.nn.model.Network;
import dev.lottery.nn.model.Parameter;
import dev.lottery.nn.model.Preset;
import dev.lottery.nn.model.Presets;
import dev.lottery.nn.model.SyntheticData;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every convolutional preset trains through the real trainer on the CPU with its own optimizer (momentum and weight
 * decay for the resnet; conv4 at ten times its rate, see below), augmentation (the resnet's flips and shifts), dropout and batch normalization: on small
 * 3x16x16 images whose class is their colour, with a fifth of every prunable tensor masked at random (one pruning level; a random half
 * shrinks conv4's signal to nothing over its seven layers), the test loss falls and every masked weight is
 * still exactly +0.0 at the end. (The architectures are the presets'; only the input is smaller, to keep CI fast.)
 */
class ConvPresetsTrainingTest {
    private static final ImageShape INPUT = new ImageShape(3, 16, 16);

    @ParameterizedTest
    @ValueSource(strings = {"conv2", "conv4", "conv4-dropout", "resnet20"})
    void trainsWithMaskedWeightsStayingZero(String name) {
        Preset preset = Presets.get(name);
        ModelSpec model = preset.model().withInput(INPUT);
        Backend backend = new CpuBackend();
        try (ResidentData data = ResidentData.upload(backend, SyntheticData.imageSplit(640, 160, INPUT, 10));
             Network net = Network.create(model, backend, 5)) {
            SplittableRandom r = new SplittableRandom(11);
            for (Parameter p : net.prunable()) {
                float[] mask = new float[Math.toIntExact(p.size())];
                for (int i = 0; i < mask.length; i++) mask[i] = r.nextDouble() < 0.2 ? 0f : 1f;
                p.mask().copyFrom(mask);
                backend.applyMask(p.value(), p.mask());
            }
            OptimizerSpec optimizer = preset.optimizer();
            if (name.startsWith("conv4")) {
                // conv4's 0.003 leaves the starting plateau (loss ln 10: Xavier-initialized logits are near zero)
                // slowly; measured here, conv4-dropout was at 14 % after 120 iterations. Ten times the rate shows in
                // 150 iterations that the architecture learns; the optimizer is otherwise the preset's.
                optimizer = new OptimizerSpec(LearningRateSchedule.constant(0.03), optimizer.momentum(), optimizer.weightDecay());
            }
            TrainingSpec spec = new TrainingSpec(optimizer, 16, 150, 30, 0, preset.augmentation());
            TrainingResult result = Trainer.train(net, data, spec, 5, TrainingListener.NONE);
            EvalPoint first = result.series().getFirst();
            assertEquals(150, result.series().getLast().iteration());
            // The best point, not the last: at the resnet's learning rate of 0.1 with batches of 16, evaluation
            // through running batch-norm statistics swings between points (seen: 96 % then 84 %).
            double bestAccuracy = result.series().stream().mapToDouble(EvalPoint::testAccuracy).max().orElseThrow();
            double lowestLoss = result.series().stream().mapToDouble(EvalPoint::testLoss).min().orElseThrow();
            String curve = name + ": " + result.series();
            assertTrue(result.series().stream().allMatch(e -> Double.isFinite(e.testLoss())), curve);
            assertTrue(lowestLoss < first.testLoss(), curve);
            assertTrue(bestAccuracy >= 0.3, "10 classes, 10 % by chance: " + curve);
            long pruned = 0;
            for (Parameter p : net.prunable()) {
                float[] w = p.value().toArray(), mask = p.mask().toArray();
                for (int i = 0; i < w.length; i++) {
                    if (mask[i] == 0f) {
                        assertEquals(0, Float.floatToRawIntBits(w[i]), name + ": " + p.name() + "[" + i + "] is pruned but " + w[i]);
                        pruned++;
                    }
                }
            }
            assertTrue(pruned > model.parameterCount().weights() / 6, name + ": a fifth of the weights were masked, " + pruned);
        }
    }
}
