package dev.lottery.xor;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** The optimizers of {@link XorTrainer} against scalar references. */
class XorTrainerTest {
    private static final int TRIALS = 11; // not a multiple of the vector length
    private static final int HIDDEN = 3;

    @Test
    void adamMatchesAScalarReference() {
        XorBatch start = XorBatch.initialize(4, TRIALS, HIDDEN);
        int steps = 25;
        float lr = 0.01f;
        XorBatch trained = start.copy();
        new XorTrainer(new XorTraining(XorTraining.Optimizer.ADAM, lr, XorTraining.Reduction.MEAN, 0, steps)).train(trained);

        // Reference: Kingma & Ba's Algorithm 1 in double, one trial at a time, on the kernel's gradients.
        XorTrainer gradientOnly = new XorTrainer(new XorTraining(XorTraining.Optimizer.GD, 1f, XorTraining.Reduction.MEAN, 0, 0));
        XorBatch ref = start.copy();
        int n = 4 * HIDDEN + 1;
        double[][] m = new double[TRIALS][n], v = new double[TRIALS][n];
        for (int t = 1; t <= steps; t++) {
            XorBatch g = gradientOnly.gradients(ref);
            for (int trial = 0; trial < TRIALS; trial++) {
                float[] theta = flatten(ref.network(trial)), grad = flatten(g.network(trial));
                for (int j = 0; j < n; j++) {
                    m[trial][j] = 0.9 * m[trial][j] + 0.1 * grad[j];
                    v[trial][j] = 0.999 * v[trial][j] + 0.001 * grad[j] * grad[j];
                    double mHat = m[trial][j] / (1 - Math.pow(0.9, t)), vHat = v[trial][j] / (1 - Math.pow(0.999, t));
                    theta[j] -= (float) (lr * mHat / (Math.sqrt(vHat) + 1e-8));
                }
                ref.setNetwork(trial, unflatten(theta));
            }
        }
        for (int trial = 0; trial < TRIALS; trial++) {
            float[] ours = flatten(trained.network(trial)), expected = flatten(ref.network(trial)), initial = flatten(start.network(trial));
            for (int j = 0; j < n; j++) {
                assertEquals(expected[j], ours[j], 2e-5, "trial " + trial + " parameter " + j);
            }
            assertNotEquals(Arrays.toString(initial), Arrays.toString(ours), "Adam moved the parameters");
        }
    }

    @Test
    void gradientDescentOnTheSummedLossIsTheMeanLossAtFourTimesTheRate() {
        XorBatch a = XorBatch.initialize(2, TRIALS, HIDDEN), b = a.copy();
        new XorTrainer(new XorTraining(XorTraining.Optimizer.GD, 0.25f, XorTraining.Reduction.SUM, 1, 300)).train(a);
        new XorTrainer(new XorTraining(XorTraining.Optimizer.GD, 1f, XorTraining.Reduction.MEAN, 1, 300)).train(b);
        for (int t = 0; t < TRIALS; t++) assertArrayEquals(flatten(b.network(t)), flatten(a.network(t)));
    }

    @Test
    void resultsDoNotDependOnTheOtherTrialsInTheBatch() {
        XorTraining adam = new XorTraining(XorTraining.Optimizer.ADAM, 0.01f, XorTraining.Reduction.SUM, 1, 200);
        XorBatch many = XorBatch.initialize(6, 40, HIDDEN), few = XorBatch.initialize(6, 3, HIDDEN);
        new XorTrainer(adam).train(many);
        new XorTrainer(adam).train(few);
        for (int t = 0; t < 3; t++) assertArrayEquals(flatten(few.network(t)), flatten(many.network(t)));
        assertNotEquals(Arrays.toString(flatten(many.network(0))), Arrays.toString(flatten(many.network(1))), "trials differ");
    }

    /** w1a, w1b, b1, w2 (each HIDDEN long), then b2. */
    private static float[] flatten(XorNetwork n) {
        float[] f = new float[4 * HIDDEN + 1];
        for (int k = 0; k < HIDDEN; k++) {
            f[k] = n.w1a()[k];
            f[HIDDEN + k] = n.w1b()[k];
            f[2 * HIDDEN + k] = n.b1()[k];
            f[3 * HIDDEN + k] = n.w2()[k];
        }
        f[4 * HIDDEN] = n.b2();
        return f;
    }

    private static XorNetwork unflatten(float[] f) {
        return new XorNetwork(Arrays.copyOfRange(f, 0, HIDDEN), Arrays.copyOfRange(f, HIDDEN, 2 * HIDDEN),
                Arrays.copyOfRange(f, 2 * HIDDEN, 3 * HIDDEN), Arrays.copyOfRange(f, 3 * HIDDEN, 4 * HIDDEN), f[4 * HIDDEN]);
    }
}
