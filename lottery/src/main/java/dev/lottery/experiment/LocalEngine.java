package dev.lottery.experiment;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs units in this process, ready units together as populations of up to {@code size} (each member trains to the
 * bits it would reach alone, so grouping never changes a result). Units are taken in plan order: the first unit whose
 * dependencies are complete opens a population, later ready units of the same trial that resume from the same
 * iteration join it, and then, where the model allows members of different trials ({@link UnitRunner#mixesTrials()}),
 * ready units of other trials that resume from that iteration.
 *
 * @param size the most units per population, or {@link PopulationSize#AUTO} for as many as fit in memory
 */
public record LocalEngine(PopulationSize size) implements Engine {
    /** Populations as large as memory allows. */
    public LocalEngine() {
        this(PopulationSize.AUTO);
    }

    @Override
    public void run(List<Unit> units, ResultsStore store, UnitRunner runner, ExperimentListener listener) {
        int done = (int) units.stream().filter(store::isDone).count();
        listener.onStart(runner.spec(), store.dir(), units.size(), done);
        List<Unit> pending = new ArrayList<>();
        for (Unit u : units) {
            if (store.isDone(u)) listener.onSkip(u);
            else pending.add(u);
        }
        int limit = size.bound(runner.membersThatFit());
        while (!pending.isEmpty()) {
            List<Unit> population = nextPopulation(pending, store, runner, limit);
            pending.removeAll(population);
            List<ExperimentListener.UnitOutcome> outcomes = runner.run(population, listener.onPopulationStart(population, done, units.size()));
            for (int i = 0; i < population.size(); i++) listener.onUnitDone(population.get(i), outcomes.get(i));
            done += population.size();
        }
    }

    /**
     * The first ready unit in plan order, with up to {@code limit - 1} more ready units of its resume point: those of
     * its trial first, then, when the runner mixes trials, those of other trials.
     */
    static List<Unit> nextPopulation(List<Unit> pending, ResultsStore store, UnitRunner runner, int limit) {
        List<Unit> ready = pending.stream().filter(u -> u.dependencies().stream().allMatch(store::isDone)).toList();
        if (ready.isEmpty()) {
            throw new IllegalStateException("no unit of " + pending.getFirst().label() + "... is ready: the plan puts a unit before its dependency");
        }
        Unit first = ready.getFirst();
        long resumesAt = runner.resumePoint(first);
        List<Unit> population = new ArrayList<>(List.of(first));
        join(population, ready.stream().filter(u -> u.trial() == first.trial()).toList(), runner, resumesAt, limit);
        if (runner.mixesTrials()) join(population, ready.stream().filter(u -> u.trial() != first.trial()).toList(), runner, resumesAt, limit);
        return population;
    }

    /** Adds {@code candidates} that resume at {@code resumesAt} to {@code population}, in order, up to {@code limit}. */
    private static void join(List<Unit> population, List<Unit> candidates, UnitRunner runner, long resumesAt, int limit) {
        for (Unit u : candidates) {
            if (population.size() == limit) return;
            if (!population.contains(u) && runner.resumePoint(u) == resumesAt) population.add(u);
        }
    }
}
