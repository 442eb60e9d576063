package dev.lottery.xor;

import java.util.Locale;

/**
 * How the XOR networks are trained: the choices the paper's appendix leaves open (it states only ReLU hidden
 * units, a sigmoid output, cross-entropy, the initialization and 10,000 iterations on the full data set).
 *
 * @param optimizer      plain gradient descent or Adam
 * @param learningRate   the step size (Adam's α)
 * @param reduction      whether the loss is the mean or the sum of the four points' cross-entropies
 * @param reluSlopeAtZero the value taken for ReLU'(0), 0 or 1. With biases initialized to 0 every unit sits on
 *                       the kink at input (0, 0), so this choice matters from the first step: 0 (TensorFlow,
 *                       PyTorch) leaves a unit with two negative input weights dead for good; 1 lets point (0, 0)
 *                       move every unit's bias.
 * @param iterations     full-batch steps
 */
public record XorTraining(Optimizer optimizer, float learningRate, Reduction reduction, int reluSlopeAtZero,
                          int iterations) {
    /** Adam's moment decay rates and ε, Kingma &amp; Ba's defaults. */
    public static final float ADAM_BETA1 = 0.9f, ADAM_BETA2 = 0.999f, ADAM_EPSILON = 1e-8f;

    /** Checks the settings. */
    public XorTraining {
        if (optimizer == null || reduction == null) throw new IllegalArgumentException("optimizer and reduction are required");
        if (!(learningRate > 0) || Float.isInfinite(learningRate)) throw new IllegalArgumentException("learning rate must be positive, got " + learningRate);
        if (reluSlopeAtZero != 0 && reluSlopeAtZero != 1) throw new IllegalArgumentException("ReLU'(0) must be 0 or 1, got " + reluSlopeAtZero);
        if (iterations < 0) throw new IllegalArgumentException("iterations must be >= 0");
    }

    /** The update rule. */
    public enum Optimizer implements XorChoice {
        /** θ ← θ − lr·∇; by default lr = 1, the largest rate at which training stays stable. */
        GD(1.0f),
        /**
         * Kingma &amp; Ba's Algorithm 1 with bias-corrected moments: θ ← θ − lr·m̂ / (√v̂ + ε); by default
         * lr = 0.003, the rate of the sweep that fits the paper best (docs/xor.md).
         */
        ADAM(0.003f);

        private final float defaultLearningRate;

        Optimizer(float defaultLearningRate) {
            this.defaultLearningRate = defaultLearningRate;
        }

        /**
         * The optimizer's rate unless one is given.
         *
         * @return 1 for gradient descent, 0.003 for Adam
         */
        public float defaultLearningRate() {
            return defaultLearningRate;
        }

        /**
         * The optimizer named {@code s}; another name is a {@code UserError} listing the known ones.
         *
         * @param s {@code gd} or {@code adam}, in any case
         * @return the optimizer
         */
        public static Optimizer parse(String s) {
            return XorChoice.parse(Optimizer.class, s, "optimizer");
        }
    }

    /** How the four points' cross-entropies combine into the loss. */
    public enum Reduction implements XorChoice {
        /** The mean over the four points: each point's gradient weighs 1/4. */
        MEAN(0.25f),
        /** The sum over the four points: four times the mean's gradient. */
        SUM(1f);

        /** dLoss/dz_p = weight · (σ(z_p) − y_p). */
        final float weight;

        Reduction(float weight) {
            this.weight = weight;
        }

        /**
         * The reduction named {@code s}; another name is a {@code UserError} listing the known ones.
         *
         * @param s {@code mean} or {@code sum}, in any case
         * @return the reduction
         */
        public static Reduction parse(String s) {
            return XorChoice.parse(Reduction.class, s, "loss reduction");
        }
    }

    /**
     * A one-line description, for progress lines.
     *
     * @return e.g. {@code adam lr 0.01, mean loss, ReLU'(0) = 1, 10000 iterations}
     */
    public String describe() {
        return String.format(Locale.ROOT, "%s lr %s, %s loss, ReLU'(0) = %d, %d iterations",
                optimizer.label(), learningRate, reduction.label(), reluSlopeAtZero, iterations);
    }
}
