package dev.lottery.nn.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Where {@link StepPlacement} runs steps: on the crew while warming up, taking turns while measuring, then all in the
 * place whose steps were shorter. The steps here take 3 ms in one place and next to nothing in the other, so the choice
 * does not hang on the machine's timing noise.
 */
class StepPlacementTest {
    private static final int WARM_UP = 3, SAMPLES = 4;

    /** Runs {@code steps} steps that each record the threads they saw and take 3 ms where {@code slowThreads} are seen. */
    private static List<Integer> run(StepPlacement placement, GemmWorkers workers, int steps, int slowThreads) {
        List<Integer> seen = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            placement.run(() -> {
                seen.add(workers.threads());
                if (workers.threads() == slowThreads) LockSupport.parkNanos(3_000_000);
            });
        }
        return seen;
    }

    @Test
    void stepsSlowerOnTheCrewGoAloneOnceMeasured() {
        try (GemmWorkers workers = new GemmWorkers(2)) {
            StepPlacement placement = new StepPlacement(workers, WARM_UP, SAMPLES);
            List<Integer> seen = run(placement, workers, WARM_UP + 2 * SAMPLES - 1, 2);
            assertEquals(List.of(2, 2, 2, 2, 1, 2, 1, 2, 1, 2), seen, "warm-up on the crew, then turns");
            assertNull(placement.alone(), "still measuring");
            run(placement, workers, 1, 2);
            assertEquals(Boolean.TRUE, placement.alone());
            assertEquals(List.of(1, 1, 1, 1, 1), run(placement, workers, 5, 2), "every step alone");
            assertEquals(2, workers.threads(), "the crew outside the steps");
        }
    }

    @Test
    void stepsSlowerAloneStayOnTheCrew() {
        try (GemmWorkers workers = new GemmWorkers(2)) {
            StepPlacement placement = new StepPlacement(workers, WARM_UP, SAMPLES);
            run(placement, workers, WARM_UP + 2 * SAMPLES, 1);
            assertEquals(Boolean.FALSE, placement.alone());
            assertEquals(List.of(2, 2, 2, 2, 2), run(placement, workers, 5, 1), "every step on the crew");
        }
    }
}
