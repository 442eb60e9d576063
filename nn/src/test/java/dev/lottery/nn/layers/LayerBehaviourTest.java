package dev.lottery.nn.layers;

import dev.lottery.nn.backend.ChannelGeometry;
import dev.lottery.nn.backend.PoolGeometry;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.backend.cpu.CpuBackend;
import dev.lottery.nn.data.augment.BatchAugmentation;
import dev.lottery.nn.init.Initializer;
import dev.lottery.nn.model.Activation;
import dev.lottery.nn.model.ImageShape;
import dev.lottery.nn.model.LayerKind;
import dev.lottery.nn.model.LayerSpec;
import dev.lottery.nn.model.ModelSpec;
import dev.lottery.nn.model.Mode;
import dev.lottery.nn.model.Network;
import dev.lottery.nn.rng.KeyedRandom;
import dev.lottery.nn.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Forward-pass semantics that gradients do not show: pooling values, dropout keys, batch-norm statistics, augmentation. */
class LayerBehaviourTest {
    private final Backend backend = new CpuBackend();

    @Test
    void maxPoolPicksTheWindowMaximumAndRoutesTheGradientToIt() {
        float[] x = {1, 5, 2, 0, 3, 4, 7, 1, 0, 9, 8, 2, 6, 1, 3, 3};
        PoolGeometry g = new PoolGeometry(1, 1, 4, 4, 2, 2);
        try (Tensor xt = backend.upload("x", x, 1, 1, 4, 4); Tensor y = backend.zeros("y", 1, 1, 2, 2);
             Tensor dy = backend.upload("dy", new float[] {1, 2, 3, 4}, 1, 1, 2, 2); Tensor dx = backend.zeros("dx", 1, 1, 4, 4)) {
            backend.maxPool(xt, y, g);
            assertArrayEquals(new float[] {5, 7, 9, 8}, y.toArray());
            backend.maxPoolBackward(xt, y, dy, dx, g);
            assertArrayEquals(new float[] {0, 1, 0, 0, 0, 0, 2, 0, 0, 3, 4, 0, 0, 0, 0, 0}, dx.toArray());
        }
    }

    @Test
    void dropoutMasksAreKeyedByIterationAndOffInEvaluation() {
        ModelSpec spec = new ModelSpec("drop", ImageShape.flat(4), List.of(
                new LayerSpec.Dense("fc1", 400, Activation.NONE, LayerKind.FULLY_CONNECTED),
                new LayerSpec.Dropout("drop", 0.5),
                new LayerSpec.Dense("out", 2, Activation.NONE, LayerKind.OUTPUT)),
                new Initializer.Normal(1), new Initializer.Zeros());
        try (Network a = Network.create(spec, backend, 9); Network b = Network.create(spec, backend, 9);
             Tensor x = backend.upload("x", new float[] {1, -2, 3, 0.5f, 2, 1, -1, 0}, 2, 4)) {
            float[] a3 = a.forward(x, Mode.training(3)).toArray();
            b.forward(x, Mode.training(4));
            assertArrayEquals(a3, b.forward(x, Mode.training(3)).toArray(), "same (seed, layer, iteration), same mask");
            assertFalse(Arrays.equals(a3, a.forward(x, Mode.training(4)).toArray()), "another iteration, another mask");
            float[] e1 = a.forward(x, Mode.EVALUATION).toArray();
            assertArrayEquals(e1, a.forward(x, Mode.EVALUATION).toArray(), "evaluation is deterministic");
        }
        try (Tensor mask = backend.zeros("mask", 10_000)) {
            backend.dropoutMask(mask, 1, DropoutLayer.stream(1, "drop", 0), 0.3f);
            float[] m = mask.toArray();
            KeyedRandom rng = DropoutLayer.stream(1, "drop", 0);
            int dropped = 0;
            for (int i = 0; i < m.length; i++) {
                assertEquals(rng.uniform(i) < 0.3 ? 0f : 1f / 0.7f, m[i], "element " + i + " follows the keyed stream");
                if (m[i] == 0f) dropped++;
            }
            assertEquals(0.3, dropped / 10_000.0, 0.02);
        }
    }

