package dev.lottery.xor;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The vectorized kernel's gradient against central finite differences of the double-precision reference loss. */
class XorGradientTest {
    private static final int TRIALS = 37; // not a multiple of the vector length: exercises the padded lanes
    private static final int HIDDEN = 5;

    @Test
    void kernelGradientMatchesFiniteDifferences() {
        XorBatch batch = randomBatch(3);
        XorBatch g = trainer(XorTraining.Reduction.MEAN, 0).gradients(batch);
        // Random parameters put no pre-activation exactly on the kink, where alone the ReLU'(0) choice matters.
        XorBatch slopeOne = trainer(XorTraining.Reduction.MEAN, 1).gradients(batch);
        for (int t = 0; t < TRIALS; t++) assertScaled(1, g.network(t), slopeOne.network(t));
        int checked = 0;
        for (int t = 0; t < TRIALS; t++) {
            XorNetwork n = batch.network(t), grad = g.network(t);
            for (int k = 0; k < HIDDEN; k++) {
                checked += check(n, grad.w1a()[k], k, "w1a");
                checked += check(n, grad.w1b()[k], k, "w1b");
                checked += check(n, grad.b1()[k], k, "b1");
                checked += check(n, grad.w2()[k], k, "w2");
            }
            double h = 1e-3;
            double fd = (with(n, n.b2() + (float) h).loss() - with(n, n.b2() - (float) h).loss()) / (2 * h);
            assertEquals(fd, grad.b2(), 2e-4 + 1e-3 * Math.abs(fd), "b2 of trial " + t);
        }
        assertTrue(checked > TRIALS * HIDDEN * 3, "most parameters are away from ReLU kinks and were checked: " + checked);
    }

    @Test
    void deadUnitsGetNoGradient() {
        float[] neg = {-0.5f}, zero = {0f};
        XorBatch batch = new XorBatch(1, 1);
        batch.setNetwork(0, new XorNetwork(neg, neg.clone(), zero, new float[]{0.3f}, 0.1f));
        XorNetwork g = trainer(XorTraining.Reduction.MEAN, 0).gradients(batch).network(0);
        assertEquals(0f, g.w1a()[0]);
        assertEquals(0f, g.w1b()[0]);
        assertEquals(0f, g.b1()[0]);
        assertEquals(0f, g.w2()[0]);
        // Only b2 moves: d/db2 of the mean loss = mean(sigmoid(0.1) - y) = sigmoid(0.1) - 0.5.
        assertEquals(1 / (1 + Math.exp(-0.1)) - 0.5, g.b2(), 1e-6);
    }

    @Test
    void summedLossHasExactlyFourTimesTheMeanGradient() {
        XorBatch batch = randomBatch(5);
        XorBatch mean = trainer(XorTraining.Reduction.MEAN, 0).gradients(batch);
        XorBatch sum = trainer(XorTraining.Reduction.SUM, 0).gradients(batch);
        for (int t = 0; t < TRIALS; t++) assertScaled(4, mean.network(t), sum.network(t));
    }

    @Test
    void reluSlopeOneAtZeroPassesGradientThroughTheKink() {
        // Both input weights negative, bias 0: the unit's pre-activation is 0 at (0, 0) and negative elsewhere.
        float[] neg = {-0.5f}, zero = {0f};
        XorBatch batch = new XorBatch(1, 1);
        batch.setNetwork(0, new XorNetwork(neg, neg.clone(), zero, new float[]{0.3f}, 0.1f));
        XorNetwork g = trainer(XorTraining.Reduction.MEAN, 1).gradients(batch).network(0);
        // Only point (0, 0) passes, with dL/da = d0·w2, d0 = sigmoid(0.1)/4; it reaches the bias alone (x = 0).
        double d0 = 1 / (1 + Math.exp(-0.1)) / 4;
        assertEquals(d0 * 0.3, g.b1()[0], 1e-7);
        assertEquals(0f, g.w1a()[0]);
        assertEquals(0f, g.w1b()[0]);
        assertEquals(0f, g.w2()[0], "relu(0) = 0 feeds the output weight nothing");
    }

