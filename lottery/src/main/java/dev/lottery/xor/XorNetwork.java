package dev.lottery.xor;

/**
 * One XOR network's parameters: {@code h_k = relu(w1a[k]·x0 + w1b[k]·x1 + b1[k])},
 * {@code output = sigmoid(Σ_k w2[k]·h_k + b2)}. A value for inspection and for the scalar reference
 * computations that check the vectorized trainer.
 */
public record XorNetwork(float[] w1a, float[] w1b, float[] b1, float[] w2, float b2) {
    /** The four XOR points (x0, x1) and their labels: (0,0)→0, (0,1)→1, (1,0)→1, (1,1)→0. */
    public static final float[] X0 = {0, 0, 1, 1};
    public static final float[] X1 = {0, 1, 0, 1};
    public static final float[] Y = {0, 1, 1, 0};

    public XorNetwork {
        int h = w1a.length;
        if (w1b.length != h || b1.length != h || w2.length != h) throw new IllegalArgumentException("ragged parameters");
    }

    public int hidden() {
        return w1a.length;
    }

    /** The pre-sigmoid output (logit) for point p, in float32 with the trainer's operation order. */
    public float logit(int p) {
        float z = b2;
        for (int k = 0; k < hidden(); k++) {
            float a = w1a[k] * X0[p] + w1b[k] * X1[p] + b1[k];
            z = z + w2[k] * Math.max(a, 0f);
        }
        return z;
    }

    /** Mean binary cross-entropy over the four points, in double (the reference for gradient checks). */
    public double loss() {
        double sum = 0;
        for (int p = 0; p < 4; p++) {
            double z = b2;
            for (int k = 0; k < hidden(); k++) {
                double a = (double) w1a[k] * X0[p] + (double) w1b[k] * X1[p] + b1[k];
                z += w2[k] * Math.max(a, 0);
            }
            // log(1 + e^-|z|) + max(z, 0) - z·y: the stable form of -y·log σ(z) - (1-y)·log(1-σ(z)).
            sum += Math.log1p(Math.exp(-Math.abs(z))) + Math.max(z, 0) - z * Y[p];
        }
        return sum / 4;
    }

    /** Decision boundary: every point on the correct side of output 0.5 (logit &gt; 0 for class 1, &lt; 0 for class 0). */
    public boolean decisionBoundary() {
        for (int p = 0; p < 4; p++) {
            float z = logit(p);
            if (Y[p] == 1 ? !(z > 0) : !(z < 0)) return false;
        }
        return true;
    }

    /**
     * Per-point cross-entropy at or below which a point counts as fitted "with zero loss": 10^-3, i.e. the output
     * is within 0.1% of its label (a logit on the correct side by at least ln(1/(e^0.001 − 1)) ≈ 6.9). At three
     * decimals such an output reads as a hard 0 or 1 and the loss as 0.000. A stricter reading — float32 outputs
     * of exactly 0 or 1, a margin of about 17.3 — is out of reach for plain gradient descent in 10,000
     * iterations at any stable learning rate (measured; see docs/xor.md), so it would report 0% everywhere.
     */
    public static final double ZERO_LOSS_PER_POINT = 1e-3;

    /** Zero loss: every point's cross-entropy is at most {@link #ZERO_LOSS_PER_POINT} (computed in double). */
    public boolean zeroLoss() {
        for (int p = 0; p < 4; p++) {
            if (pointLoss(p) > ZERO_LOSS_PER_POINT) return false;
        }
        return true;
    }

    /** Cross-entropy of point p, in double from the float32 logit. */
    public double pointLoss(int p) {
        double z = logit(p);
        return Math.log1p(Math.exp(-Math.abs(z))) + Math.max(z, 0) - z * Y[p];
    }
}
