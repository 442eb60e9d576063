package dev.lottery.experiment;

import dev.lottery.nn.UserError;

/**
 * How many populations {@link LocalEngine} trains at the same time on the CPU, each on a backend of its own with its
 * share of the CPU threads: a fixed number of lanes, or {@code auto}, one lane per thread. On a GPU the units share
 * one device and run one population at a time. An execution choice like the population size: a unit's results are
 * the same bits on any lane and any thread count, so it is not part of the experiment's settings or hash.
 *
 * <p>Why one lane per thread by default: a lenet-300-100 step is a few hundred microseconds of products too thin to
 * split well, so two units on one core each train 1.3x (dense) to 2.7x (1.85 % of the weights kept) as many
 * iterations per second on a 2-core machine as one unit on both cores.
 *
 * @param limit the most lanes; 0 for {@code auto}
 */
public record Concurrency(int limit) {
    /** One lane per CPU thread. */
    public static final Concurrency AUTO = new Concurrency(0);
    /** One population at a time, on all the threads. */
    public static final Concurrency ONE = new Concurrency(1);

    /** Checks that the limit is not negative. */
    public Concurrency {
        if (limit < 0) throw new UserError("concurrency must be a positive number of lanes or auto, got " + limit);
    }

    /**
     * Reads a concurrency from the command line.
     *
     * @param text {@code auto} (any case) or a positive number of lanes; anything else is a one-line {@code UserError}
     * @return {@link #AUTO} or a concurrency with that limit
     */
    public static Concurrency parse(String text) {
        return new Concurrency(AutoOrCount.parse(text, "--concurrency", "populations"));
    }

    /**
     * The lanes to open on the CPU.
     *
     * @param cpuThreads the CPU threads the run may use
     * @return {@code cpuThreads} for {@code auto}, else the limit, at most {@code cpuThreads} (every lane has a thread)
     */
    public int lanes(int cpuThreads) {
        return limit == 0 ? cpuThreads : Math.min(limit, cpuThreads);
    }

    @Override
    public String toString() {
        return limit == 0 ? "auto" : Integer.toString(limit);
    }
}
