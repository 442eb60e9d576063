package dev.lottery.experiment;

import dev.lottery.nn.UserError;

/**
 * How many ready units an engine trains at once as one population: a fixed upper bound, or {@code auto}, bounded
 * only by the backend's memory. An execution choice like the device: each unit's results are the same bits whatever
 * the population it trained in, so the size is not part of the experiment's settings or hash.
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
        if (text.equalsIgnoreCase("auto")) return AUTO;
        try {
            int n = Integer.parseInt(text.strip());
            if (n > 0) return new PopulationSize(n);
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UserError("--population must be a positive number of units or auto, got '" + text + "'");
    }

    /**
     * The members a population may have.
     *
     * @param memoryBound how many members fit in the backend's memory
     * @return the fixed limit; for {@code auto}, {@code memoryBound} clamped to [1, {@link #AUTO_CAP}]
     */
    public int bound(long memoryBound) {
        int fits = (int) Math.clamp(memoryBound, 1, AUTO_CAP);
        return limit == 0 ? fits : limit;
    }

    @Override
    public String toString() {
        return limit == 0 ? "auto" : Integer.toString(limit);
    }
}
