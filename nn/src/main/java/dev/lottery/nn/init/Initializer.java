package dev.lottery.nn.init;

import dev.lottery.nn.UserError;
import dev.lottery.nn.rng.KeyedRandom;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a parameter tensor's initial values θ0 are drawn. Every draw comes from a {@link KeyedRandom}, so element
 * {@code i} of a tensor depends only on (seed, tensor name, purpose, i) and a GPU can draw it identically.
 *
 * <p>{@link #canonical()} is the stable text form used in experiment specs and on the command line;
 * {@link #parse(String)} reads it back ({@code parse(x.canonical()).equals(x)}).
 */
public sealed interface Initializer {
    /**
     * Standard deviation of N(0, 1) conditioned on |z| ≤ 2: sqrt(1 − 4φ(2)/(2Φ(2) − 1)) = 0.8796256610342398.
     * Dividing a 2σ-truncated normal's σ by it restores the intended variance (TensorFlow's
     * {@code VarianceScaling(distribution="truncated_normal")} uses the same constant).
     */
    double TRUNCATED_STD_FACTOR = 0.87962566103423978;

    /**
     * Fills {@code dst} (a tensor of {@code dst.length} elements with the given fans) from {@code rng}.
     *
     * @param dst    the tensor's values in row-major order, overwritten
     * @param fanIn  inputs feeding each unit; used only by the Xavier initializers, which need it positive
     * @param fanOut units each input feeds; used only by the Xavier initializers, which need it positive
     * @param rng    the tensor's keyed stream; element i is drawn from its position i (redraws of a truncated
     *               normal included), so the values do not depend on the order of filling
     */
    void fill(float[] dst, int fanIn, int fanOut, KeyedRandom rng);

    /** {@return the stable text form, e.g. {@code trunc_normal(0.1)}, {@code xavier_normal}, {@code zeros}} */
    String canonical();

    /**
     * The paper's LeNet/conv initialization: N(0, std²) with every value beyond 2·std discarded and redrawn.
     * The resulting variance is 0.774·std² (the truncation is not rescaled, matching the paper's description).
     *
     * @param std the standard deviation before truncation, positive and finite (the paper's LeNet uses 0.1)
     */
    record TruncatedNormal(double std) implements Initializer {
        /** Checks that {@code std} is positive. */
        public TruncatedNormal {
            requirePositive(std, "trunc_normal");
        }

        @Override
        public void fill(float[] dst, int fanIn, int fanOut, KeyedRandom rng) {
            rng.fillTruncatedNormal(dst, 0f, (float) std);
        }

        @Override
        public String canonical() {
            return "trunc_normal(" + std + ")";
        }
    }

    /**
     * N(0, std²), untruncated.
     *
     * @param std the standard deviation, positive and finite
     */
    record Normal(double std) implements Initializer {
        /** Checks that {@code std} is positive. */
        public Normal {
            requirePositive(std, "normal");
        }

        @Override
        public void fill(float[] dst, int fanIn, int fanOut, KeyedRandom rng) {
            rng.fillNormal(dst, 0f, (float) std);
        }

        @Override
        public String canonical() {
            return "normal(" + std + ")";
        }
    }

    /**
     * Glorot &amp; Bengio's normal initializer: variance 2/(fanIn + fanOut). When {@code truncated}, values beyond
     * 2σ are redrawn and σ is first divided by {@link #TRUNCATED_STD_FACTOR} so the variance is still
     * 2/(fanIn + fanOut).
     *
     * @param truncated whether values beyond 2σ are redrawn ({@code xavier_trunc_normal}) or kept
     *                  ({@code xavier_normal})
     */
    record XavierNormal(boolean truncated) implements Initializer {
        @Override
        public void fill(float[] dst, int fanIn, int fanOut, KeyedRandom rng) {
            double std = Math.sqrt(2.0 / requireFans(fanIn, fanOut));
            if (truncated) rng.fillTruncatedNormal(dst, 0f, (float) (std / TRUNCATED_STD_FACTOR));
            else rng.fillNormal(dst, 0f, (float) std);
        }

        @Override
        public String canonical() {
            return truncated ? "xavier_trunc_normal" : "xavier_normal";
        }
    }

    /** Glorot &amp; Bengio's uniform initializer: U(−limit, limit), limit = sqrt(6/(fanIn + fanOut)). */
    record XavierUniform() implements Initializer {
        @Override
        public void fill(float[] dst, int fanIn, int fanOut, KeyedRandom rng) {
            float limit = (float) Math.sqrt(6.0 / requireFans(fanIn, fanOut));
            rng.fillUniform(dst, -limit, limit);
        }

        @Override
        public String canonical() {
            return "xavier_uniform";
        }
    }

    /** All zeros (the paper's biases). Draws nothing. */
    record Zeros() implements Initializer {
        @Override
        public void fill(float[] dst, int fanIn, int fanOut, KeyedRandom rng) {
            java.util.Arrays.fill(dst, 0f);
        }

        @Override
        public String canonical() {
            return "zeros";
        }
    }

    /** All ones (batch-norm scales start at 1). Draws nothing. */
    record Ones() implements Initializer {
        @Override
        public void fill(float[] dst, int fanIn, int fanOut, KeyedRandom rng) {
            java.util.Arrays.fill(dst, 1f);
        }

        @Override
        public String canonical() {
            return "ones";
        }
    }

    /**
     * Reads a {@link #canonical()} form; anything else is a one-line {@link UserError} listing the valid forms.
     *
     * @param text the form, e.g. {@code trunc_normal(0.1)}; surrounding blanks are ignored, null counts as empty
     * @return the initializer it names
     * @throws UserError if the form is unknown or its standard deviation is not a positive number
     */
    static Initializer parse(String text) {
        String t = text == null ? "" : text.strip();
        switch (t) {
            case "xavier_normal": return new XavierNormal(false);
            case "xavier_trunc_normal": return new XavierNormal(true);
            case "xavier_uniform": return new XavierUniform();
            case "zeros": return new Zeros();
            case "ones": return new Ones();
            default: break;
        }
        Matcher m = Forms.WITH_STD.matcher(t);
        if (m.matches()) {
            double std;
            try {
                std = Double.parseDouble(m.group(2));
            } catch (NumberFormatException e) {
                throw new UserError("initializer '" + t + "': '" + m.group(2) + "' is not a number");
            }
            return m.group(1).equals("trunc_normal") ? new TruncatedNormal(std) : new Normal(std);
        }
        throw new UserError("unknown initializer '" + t + "' (expected one of: " + Forms.VALID + ")");
    }

    private static void requirePositive(double std, String name) {
        if (!(std > 0) || Double.isInfinite(std)) {
            throw new UserError("initializer " + name + ": standard deviation must be a positive number, got " + std);
        }
    }

    private static int requireFans(int fanIn, int fanOut) {
        if (fanIn <= 0 || fanOut <= 0) {
            throw new IllegalArgumentException("Xavier initialization needs positive fans, got " + fanIn + ", " + fanOut);
        }
        return fanIn + fanOut;
    }

    /** Parsing constants; a nested class because interface fields cannot be private. */
    final class Forms {
        static final Pattern WITH_STD = Pattern.compile("(trunc_normal|normal)\\(\\s*([^)]*?)\\s*\\)");
        static final String VALID = "trunc_normal(STD), normal(STD), xavier_normal, xavier_trunc_normal, xavier_uniform, zeros, ones";

        private Forms() {
        }
    }
}
