package dev.lottery.experiment;

import dev.lottery.nn.train.TrainingListener;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Runs units in this process, ready units together as populations of up to {@code size} (each member trains to the
 * bits it would reach alone, so grouping never changes a result). Units are taken in plan order: the first unit whose
 * dependencies are complete opens a population, later ready units of the same trial that resume from the same
 * iteration join it, and then, where the model allows members of different trials ({@link UnitRunner#mixesTrials()}),
 * ready units of other trials that resume from that iteration.
 *
 * <p>Given several runners (lanes, each on its own backend: on the CPU, each on its share of the cores), populations
 * train on all of them at once: an idle lane takes its share of the ready units (at most one lane's worth) and leaves
 * the rest to the others. When fewer units are ready than there are lanes and none is training, they train as one
 * population on every thread ({@link UnitRunners#whole()}) instead. A lenet-300-100 step is too small to split well
 * over two cores (each product is a few tens of microseconds of work, and every split costs a hand-over), so two
 * populations on one core each train more networks per second than one population on both. A unit's bits do not
 * depend on its lane, its thread count or its population. Listeners are called on the calling thread, except the
 * training progress of a population, which arrives on its lane's thread; only one population at a time receives it,
 * so that two progress bars never share a line.
 *
 * @param size the most units per population, or {@link PopulationSize#AUTO}: as many as fit in memory on one lane, one
 *             unit each on several
 */
public record LocalEngine(PopulationSize size) implements Engine {
    /** Populations as large as memory allows. */
    public LocalEngine() {
        this(PopulationSize.AUTO);
    }

    /** A population that has finished on {@code lane}: its outcomes, or what it threw. */
    private record Finished(UnitRunner lane, List<Unit> population, List<ExperimentListener.UnitOutcome> outcomes, boolean showedProgress,
                            Throwable failure) {}

    @Override
    public void run(List<Unit> units, ResultsStore store, UnitRunners runners, ExperimentListener listener) {
        List<UnitRunner> lanes = runners.lanes();
        UnitRunner whole = runners.whole();
        int done = (int) units.stream().filter(store::isDone).count();
        listener.onStart(whole.spec(), store.dir(), units.size(), done);
        List<Unit> pending = new ArrayList<>();
        for (Unit u : units) {
            if (store.isDone(u)) listener.onSkip(u);
            else pending.add(u);
        }
        // The lanes share the machine's memory; a population on every thread has it to itself.
        long fit = whole.membersThatFit();
        int laneLimit = size.bound(fit / lanes.size(), lanes.size()), wholeLimit = size.bound(fit, 1);
        Deque<UnitRunner> idle = new ArrayDeque<>(lanes);
        BlockingQueue<Finished> finished = new LinkedBlockingQueue<>();
        ExecutorService threads = lanes.size() == 1 ? null : Executors.newFixedThreadPool(lanes.size(), Thread.ofPlatform().name("lottery-lane-", 0).factory());
        int running = 0, inFlight = 0; // populations and units training now
        boolean progressShown = false;
        Throwable failure = null;
        try {
            while (true) {
                while (failure == null && !idle.isEmpty()) {
                    List<Unit> ready = ready(pending, store);
                    if (ready.isEmpty()) break;
                    // Too few ready units to fill the lanes and none training: they train on every thread, as one
                    // population, rather than on one lane while the others wait (nothing becomes ready meanwhile).
                    boolean alone = lanes.size() > 1 && running == 0 && ready.size() < lanes.size();
                    // Otherwise a lane takes its share of the ready units and leaves the rest to the others, so that one
                    // does not train them all while another waits for the next units to become ready.
                    int share = alone ? wholeLimit : Math.min(laneLimit, (ready.size() + lanes.size() - 1) / lanes.size());
                    List<Unit> population = nextPopulation(ready, whole, share);
                    pending.removeAll(population);
                    UnitRunner lane = alone ? whole : idle.pop();
                    TrainingListener announced = listener.onPopulationStart(population, done + inFlight, units.size());
                    inFlight += population.size();
                    boolean shows = !progressShown;
                    progressShown |= shows;
                    TrainingListener progress = shows ? announced : TrainingListener.NONE;
                    running++;
                    Runnable train = () -> {
                        try {
                            finished.add(new Finished(lane, population, lane.run(population, progress), shows, null));
                        } catch (Throwable t) {
                            finished.add(new Finished(lane, population, null, shows, t));
                        }
                    };
                    if (threads != null && !alone) {
                        threads.execute(train);
                    } else {
                        // Nothing else trains: the population trains on the calling thread (what it throws is thrown
                        // below).
                        train.run();
                        break;
                    }
                }
                if (running == 0) break;
                Finished f = take(finished);
                running--;
                inFlight -= f.population().size();
                if (lanes.contains(f.lane())) idle.push(f.lane());
                if (f.showedProgress()) progressShown = false;
                if (f.failure() != null) {
                    // The other lanes finish their populations (their results are kept); then the first failure is
                    // thrown.
                    if (failure == null) failure = f.failure();
                    else failure.addSuppressed(f.failure());
                    continue;
                }
                for (int i = 0; i < f.population().size(); i++) listener.onUnitDone(f.population().get(i), f.outcomes().get(i));
                done += f.population().size();
            }
        } finally {
            if (threads != null) threads.shutdownNow();
        }
        if (failure instanceof RuntimeException e) throw e;
        if (failure instanceof Error e) throw e;
        if (failure != null) throw new IllegalStateException(failure);
        if (!pending.isEmpty()) {
            throw new IllegalStateException("no unit of " + pending.getFirst().label() + "... is ready: the plan puts a unit before its dependency");
        }
    }

    private static Finished take(BlockingQueue<Finished> finished) {
        try {
            return finished.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while units were training", e);
        }
    }

    /** The pending units whose dependencies are complete, in plan order. */
    static List<Unit> ready(List<Unit> pending, ResultsStore store) {
        return pending.stream().filter(u -> u.dependencies().stream().allMatch(store::isDone)).toList();
    }

    /**
     * The first of the {@code ready} units, with up to {@code limit - 1} more of its resume point: those of its trial
     * first, then, when the runner mixes trials, those of other trials.
     */
    static List<Unit> nextPopulation(List<Unit> ready, UnitRunner runner, int limit) {
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
            if (population.size() >= limit) return;
            if (!population.contains(u) && runner.resumePoint(u) == resumesAt) population.add(u);
        }
    }
}
