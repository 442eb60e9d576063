package dev.lottery.nn.backend.cuda;

import dev.lottery.nn.init.Initializer;

/**
 * What a device kernel must draw to reproduce {@link Initializer#fill}: the same distribution with the same float
 * parameters, computed here exactly as each initializer computes them (in double, rounded to float once), so
 * the kernel's element {@code i} equals the host's bit for bit. A test checks this mapping against
 * {@code Initializer.fill} through {@code KeyedRandomKernelReference} (in the tests).
 */
sealed interface DeviceDraw {
    /** {@code (float) (lo + (hi - lo) * U(i))}. */
    record Uniform(float lo, float hi) implements DeviceDraw {}

    /** {@code (float) (mean + std * Z(i))}, Z standard normal, redrawn beyond |Z| > 2 when {@code truncated}. */
    record Normal(float mean, float std, boolean truncated) implements DeviceDraw {}

    /** All zeros, nothing drawn. */
    record Zeros() implements DeviceDraw {}

    /**
     * An initializer without a device kernel (a constant other than zero, or one added later): drawn on the
     * host by {@link Initializer#fill} and copied in. Still bit-identical, only not drawn on the device.
     */
    record OnHost() implements DeviceDraw {}

    static DeviceDraw of(Initializer init, int fanIn, int fanOut) {
        return switch (init) {
            case Initializer.TruncatedNormal t -> new Normal(0f, (float) t.std(), true);
            case Initializer.Normal n -> new Normal(0f, (float) n.std(), false);
            case Initializer.XavierNormal x -> {
                double std = Math.sqrt(2.0 / fans(fanIn, fanOut));
                yield x.truncated() ? new Normal(0f, (float) (std / Initializer.TRUNCATED_STD_FACTOR), true)
                        : new Normal(0f, (float) std, false);
            }
            case Initializer.XavierUniform u -> {
                float limit = (float) Math.sqrt(6.0 / fans(fanIn, fanOut));
                yield new Uniform(-limit, limit);
            }
            case Initializer.Zeros z -> new Zeros();
            case Initializer.Ones o -> new Uniform(1f, 1f); // (float) (1 + 0 * U) == 1 exactly
            default -> new OnHost();
        };
    }

    private static int fans(int fanIn, int fanOut) {
        if (fanIn <= 0 || fanOut <= 0) {
            throw new IllegalArgumentException("Xavier initialization needs positive fans, got " + fanIn + ", " + fanOut);
        }
        return fanIn + fanOut;
    }
}
