package dev.lottery.xor;

/**
 * One XOR network's parameters: {@code h_k = relu(w1a[k]·x0 + w1b[k]·x1 + b1[k])},
 * {@code output = sigmoid(Σ_k w2[k]·h_k + b2)}. A value for inspection and for the scalar reference
 * computations that check the vectorized trainer.
 *
 * @param w1a weights from input 0 to each hidden unit, {@code [hidden]}; the arrays are shared, not copied
 * @param w1b weights from input 1 to each hidden unit, {@code [hidden]}
 * @param b1  the hidden units' biases, {@code [hidden]}
 * @param w2  weights from each hidden unit to the output, {@code [hidden]}
 * @param b2  the output's bias
 */
public record XorNetwork(float[] w1a, float[] w1b, float[] b1, float[] w2, float b2) {
    /** The four XOR points (x0, x1) and their labels: (0,0)→0, (0,1)→1, (1,0)→1, (1,1)→0. */
    public static final float[] X0 = {0, 0, 1, 1};
    /** The points' second coordinates. */
    public static final float[] X1 = {0, 1, 0, 1};
    /** The points' labels. */
    public static final float[] Y = {0, 1, 1, 0};

    /** Checks that the hidden layer's arrays have one length. */
    public XorNetwork {
        int h = w1a.length;
        if (w1b.length != h || b1.length != h || w2.length != h) throw new IllegalArgumentException("ragged parameters");
    }

    /**
     * Hidden units.
     *
     * @return the length of each of {@code w1a}, {@code w1b}, {@code b1} and {@code w2}
     */
    public int hidden() {
        return w1a.length;
    }

    /**
     * The pre-sigmoid output (logit) for point p, in float32 with the trainer's operation order.
     *
     * @param p the XOR point, 0 to 3: an index into {@link #X0}, {@link #X1} and {@link #Y}
     * @return the logit; the network says 1 where it is positive
     */
    public float logit(int p) {
        return logit(X0[p], X1[p]);
    }

    /**
     * The logit at any input (x0, x1), in float32: for drawing the decision boundary.
     *
     * @param x0 the first input
     * @param x1 the second input
     * @return the pre-sigmoid output, summed over the hidden units in order
     */
    public float logit(float x0, float x1) {
        float z = b2;
        for (int k = 0; k < hidden(); k++) {
            float a = w1a[k] * x0 + w1b[k] * x1 + b1[k];
            z = z + w2[k] * Math.max(a, 0f);
        }
        return z;
    }

    /**
     * Mean binary cross-entropy over the four points, in double (the reference for gradient checks).
     *
     * @return the loss in nats, at least 0
     */
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

    /**
     * Cross-entropy of point p, in double from the float32 logit.
     *
     * @param p the XOR point, 0 to 3
     * @return the loss in nats, at least 0
     */
    public double pointLoss(int p) {
        double z = logit(p);
        return Math.log1p(Math.exp(-Math.abs(z))) + Math.max(z, 0) - z * Y[p];
    }
}
