package dev.lottery.nn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.backend.cpu.CpuBackend;
import dev.lottery.nn.data.augment.BatchAugmentation;
import dev.lottery.nn.model.Activation;
import dev.lottery.nn.model.LayerKind;
import dev.lottery.nn.model.LayerSpec;
import dev.lottery.nn.model.ModelSpec;
import dev.lottery.nn.model.Network;
import dev.lottery.nn.model.Parameter;
import dev.lottery.nn.model.Presets;
import dev.lottery.nn.model.SyntheticData;
import dev.lottery.nn.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TrainerTest {
    private final Backend backend = new CpuBackend();
    private static final int FEATURES = 28 * 28;

    private List<float[]> trainLenet(long seed, long iterations, boolean prune) {
        try (ResidentData data = ResidentData.upload(backend, SyntheticData.split(1200, 300, FEATURES, 10));
             Network net = Network.create(Presets.get("lenet-300-100").model(), backend, seed)) {
            if (prune) pruneRandomHalf(net);
            TrainingSpec spec = new TrainingSpec(OptimizerSpec.sgd(0.05), 60, iterations, 100, 0);
            Trainer.train(net, data, spec, seed, TrainingListener.NONE);
            List<float[]> out = new ArrayList<>();
            for (Parameter p : net.parameters()) {
                out.add(p.value().toArray());
                if (p.mask() != null) out.add(p.mask().toArray());
            }
            return out;
        }
    }

    private void pruneRandomHalf(Network net) {
        SplittableRandom r = new SplittableRandom(42);
        for (Parameter p : net.prunable()) {
            float[] mask = new float[Math.toIntExact(p.size())];
            for (int i = 0; i < mask.length; i++) mask[i] = r.nextBoolean() ? 1f : 0f;
            p.mask().copyFrom(mask);
            backend.applyMask(p.value(), p.mask());
        }
    }

    @Test
    void sameSeedGivesBitwiseIdenticalWeightsAfter200Iterations() {
        List<float[]> a = trainLenet(7, 200, false);
        List<float[]> b = trainLenet(7, 200, false);
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i), b.get(i), "tensor " + i);
            for (int j = 0; j < a.get(i).length; j++) {
                assertEquals(Float.floatToRawIntBits(a.get(i)[j]), Float.floatToRawIntBits(b.get(i)[j]), "bits of tensor " + i + "[" + j + "]");
            }
        }
        List<float[]> c = trainLenet(8, 200, false);
        assertFalse(java.util.Arrays.equals(a.getFirst(), c.getFirst()), "another seed gives other weights");
    }

    @Test
    void maskedEntriesStayExactlyZeroAcrossTraining() {
        List<float[]> tensors = trainLenet(3, 200, true);
        // Layout: w1, mask1, b1, w2, mask2, b2, w3, mask3, b3.
        int pruned = 0, alive = 0;
        for (int t = 0; t < tensors.size(); t += 3) {
            float[] w = tensors.get(t), mask = tensors.get(t + 1);
            for (int i = 0; i < w.length; i++) {
                if (mask[i] == 0f) {
                    assertEquals(0, Float.floatToRawIntBits(w[i]), "pruned weight must be +0.0 exactly");
                    pruned++;
                } else if (w[i] != 0f) {
                    alive++;
                }
            }
        }
        assertTrue(pruned > 100_000 && alive > 100_000, "pruned " + pruned + ", alive " + alive);
    }

    @Test
    void learnsSyntheticData() {
        try (ResidentData data = ResidentData.upload(backend, SyntheticData.split(3000, 500, 20, 3));
             Network net = Network.create(Presets.lenet("small", 32, 16).withInput(20), backend, 1)) {
            TrainingSpec spec = new TrainingSpec(OptimizerSpec.sgd(0.1), 50, 1500, 100, 0);
            TrainingResult r = Trainer.train(net, data, spec, 1, TrainingListener.NONE);
            assertEquals(16, r.series().size(), "evaluations at 0, every 100 and the end");
            assertTrue(r.finalTestAccuracy() > 0.85, "accuracy " + r.finalTestAccuracy());
            assertTrue(r.series().getFirst().testLoss() > r.series().getLast().testLoss());
        }
    }

    /** Augmentation is applied in the loop: reproducible for a seed, and it changes what the network learns. */
    @Test
    void augmentedTrainingIsReproducibleAndDiffersFromPlainTraining() {
        ModelSpec model = new ModelSpec("tiny-image", new dev.lottery.nn.model.ImageShape(1, 6, 6), List.of(
                new LayerSpec.Flatten("flat"),
                new LayerSpec.Dense("fc1", 16, Activation.RELU, LayerKind.FULLY_CONNECTED),
                new LayerSpec.Dense("out", 3, Activation.NONE, LayerKind.OUTPUT)),
                new dev.lottery.nn.init.Initializer.Normal(0.3), new dev.lottery.nn.init.Initializer.Zeros());
        float[] plain = trainImages(model, BatchAugmentation.NONE);
        float[] augmentedA = trainImages(model, BatchAugmentation.FLIP_AND_TRANSLATE);
        float[] augmentedB = trainImages(model, BatchAugmentation.FLIP_AND_TRANSLATE);
        assertArrayEquals(augmentedA, augmentedB, 0f, "same seed, same augmented run");
        assertFalse(java.util.Arrays.equals(plain, augmentedA), "augmentation changes the batches the network sees");
    }

    private float[] trainImages(ModelSpec model, BatchAugmentation augmentation) {
        try (ResidentData data = ResidentData.upload(backend, SyntheticData.split(400, 100, 36, 3));
             Network net = Network.create(model, backend, 5)) {
            TrainingSpec spec = new TrainingSpec(OptimizerSpec.sgd(0.1), 20, 60, 30, 0, augmentation);
            Trainer.train(net, data, spec, 5, TrainingListener.NONE);
            return net.parameters().getFirst().value().toArray();
        }
    }

    @Test
    void sgdStepMatchesTheScalarDefinitionWithMomentumAndWeightDecay() {
        float[] w = {1f, -2f, 0.5f, 3f, -1f, 0.25f, 2f, -0.75f, 1.5f, 4f, -3f};
        float[] g = {0.1f, 0.2f, -0.3f, 0.4f, -0.5f, 0.6f, -0.7f, 0.8f, -0.9f, 1f, 0.05f};
        float[] m = {1, 1, 0, 1, 1, 0, 1, 1, 1, 0, 1};
        float[] v = new float[w.length];
        try (Tensor wt = backend.upload("w", w, w.length); Tensor gt = backend.upload("g", g, g.length);
             Tensor mt = backend.upload("m", m, m.length); Tensor vt = backend.zeros("v", v.length)) {
            float lr = 0.1f, mom = 0.9f, wd = 0.01f;
            for (int step = 0; step < 3; step++) {
                backend.sgdStep(wt, gt, mt, vt, lr, mom, wd);
                for (int i = 0; i < w.length; i++) {
                    float gi = Math.fma(wd, w[i], g[i]);
                    gi = Math.fma(mom, v[i], gi);
                    w[i] = m[i] == 0 ? 0f : Math.fma(-lr, gi, w[i]);
                    v[i] = m[i] == 0 ? 0f : gi;
                }
                assertArrayEquals(w, wt.toArray(), 0f, "step " + step);
                assertArrayEquals(v, vt.toArray(), 0f, "velocity step " + step);
            }
        }
    }
}