    @Test
    void batchNormUpdatesRunningStatisticsAndEvaluatesWithThem() {
        // One channel, batch of 4 values 1, 2, 3, 6: mean 3, biased variance 3.5, unbiased 14/3.
        float[] x = {1, 2, 3, 6};
        ChannelGeometry g = new ChannelGeometry(4, 1, 1);
        try (Tensor xt = backend.upload("x", x, 4, 1); Tensor gamma = backend.upload("g", new float[] {2}, 1);
             Tensor beta = backend.upload("b", new float[] {0.5f}, 1); Tensor rm = backend.upload("rm", new float[] {0}, 1);
             Tensor rv = backend.upload("rv", new float[] {1}, 1); Tensor sm = backend.zeros("sm", 1); Tensor si = backend.zeros("si", 1);
             Tensor y = backend.zeros("y", 4, 1)) {
            backend.batchNormTraining(xt, gamma, beta, rm, rv, 0.1f, 1e-5f, sm, si, y, g);
            double invStd = 1 / Math.sqrt(3.5 + 1e-5);
            for (int i = 0; i < 4; i++) assertEquals(2 * (x[i] - 3) * invStd + 0.5, y.toArray()[i], 1e-5);
            assertEquals(0.3, rm.toArray()[0], 1e-6);
            assertEquals(0.9 + 0.1 * 14 / 3.0, rv.toArray()[0], 1e-6);
            assertEquals(3, sm.toArray()[0], 1e-6);
            backend.batchNormInference(xt, gamma, beta, rm, rv, 1e-5f, y, g);
            double evalInvStd = 1 / Math.sqrt(0.9 + 0.1 * 14 / 3.0 + 1e-5);
            for (int i = 0; i < 4; i++) assertEquals(2 * (x[i] - 0.3) * evalInvStd + 0.5, y.toArray()[i], 1e-5);
        }
    }

    @Test
    void initializationResetsRunningStatistics() {
        ModelSpec spec = new ModelSpec("bn", ImageShape.flat(3), List.of(
                new LayerSpec.BatchNorm("bn", Activation.NONE),
                new LayerSpec.Dense("out", 2, Activation.NONE, LayerKind.OUTPUT)),
                new Initializer.Normal(1), new Initializer.Zeros());
        try (Network net = Network.create(spec, backend, 1); Tensor x = backend.upload("x", new float[] {1, 2, 3, 7, 5, 3}, 2, 3)) {
            float[] fresh = net.forward(x, Mode.EVALUATION).toArray();
            net.forward(x, Mode.training(0));
            assertFalse(Arrays.equals(fresh, net.forward(x, Mode.EVALUATION).toArray()));
            net.initialize(1, "init");
            assertArrayEquals(fresh, net.forward(x, Mode.EVALUATION).toArray());
            assertEquals(List.of(1f, 1f, 1f), boxed(net.parameters().getFirst().value().toArray()), "gamma starts at 1");
        }
    }

    @Test
    void shiftAndFlipMovesPixelsWithZeroFill() {
        // One 1x3x3 image 1..9, flipped and shifted by (dy, dx) = (1, -1): dst[h][w] = src[h+1][(2-w) - 1].
        float[] img = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        try (Tensor src = backend.upload("s", img, 1, 9); Tensor dst = backend.zeros("d", 1, 9)) {
            backend.shiftAndFlip(src, dst, 1, 3, 3, new int[] {1}, new int[] {-1}, new boolean[] {true});
            assertArrayEquals(new float[] {5, 4, 0, 8, 7, 0, 0, 0, 0}, dst.toArray());
            backend.shiftAndFlip(src, dst, 1, 3, 3, new int[] {0}, new int[] {0}, new boolean[] {false});
            assertArrayEquals(img, dst.toArray());
        }
    }

    @Test
    void augmentationDrawsDependOnlyOnSeedEpochAndExample() {
        BatchAugmentation aug = BatchAugmentation.FLIP_AND_TRANSLATE;
        int[] order = new int[1000];
        for (int i = 0; i < order.length; i++) order[i] = (i * 7919) % 1000;
        BatchAugmentation.Draws all = aug.draws(5, 2, order, 0, 1000);
        BatchAugmentation.Draws tail = aug.draws(5, 2, order, 600, 400);
        int flips = 0;
        for (int i = 0; i < 400; i++) {
            assertEquals(all.shiftY()[600 + i], tail.shiftY()[i]);
            assertEquals(all.shiftX()[600 + i], tail.shiftX()[i]);
            assertEquals(all.flip()[600 + i], tail.flip()[i]);
        }
        int[] seen = new int[9];
        for (int i = 0; i < 1000; i++) {
            assertTrue(Math.abs(all.shiftY()[i]) <= 4 && Math.abs(all.shiftX()[i]) <= 4);
            seen[all.shiftX()[i] + 4]++;
            if (all.flip()[i]) flips++;
        }
        for (int s : seen) assertTrue(s > 60, "every shift occurs: " + Arrays.toString(seen));
        assertEquals(500, flips, 60);
        assertFalse(Arrays.equals(all.shiftY(), aug.draws(5, 3, order, 0, 1000).shiftY()), "a new epoch, new draws");
    }

    private static List<Float> boxed(float[] a) {
        java.util.ArrayList<Float> l = new java.util.ArrayList<>();
        for (float v : a) l.add(v);
        return l;
    }
}
