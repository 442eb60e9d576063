package dev.lottery.experiment;

import com.google.gson.JsonObject;
import dev.lottery.experiment.control.Control;
import dev.lottery.experiment.control.UnitStart;
import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.model.Network;
import dev.lottery.nn.model.Population;
import dev.lottery.nn.train.Checkpointer;
import dev.lottery.nn.train.EvalPoint;
import dev.lottery.nn.train.ResidentData;
import dev.lottery.nn.train.Trainer;
import dev.lottery.nn.train.TrainingListener;
import dev.lottery.nn.train.TrainingResult;
import dev.lottery.prune.MaskFiles;
import dev.lottery.prune.NetworkState;
import dev.lottery.prune.SurvivorCount;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs {@link Unit}s, alone or several together as a population: builds each unit's starting network
 * from the files of the units it depends on, trains them, and writes each unit's results (masks, final weights,
 * metrics) with its {@code DONE} marker last. Everything it reads comes
 * from the results store, so a unit gives the same bytes whether its dependencies ran a second ago in this
 * process or yesterday in another one.
 *
 * <p>The dense unit (level 0) starts from θ0 as drawn, written once per trial (and, when resetting late, captures the
 * rewind point while it trains); a pruned unit starts as its {@link Control} says.
 */
public final class UnitRunner {
    private final ExperimentSpec spec;
    private final ResultsStore store;
    private final Backend backend;
    private final ResidentData data;
    /** Training checkpoint interval in iterations; 0 = none (see {@link #checkpointingEvery(long)}). */
    private long checkpointEvery;

    /**
     * Runs {@code spec}'s units on {@code backend} over {@code data}, storing results in {@code store}.
     *
     * @param spec    the experiment; its trial seeds draw θ0 and the data order
     * @param store   the experiment's results directory, read for dependencies and written for results
     * @param backend where the units train; owned by the caller, who closes it after the last run
     * @param data    the spec's data, resident on {@code backend}; owned by the caller
     */
    public UnitRunner(ExperimentSpec spec, ResultsStore store, Backend backend, ResidentData data) {
        this.spec = spec;
        this.store = store;
        this.backend = backend;
        this.data = data;
    }

    /** File name of a unit's training checkpoint inside its directory (removed once the unit is complete). */
    public static final String CHECKPOINT = "train.ckpt";

    /**
     * Saves a training checkpoint in the unit's directory every {@code iterations} iterations, and resumes a
     * partial unit from it: a killed or preempted job loses at most that many iterations, and the result is
     * bitwise the same as an uninterrupted run's (cluster engines use this; 0 turns it off).
     *
     * @param iterations the checkpoint interval, at least 0; 0 (the default) for none
     * @return this runner
     */
    public UnitRunner checkpointingEvery(long iterations) {
        if (iterations < 0) throw new IllegalArgumentException("checkpoint interval must be non-negative, got " + iterations);
        this.checkpointEvery = iterations;
        return this;
    }

    /**
     * The experiment whose units this runs.
     *
     * @return the spec given to the constructor
     */
    public ExperimentSpec spec() {
        return spec;
    }

    /**
     * Runs one unit alone (a population of one).
     *
     * @param unit     a unit whose dependencies are complete
     * @param progress follows the unit's training, on the calling thread
     * @return the unit's headline numbers, once its results and marker are written
     */
    public ExperimentListener.UnitOutcome run(Unit unit, TrainingListener progress) {
        return run(List.of(unit), progress).getFirst();
    }

    /**
     * Whether units of different trials may train in one population: their mini-batches differ (each trial's seed
     * keys its batch order), which {@link Trainer#acceptsSeedsPerMember} allows for models without dropout trained
     * without augmentation.
     *
     * @return true when {@link #run(List, TrainingListener)} accepts units of several trials
     */
    public boolean mixesTrials() {
        return Trainer.acceptsSeedsPerMember(spec.model(), spec.training());
    }

    /**
     * Runs units together as one population: each member starts as its unit says, all train in lockstep, each on its
     * trial's mini-batches (one batch for all when they share a trial), and each unit's results are written as if it
     * had trained alone (they are the same bits). {@code progress} follows the population's iterations and its first
     * unit's evaluations.
     *
     * @param units    at least one unit, each with its dependencies complete; all of one trial unless {@link #mixesTrials()}
     * @param progress called on the calling thread
     * @return each unit's headline numbers, in the order of {@code units}, once all their results are written
     * @throws IllegalArgumentException if the units belong to several trials and {@link #mixesTrials()} is false
     */
    public List<ExperimentListener.UnitOutcome> run(List<Unit> units, TrainingListener progress) {
        int trial = units.getFirst().trial();
        if (!mixesTrials() && units.stream().anyMatch(u -> u.trial() != trial)) {
            throw new IllegalArgumentException("a population of " + spec.model().name() + " holds units of one trial: " + units);
        }
        // Here, not when the runner is made: an engine that hands the units to other machines trains none itself.
        store.requireKernels(backend.kernelGeneration());
        long seed = spec.trialSeed(trial);
        List<Long> seeds = units.stream().map(u -> spec.trialSeed(u.trial())).toList();
        List<RewindCapture> rewinds = new ArrayList<>(); // per member, null for most
        try (Population population = Population.create(spec.model(), backend, units.size(), seed)) {
            List<List<SurvivorCount>> survivors = new ArrayList<>();
            List<TrainingListener> listeners = new ArrayList<>();
            List<Checkpointer> checkpointers = new ArrayList<>();
            for (int m = 0; m < units.size(); m++) {
                Unit unit = units.get(m);
                Network net = population.member(m);
                createDirectory(store.unitDir(unit)); // marks the unit as started (status shows it as partial until DONE exists)
                RewindCapture rewind = start(unit, net);
                survivors.add(SurvivorCount.of(net));
                SurvivorCount.requireMaskedWeightsZero(net, unit.label() + " before training");
                rewinds.add(rewind);
                TrainingListener own = m == 0 ? progress : TrainingListener.NONE;
                listeners.add(rewind == null ? own : both(own, rewind));
                // Not for a dense unit that captures the rewind point: a resume past that iteration would miss it.
                checkpointers.add(checkpointEvery > 0 && rewind == null ? new Checkpointer(checkpointFile(unit), checkpointEvery) : null);
            }
            List<TrainingResult> results = Trainer.train(population, data, spec.training(), seeds, listeners, checkpointers);
            List<ExperimentListener.UnitOutcome> outcomes = new ArrayList<>();
            for (int m = 0; m < units.size(); m++) {
                // The rewind point is part of the dense unit's results: written before its marker.
                if (rewinds.get(m) != null) rewinds.get(m).write();
                outcomes.add(finish(units.get(m), population.member(m), survivors.get(m), results.get(m), units.size(), checkpointers.get(m)));
            }
            return outcomes;
        } finally {
            for (RewindCapture r : rewinds) {
                if (r != null) r.close();
            }
        }
    }

