package dev.lottery.experiment;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs units in this process, ready units of one trial together as populations of up to {@code size} (each member
 * trains to the bits it would reach alone, so grouping never changes a result). Units are taken in plan order: the
 * first unit whose dependencies are complete opens a population, and later ready units of the same trial that
 * resume from the same iteration join it.
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

    /** The first ready unit in plan order, with up to {@code limit - 1} more ready units of its trial and resume point. */
    static List<Unit> nextPopulation(List<Unit> pending, ResultsStore store, UnitRunner runner, int limit) {
        List<Unit> population = new ArrayList<>();
        long resumesAt = -1;
        for (Unit u : pending) {
            if (population.size() == limit) break;
            if (!u.dependencies().stream().allMatch(store::isDone)) continue;
            if (population.isEmpty()) {
                resumesAt = runner.resumePoint(u);
                population.add(u);
            } else if (u.trial() == population.getFirst().trial() && runner.resumePoint(u) == resumesAt) {
                population.add(u);
            }
        }
        if (population.isEmpty()) {
            throw new IllegalStateException("no unit of " + pending.getFirst().label() + "... is ready: the plan puts a unit before its dependency");
        }
        return population;
    }
}
