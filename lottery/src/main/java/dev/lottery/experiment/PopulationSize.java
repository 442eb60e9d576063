package dev.lottery.experiment;

import dev.lottery.nn.UserError;

/**
 * How many ready units an engine trains at once as one population: a fixed upper bound, or {@code auto}: bounded
 * only by the backend's memory, or one unit each when populations train side by side on CPU lanes. An execution
 * choice like the device: each unit's results are the same bits whatever the population it trained in, so the size is
 * not part of the experiment's settings or hash.
 *
 * @param limit the most units per population; 0 for {@code auto}
 */
public record PopulationSize(int limit) {
    /** As many as fit in memory. */
    public static final PopulationSize AUTO = new PopulationSize(0);
    /** Largest population {@code auto} forms: beyond it a step's work no longer grows cheaper per network. */
    public static final int AUTO_CAP = 64;

    /** Checks that the limit is not negative. */
    public PopulationSize {
        if (limit < 0) throw new UserError("population size must be positive or auto, got " + limit);
    }

    /**
     * Reads a population size from the command line.
     *
     * @param text {@code auto} (any case) or a positive number of units; anything else is a one-line {@code UserError}
     * @return {@link #AUTO} or a size with that limit
     */
    public static PopulationSize parse(String text) {
        return new PopulationSize(AutoOrCount.parse(text, "--population", "units"));
    }

    /**
     * The members a population may have.
     *
     * @param memoryBound how many members fit in the memory of one lane's population
     * @param lanes       how many populations train side by side (CPU lanes; 1 on a GPU)
     * @return the fixed limit; for {@code auto}, one unit per population when several lanes train side by side (on the
     *         CPU, units alone on their lanes trained 8-13 % faster than populations of them, end to end on lenet-fig3
     *         units), else {@code memoryBound} clamped to [1, {@link #AUTO_CAP}]
     */
    public int bound(long memoryBound, int lanes) {
        if (limit != 0) return limit;
        return lanes > 1 ? 1 : (int) Math.clamp(memoryBound, 1, AUTO_CAP);
    }

    @Override
    public String toString() {
        return limit == 0 ? "auto" : Integer.toString(limit);
    }
}
