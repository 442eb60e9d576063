package dev.lottery.xor;

import dev.lottery.nn.rng.KeyedRandom;
import jdk.incubator.vector.FloatVector;

/**
 * The parameters of many independent XOR networks (2 inputs → {@code hidden} ReLU units → 1 sigmoid output),
 * laid out trial-minor — {@code [parameter][unit][trial]} — so one SIMD vector holds the same parameter of
 * neighbouring trials and all trials train in lock step.
 *
 * <p>Arrays are indexed {@code unit * stride + trial}; {@code stride} is the trial count rounded up to the
 * vector length, and the padding trials are real (keyed) networks whose results are simply never read.
 */
public final class XorBatch {
    /** Standard deviation of the paper's initial weights (footnote 4): N(0, 0.1²), resampled beyond 2σ. */
    public static final float INIT_STD = 0.1f;
    /** Trials per SIMD vector; strides are multiples of it. */
    static final int LANES = FloatVector.SPECIES_PREFERRED.length();

    private final int trials;
    private final int hidden;
    private final int stride;
    /** Weight from input 0 to unit k, from input 1 to unit k, bias of unit k, weight from unit k to the output. */
    final float[] w1a, w1b, b1, w2;
    /** Output bias, one per trial. */
    final float[] b2;

    XorBatch(int trials, int hidden) {
        if (trials <= 0 || hidden <= 0) throw new IllegalArgumentException("trials and hidden units must be positive");
        this.trials = trials;
        this.hidden = hidden;
        this.stride = (trials + LANES - 1) / LANES * LANES;
        this.w1a = new float[hidden * stride];
        this.w1b = new float[hidden * stride];
        this.b1 = new float[hidden * stride];
        this.w2 = new float[hidden * stride];
        this.b2 = new float[stride];
    }

    /**
     * θ0 of {@code trials} networks with {@code hidden} units: weights from the 2σ-truncated N(0, 0.1²), biases 0.
     * Trial t's hidden weights (shape [2 inputs][hidden], row-major) are element-indexed draws of
     * {@code KeyedRandom(seed, "xor-h<hidden>/hidden.weight", "init/trial-<t>")}, its output weights of
     * {@code KeyedRandom(seed, "xor-h<hidden>/output.weight", "init/trial-<t>")}: networks of different widths
     * and different trials are independent, and any trial can be recreated on its own.
     *
     * @param seed   the experiment's seed
     * @param trials networks in the batch, positive
     * @param hidden hidden units per network, positive
     * @return a new batch holding θ0
     */
    public static XorBatch initialize(long seed, int trials, int hidden) {
        XorBatch b = new XorBatch(trials, hidden);
        float[] in = new float[2 * hidden], out = new float[hidden];
        for (int t = 0; t < b.stride; t++) {
            String purpose = "init/trial-" + t;
            new KeyedRandom(seed, "xor-h" + hidden + "/hidden.weight", purpose).fillTruncatedNormal(in, 0f, INIT_STD);
            new KeyedRandom(seed, "xor-h" + hidden + "/output.weight", purpose).fillTruncatedNormal(out, 0f, INIT_STD);
            for (int k = 0; k < hidden; k++) {
                b.w1a[k * b.stride + t] = in[k];
                b.w1b[k * b.stride + t] = in[hidden + k];
                b.w2[k * b.stride + t] = out[k];
            }
        }
        return b;
    }

    /**
     * The winning-ticket reset: a narrower batch whose trial t keeps units {@code kept[t]} (in that order) with
     * the values they have in this batch — call it on θ0 to reset a pruned network to its original
     * initialization. Every trial must keep the same number of units.
     *
     * @param kept {@code [trials][width]}: per trial, indices of this batch's hidden units, as
     *             {@link PruningHeuristic#keep} gives them
     * @return a new batch of {@code width} hidden units; this one is unchanged
     */
    public XorBatch select(int[][] kept) {
        if (kept.length != trials) throw new IllegalArgumentException("need kept units for each of " + trials + " trials");
        int width = kept[0].length;
        XorBatch s = new XorBatch(trials, width);
        for (int t = 0; t < stride; t++) {
            int[] units = t < trials ? kept[t] : kept[0]; // padding trials: any valid choice
            if (units.length != width) throw new IllegalArgumentException("trial " + t + " keeps " + units.length + " units, not " + width);
            for (int j = 0; j < width; j++) {
                int from = units[j] * stride + t, to = j * stride + t;
                s.w1a[to] = w1a[from];
                s.w1b[to] = w1b[from];
                s.b1[to] = b1[from];
                s.w2[to] = w2[from];
            }
            s.b2[t] = b2[t];
        }
        return s;
    }

    /**
     * An independent copy (training works in place).
     *
     * @return a new batch with the same values; changing either leaves the other as it is
     */
    public XorBatch copy() {
        XorBatch c = new XorBatch(trials, hidden);
        System.arraycopy(w1a, 0, c.w1a, 0, w1a.length);
        System.arraycopy(w1b, 0, c.w1b, 0, w1b.length);
        System.arraycopy(b1, 0, c.b1, 0, b1.length);
        System.arraycopy(w2, 0, c.w2, 0, w2.length);
        System.arraycopy(b2, 0, c.b2, 0, b2.length);
        return c;
    }

    /**
     * One trial's parameters as a small value, for inspection and reference computations.
     *
     * @param trial the trial, from 0 to {@code trials() - 1}
     * @return a copy: changing it does not change the batch (see {@link #setNetwork})
     */
    public XorNetwork network(int trial) {
        float[] a = new float[hidden], b = new float[hidden], c = new float[hidden], d = new float[hidden];
        for (int k = 0; k < hidden; k++) {
            a[k] = w1a[k * stride + trial];
            b[k] = w1b[k * stride + trial];
            c[k] = b1[k * stride + trial];
            d[k] = w2[k * stride + trial];
        }
        return new XorNetwork(a, b, c, d, b2[trial]);
    }

    /**
     * Overwrites one trial's parameters (tests and reference set-ups).
     *
     * @param trial the trial, from 0 to {@code trials() - 1}
     * @param n     the values, with {@link #hidden()} hidden units; copied into the batch
     */
    public void setNetwork(int trial, XorNetwork n) {
        if (n.hidden() != hidden) throw new IllegalArgumentException("network has " + n.hidden() + " units, batch " + hidden);
        for (int k = 0; k < hidden; k++) {
            w1a[k * stride + trial] = n.w1a()[k];
            w1b[k * stride + trial] = n.w1b()[k];
            b1[k * stride + trial] = n.b1()[k];
            w2[k * stride + trial] = n.w2()[k];
        }
        b2[trial] = n.b2();
    }

    /** The parameter arrays in a fixed order: w1a, w1b, b1, w2, b2. */
    float[][] parameters() {
        return new float[][]{w1a, w1b, b1, w2, b2};
    }

    /**
     * Trials in the batch.
     *
     * @return the trials asked for, positive; padding trials are not counted
     */
    public int trials() {
        return trials;
    }

    /**
     * Hidden units per network.
     *
     * @return the same for every trial, positive
     */
    public int hidden() {
        return hidden;
    }

    int stride() {
        return stride;
    }
}
