package dev.lottery.nn.rng;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeterministicMathTest {
    /** Distance in units in the last place between two finite doubles of the same sign. */
    private static long ulps(double a, double b) {
        if (a == b) return 0;
        return Math.abs(Double.doubleToRawLongBits(a) - Double.doubleToRawLongBits(b));
    }

    private static void assertWithin2Ulp(double x) {
        double expected = Math.log(x), actual = DeterministicMath.log(x);
        assertTrue(Math.signum(expected) == Math.signum(actual) && ulps(expected, actual) <= 2,
                () -> "log(" + x + ") = " + actual + ", Math.log gives " + expected);
    }

    @Test
    void withinTwoUlpOnTheUnitIntervalWhereThePolarMethodUsesIt() {
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 1_000_000; i++) assertWithin2Ulp(r.nextDouble());
    }

    @Test
    void withinTwoUlpAcrossExponentsAndNearOne() {
        SplittableRandom r = new SplittableRandom(2);
        for (int i = 0; i < 200_000; i++) {
            assertWithin2Ulp(Math.scalb(1.0 + r.nextDouble(), r.nextInt(-1070, 1020)));
            assertWithin2Ulp(1.0 + (r.nextDouble() - 0.5) * 1e-6);
        }
        for (double x : new double[]{Double.MIN_VALUE, Double.MIN_NORMAL, Double.MAX_VALUE, Math.sqrt(2),
                Math.nextUp(Math.sqrt(2)), 0.5, 2, Math.E, 0.1, 1e-300, Math.nextDown(1.0), Math.nextUp(1.0)}) {
            assertWithin2Ulp(x);
        }
    }

    @Test
    void exactAndSpecialValues() {
        assertEquals(0.0, DeterministicMath.log(1.0));
        assertEquals(Double.NEGATIVE_INFINITY, DeterministicMath.log(0.0));
        assertEquals(Double.POSITIVE_INFINITY, DeterministicMath.log(Double.POSITIVE_INFINITY));
        assertTrue(Double.isNaN(DeterministicMath.log(-1.0)));
        assertTrue(Double.isNaN(DeterministicMath.log(Double.NaN)));
    }
}
