package dev.lottery.experiment;

import java.util.List;

/**
 * What trains an experiment's units in this process: one runner per lane, each on a backend of its own (populations
 * train on the lanes side by side), and one on every thread for a population that would otherwise train alone on one
 * lane while the others wait (the first dense unit of a one-trial experiment, the head of a ticket chain).
 *
 * @param lanes at least one runner; several only on the CPU, each with its share of the threads
 * @param whole the runner on all the threads; with one lane, that lane's runner
 */
public record UnitRunners(List<UnitRunner> lanes, UnitRunner whole) {
    /** Checks that there is a lane, and copies the list. */
    public UnitRunners {
        if (lanes.isEmpty()) throw new IllegalArgumentException("no runner");
        lanes = List.copyOf(lanes);
    }

    /**
     * One lane.
     *
     * @param runner the only runner
     * @return runners whose one lane and whole are {@code runner}
     */
    public static UnitRunners of(UnitRunner runner) {
        return new UnitRunners(List.of(runner), runner);
    }
}
