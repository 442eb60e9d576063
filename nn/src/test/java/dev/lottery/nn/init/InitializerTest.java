package dev.lottery.nn.init;

import dev.lottery.nn.UserError;
import dev.lottery.nn.rng.KeyedRandom;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InitializerTest {
    private static final int N = 1_000_000;
    private final KeyedRandom rng = new KeyedRandom(7, "layer.weight", "init");

    /** {mean, variance} of the samples, accumulated in double. */
    private static double[] moments(float[] x) {
        double mean = 0;
        for (float v : x) mean += v;
        mean /= x.length;
        double var = 0;
        for (float v : x) var += (v - mean) * (v - mean);
        return new double[]{mean, var / x.length};
    }

    @Test
    void truncatedNormalStaysWithinTwoSigmaWithTheTruncatedVariance() {
        float[] w = new float[N];
        new Initializer.TruncatedNormal(0.1).fill(w, 300, 100, rng);
        for (float v : w) assertTrue(Math.abs(v) <= 0.2f, () -> "sample " + v + " beyond 2 sigma");
        double[] m = moments(w);
        assertEquals(0, m[0], 0.0005);
        // Var of N(0, s^2) truncated to +-2s is 0.7737 s^2 (= TRUNCATED_STD_FACTOR^2).
        assertEquals(0.01 * 0.77374, m[1], 0.01 * 0.77374 * 0.01);
        assertEquals(0.77374, Initializer.TRUNCATED_STD_FACTOR * Initializer.TRUNCATED_STD_FACTOR, 1e-5);
        // The tails are really resampled, not clamped: no pile-up at the boundary.
        long atEdge = 0;
        for (float v : w) if (Math.abs(v) > 0.199f) atEdge++;
        assertTrue(atEdge < N * 0.002, "pile-up at the truncation edge: " + atEdge);
    }

    @Test
    void normalHasItsVariance() {
        float[] w = new float[N];
        new Initializer.Normal(0.5).fill(w, 1, 1, rng);
        double[] m = moments(w);
        assertEquals(0, m[0], 0.002);
        assertEquals(0.25, m[1], 0.25 * 0.01);
        assertTrue(maxAbs(w) > 1.0, "an untruncated normal exceeds 2 sigma somewhere in 1e6 samples");
    }

    @Test
    void xavierNormalVarianceIsTwoOverFanSumTruncatedOrNot() {
        int fanIn = 784, fanOut = 300;
        double target = 2.0 / (fanIn + fanOut);
        for (boolean truncated : new boolean[]{false, true}) {
            float[] w = new float[N];
            new Initializer.XavierNormal(truncated).fill(w, fanIn, fanOut, rng);
            double[] m = moments(w);
            assertEquals(0, m[0], Math.sqrt(target) * 0.005);
            assertEquals(target, m[1], target * 0.01, "truncated=" + truncated);
            if (truncated) {
                double bound = 2 * Math.sqrt(target) / Initializer.TRUNCATED_STD_FACTOR;
                assertTrue(maxAbs(w) <= bound * (1 + 1e-6));
            }
        }
    }

    @Test
    void xavierUniformHasItsLimitAndVariance() {
        int fanIn = 100, fanOut = 10;
        double limit = Math.sqrt(6.0 / (fanIn + fanOut));
        float[] w = new float[N];
        new Initializer.XavierUniform().fill(w, fanIn, fanOut, rng);
        assertTrue(maxAbs(w) <= (float) limit);
        assertTrue(maxAbs(w) > limit * 0.999, "the range is used up to the limit");
        assertEquals(2.0 / (fanIn + fanOut), moments(w)[1], 2.0 / (fanIn + fanOut) * 0.01);
    }

    @Test
    void zerosAreZero() {
        float[] w = {1, 2, 3};
        new Initializer.Zeros().fill(w, 3, 1, rng);
        assertArrayEquals(new float[3], w);
    }

    @Test
    void fillIsKeyedAndReproducible() {
        float[] a = new float[100], b = new float[100];
        new Initializer.TruncatedNormal(0.1).fill(a, 1, 1, new KeyedRandom(1, "w", "init"));
        new Initializer.TruncatedNormal(0.1).fill(b, 1, 1, new KeyedRandom(1, "w", "init"));
        assertArrayEquals(a, b);
        new Initializer.TruncatedNormal(0.1).fill(b, 1, 1, new KeyedRandom(1, "w", "reinit"));
        assertFalse(java.util.Arrays.equals(a, b));
    }

    @Test
    void canonicalFormsRoundTrip() {
        List<Initializer> all = List.of(new Initializer.TruncatedNormal(0.1), new Initializer.Normal(0.05),
                new Initializer.XavierNormal(false), new Initializer.XavierNormal(true),
                new Initializer.XavierUniform(), new Initializer.Zeros());
        for (Initializer i : all) assertEquals(i, Initializer.parse(i.canonical()));
        assertEquals("trunc_normal(0.1)", new Initializer.TruncatedNormal(0.1).canonical());
        assertEquals("xavier_normal", new Initializer.XavierNormal(false).canonical());
        assertEquals("zeros", new Initializer.Zeros().canonical());
        assertEquals(new Initializer.Normal(0.2), Initializer.parse(" normal( 0.2 ) "));
    }

    @Test
    void badTextIsAOneLineUserError() {
        for (String bad : new String[]{"he_normal", "", "trunc_normal(x)", "normal(-1)", "normal(0)", "zeros(1)"}) {
            UserError e = assertThrows(UserError.class, () -> Initializer.parse(bad), bad);
            assertFalse(e.getMessage().contains("\n"));
        }
        assertTrue(assertThrows(UserError.class, () -> Initializer.parse("he_normal")).getMessage().contains("xavier_normal"));
    }

    private static float maxAbs(float[] w) {
        float m = 0;
        for (float v : w) m = Math.max(m, Math.abs(v));
        return m;
    }
}