    /** Writes a trained unit's masks, weights, metrics and timing, then its marker. */
    private ExperimentListener.UnitOutcome finish(Unit unit, Network net, List<SurvivorCount> survivors, TrainingResult result, int members,
                                                  Checkpointer checkpointer) {
        Path out = store.unitDir(unit);
        SurvivorCount.requireMaskedWeightsZero(net, unit.label() + " after training");
        MaskFiles.write(net, out);
        try (NetworkState trained = NetworkState.capture(net)) {
            trained.write(out);
        }
        ResultsStore.writeJson(out.resolve(ResultsStore.METRICS), UnitMetrics.toJson(unit, survivors, result));
        JsonObject timing = new JsonObject();
        timing.addProperty("seconds", result.seconds());
        timing.addProperty("population", members);
        timing.addProperty("backend", backend.description());
        ResultsStore.writeJson(out.resolve(ResultsStore.TIMING), timing);
        store.markDone(unit);
        if (checkpointer != null) checkpointer.delete();
        return new ExperimentListener.UnitOutcome(SurvivorCount.overall(survivors), result.finalTestAccuracy(),
                result.bestTestAccuracy(), result.seconds() / members);
    }

    /**
     * The iteration a unit's training resumes from: its checkpoint's, or 0 (engines group units that agree).
     *
     * @param unit a unit of this experiment
     * @return the checkpoint's iteration; 0 without a checkpoint or when checkpointing is off
     */
    public long resumePoint(Unit unit) {
        if (checkpointEvery == 0) return 0;
        return new Checkpointer(checkpointFile(unit), checkpointEvery).iteration().orElse(0L);
    }

    /**
     * How many members of this experiment's model fit in the backend's free memory.
     *
     * @return at least 1; counts half the free memory, so other allocations keep room
     */
    public long membersThatFit() {
        int evalBatch = Trainer.evaluationBatch(spec.model(), data.test().count());
        if (data.validation() != null) evalBatch = Math.max(evalBatch, Trainer.evaluationBatch(spec.model(), data.validation().count()));
        long each = Population.bytesPerMember(spec.model(), spec.training().batchSize(), evalBatch);
        return Math.max(1, backend.availableMemory() / 2 / each);
    }

    private Path checkpointFile(Unit unit) {
        return store.unitDir(unit).resolve(CHECKPOINT);
    }

    private static void createDirectory(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    /**
     * Sets what {@code unit} starts from in {@code net}: for the dense unit θ0 as drawn (written once per trial),
     * returning the capture of the rewind point when resetting late (else null); for a pruned unit, what its control
     * sets.
     */
    private RewindCapture start(Unit unit, Network net) {
        switch (unit) {
            case Unit.Dense d -> {
                // θ0 of the unit's own trial (a population drew its members from its first unit's seed).
                net.initialize(spec.trialSeed(d.trial()), "init");
                try (NetworkState theta0 = NetworkState.capture(net)) {
                    theta0.write(store.theta0Dir(d.trial()));
                }
                return spec.reset() instanceof ResetMode.Rewind(long at) ? new RewindCapture(net, at, store.rewindDir(d.trial())) : null;
            }
            case Unit.Pruned p -> {
                p.control().prepare(new UnitStart(spec, store, p, net));
                return null;
            }
        }
    }

    /** Captures the dense network's weights right after iteration {@code at} (the late-resetting point) for {@code dir}. */
    private static final class RewindCapture implements TrainingListener, AutoCloseable {
        private final Network net;
        private final long at;
        private final Path dir;
        private NetworkState state;

        RewindCapture(Network net, long at, Path dir) {
            this.net = net;
            this.at = at;
            this.dir = dir;
        }

        @Override
        public void onIteration(long iteration, long total) {
            if (iteration == at) state = NetworkState.capture(net);
        }

        void write() {
            if (state == null) throw new IllegalStateException("training ended before the rewind iteration " + at);
            state.write(dir);
        }

        /** Frees the captured copy (also when training failed before it was written). */
        @Override
        public void close() {
            if (state != null) state.close();
            state = null;
        }
    }

    private static TrainingListener both(TrainingListener a, TrainingListener b) {
        return new TrainingListener() {
            @Override
            public void onIteration(long iteration, long total) {
                a.onIteration(iteration, total);
                b.onIteration(iteration, total);
            }

            @Override
            public void onEvaluation(EvalPoint point, long total) {
                a.onEvaluation(point, total);
                b.onEvaluation(point, total);
            }
        };
    }
}