    /** {@code scaled} is exactly {@code factor} times {@code g}, parameter by parameter. */
    private static void assertScaled(float factor, XorNetwork g, XorNetwork scaled) {
        for (int k = 0; k < HIDDEN; k++) {
            assertEquals(factor * g.w1a()[k], scaled.w1a()[k]);
            assertEquals(factor * g.w1b()[k], scaled.w1b()[k]);
            assertEquals(factor * g.b1()[k], scaled.b1()[k]);
            assertEquals(factor * g.w2()[k], scaled.w2()[k]);
        }
        assertEquals(factor * g.b2(), scaled.b2());
    }

    private static XorBatch randomBatch(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        XorBatch batch = new XorBatch(TRIALS, HIDDEN);
        for (int t = 0; t < TRIALS; t++) batch.setNetwork(t, randomNetwork(r));
        return batch;
    }

    private static XorTrainer trainer(XorTraining.Reduction reduction, int reluSlopeAtZero) {
        return new XorTrainer(new XorTraining(XorTraining.Optimizer.GD, 1f, reduction, reluSlopeAtZero, 0));
    }

    /** Finite-difference check of one hidden-unit parameter; skipped (returns 0) when a ReLU kink is too close. */
    private static int check(XorNetwork n, float analytic, int k, String name) {
        double h = 1e-3;
        float base = valueOf(n, name, k);
        XorNetwork plus = copy(n), minus = copy(n);
        setParam(plus, name, k, base + (float) h);
        setParam(minus, name, k, base - (float) h);
        double dh = (double) valueOf(plus, name, k) - valueOf(minus, name, k);
        if (nearKink(n, k, 4 * h)) return 0;
        double fd = (plus.loss() - minus.loss()) / dh;
        assertEquals(fd, analytic, 2e-4 + 1e-3 * Math.abs(fd), name + "[" + k + "]");
        return 1;
    }

    private static boolean nearKink(XorNetwork n, int k, double margin) {
        for (int p = 0; p < 4; p++) {
            double a = n.w1a()[k] * XorNetwork.X0[p] + n.w1b()[k] * XorNetwork.X1[p] + n.b1()[k];
            if (Math.abs(a) < margin) return true;
        }
        return false;
    }

    private static float valueOf(XorNetwork n, String name, int k) {
        return switch (name) {
            case "w1a" -> n.w1a()[k];
            case "w1b" -> n.w1b()[k];
            case "b1" -> n.b1()[k];
            default -> n.w2()[k];
        };
    }

    private static void setParam(XorNetwork n, String name, int k, float v) {
        switch (name) {
            case "w1a" -> n.w1a()[k] = v;
            case "w1b" -> n.w1b()[k] = v;
            case "b1" -> n.b1()[k] = v;
            default -> n.w2()[k] = v;
        }
    }

    private static XorNetwork copy(XorNetwork n) {
        return new XorNetwork(n.w1a().clone(), n.w1b().clone(), n.b1().clone(), n.w2().clone(), n.b2());
    }

    private static XorNetwork with(XorNetwork n, float b2) {
        return new XorNetwork(n.w1a(), n.w1b(), n.b1(), n.w2(), b2);
    }

    private static XorNetwork randomNetwork(SplittableRandom r) {
        float[] a = new float[HIDDEN], b = new float[HIDDEN], c = new float[HIDDEN], d = new float[HIDDEN];
        for (int k = 0; k < HIDDEN; k++) {
            a[k] = (float) r.nextDouble(-1.5, 1.5);
            b[k] = (float) r.nextDouble(-1.5, 1.5);
            c[k] = (float) r.nextDouble(-0.5, 0.5);
            d[k] = (float) r.nextDouble(-1.5, 1.5);
        }
        return new XorNetwork(a, b, c, d, (float) r.nextDouble(-0.5, 0.5));
    }
}
