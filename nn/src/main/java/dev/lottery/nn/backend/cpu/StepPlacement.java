package dev.lottery.nn.backend.cpu;

import java.util.Arrays;

/**
 * Where the CPU backend runs one training run's steps: shared out on its crew, or on the calling thread alone
 * ({@link GemmWorkers#alone}). A dense network's products split well over the cores. A deep-pruned one's step is a few
 * hundred microseconds of small products whose inputs and outputs would move between the cores' caches at every
 * hand-over: on a 2-core AMD EPYC, lenet-300-100's steps with 4.4 % of its weights kept ran about twice as fast on
 * one thread as on two and at 10.7 % about 1.2x, while the dense network's ran 1.1-1.2x faster on two. Which is faster
 * depends on the network, its masks and the machine, so after {@link #WARM_UP} steps the next {@code 2 * SAMPLES}
 * take turns, and the rest run where the median step was shorter, on the crew unless alone is clearly faster
 * ({@link #MARGIN}). The masks do not change during a run, so neither does the answer. Evaluations are not steps: they
 * always use the crew. Threads never change a bit of the results, so neither does the choice.
 */
final class StepPlacement {
    /** Steps run on the crew before measuring: the first ones compile the kernels. */
    static final int WARM_UP = 200;
    /** Steps timed in each place, taking turns. */
    static final int SAMPLES = 32;
    /** Alone is chosen only when its median step is this fraction of the crew's or less. */
    static final double MARGIN = 0.95;

    private final GemmWorkers workers;
    private final int warmUp;
    private final long[] crewNanos, aloneNanos;
    private int steps;
    /** Null while measuring, then whether the steps run alone. */
    private Boolean alone;

    StepPlacement(GemmWorkers workers) {
        this(workers, WARM_UP, SAMPLES);
    }

    /** A placement that measures after {@code warmUp} steps, {@code samples} in each place (tests use few). */
    StepPlacement(GemmWorkers workers, int warmUp, int samples) {
        this.workers = workers;
        this.warmUp = warmUp;
        this.crewNanos = new long[samples];
        this.aloneNanos = new long[samples];
    }

    /** Runs one step's Java code, in the place chosen (or being measured) for it. */
    void run(Runnable step) {
        if (alone != null) {
            if (alone) workers.alone(step);
            else step.run();
            return;
        }
        int n = steps++ - warmUp;
        if (n < 0) {
            step.run();
            return;
        }
        boolean tryAlone = (n & 1) == 1;
        long start = System.nanoTime();
        if (tryAlone) workers.alone(step);
        else step.run();
        (tryAlone ? aloneNanos : crewNanos)[n / 2] = System.nanoTime() - start;
        if (n == 2 * crewNanos.length - 1) alone = median(aloneNanos) <= MARGIN * median(crewNanos);
    }

    /** Whether the steps run on the calling thread alone; null while still measuring. */
    Boolean alone() {
        return alone;
    }

    private static long median(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
