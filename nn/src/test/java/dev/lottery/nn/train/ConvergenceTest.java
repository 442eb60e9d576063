package dev.lottery.nn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConvergenceTest {
    private static List<EvalPoint> series(double... testLoss) {
        List<EvalPoint> s = new ArrayList<>();
        for (int i = 0; i < testLoss.length; i++) s.add(new EvalPoint(i * 100L, testLoss[i], i / 100.0, Double.NaN, Double.NaN));
        return s;
    }

    @Test
    void earlyStopIsWhereTheMovingAverageStartsAThousandIterationPlateau() {
        // Loss falls by 0.1 per evaluation until index 20, then stays flat. The 10-point moving average keeps
        // moving (by >= 0.01) until its window is all flat (index 29), then is stable from index 30 on.
        double[] loss = new double[60];
        for (int i = 0; i < loss.length; i++) loss[i] = i < 20 ? 3 - 0.1 * i : 1.0;
        Convergence.Point p = Convergence.earlyStop(series(loss));
        // The last change of the moving average is between index 28 and 29; the stable run starts at 29,
        // and lasts 10 evaluations (1000 iterations) at index 39.
        assertEquals(2900, p.iteration());
        assertEquals(0.29, p.testAccuracy(), 1e-12);
    }

    @Test
    void noEarlyStopWhileTheLossKeepsFalling() {
        double[] loss = new double[40];
        for (int i = 0; i < loss.length; i++) loss[i] = 3 - 0.05 * i;
        assertNull(Convergence.earlyStop(series(loss)));
    }

    @Test
    void minimumLossUsesValidationWhenPresentElseTest() {
        List<EvalPoint> s = List.of(
                new EvalPoint(0, 1.0, 0.1, 2.0, 0.0),
                new EvalPoint(100, 0.5, 0.2, 0.4, 0.0),
                new EvalPoint(200, 0.3, 0.3, 0.6, 0.0));
        assertEquals(new Convergence.Point(100, 0.2), Convergence.minimumLoss(s));
        assertEquals(new Convergence.Point(200, 0.02), Convergence.minimumLoss(series(1.0, 0.5, 0.3, 0.4)), "series() sets accuracy = index / 100");
    }

    @Test
    void learningRateScheduleIsPiecewiseConstant() {
        LearningRateSchedule s = LearningRateSchedule.parse("0.1,20000:0.01,25000:0.001");
        assertEquals(0.1, s.at(0));
        assertEquals(0.1, s.at(19_999));
        assertEquals(0.01, s.at(20_000));
        assertEquals(0.001, s.at(29_999));
        assertEquals("0.1,20000:0.01,25000:0.001", s.canonical());
    }
}
