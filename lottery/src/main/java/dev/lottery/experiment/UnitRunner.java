package dev.lottery.experiment;

import com.google.gson.JsonObject;
import dev.lottery.experiment.control.UnitStart;
import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.model.Network;
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
import java.util.List;

/**
 * Runs one {@link Unit}: sets what it starts from, trains it, and writes its results (masks, final weights, metrics)
 * with the {@code DONE} marker last. Everything it reads comes from the results store, so a unit gives the same bytes
 * whether its dependencies ran a second ago in this process or yesterday in another one.
 *
 * <p>The dense unit (level 0) starts from θ0 as drawn, written once per trial (and, when resetting late, captures the
 * rewind point while it trains); a pruned unit starts as its control says ({@link dev.lottery.experiment.control.Control#prepare}).
 */
public final class UnitRunner {
    private final ExperimentSpec spec;
    private final ResultsStore store;
    private final Backend backend;
    private final ResidentData data;
    /** Training checkpoint interval in iterations; 0 = none (see {@link #checkpointingEvery(long)}). */
    private long checkpointEvery;

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
     */
    public UnitRunner checkpointingEvery(long iterations) {
        if (iterations < 0) throw new IllegalArgumentException("checkpoint interval must be non-negative, got " + iterations);
        this.checkpointEvery = iterations;
        return this;
    }

    public ExperimentSpec spec() {
        return spec;
    }

    public ExperimentListener.UnitOutcome run(Unit unit, TrainingListener progress) {
        long seed = spec.trialSeed(unit.trial());
        Path out = store.unitDir(unit);
        try {
            // the directory marks the unit as started (status shows it as partial until DONE exists)
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + out, e);
        }
        try (Network net = Network.create(spec.model(), backend, seed); RewindCapture rewind = start(unit, net)) {
            List<SurvivorCount> survivors = SurvivorCount.of(net);
            SurvivorCount.requireMaskedWeightsZero(net, unit.label() + " before training");
            // Not for a dense unit that captures the rewind point: a resume past that iteration would miss it.
            Checkpointer checkpointer = checkpointEvery > 0 && rewind == null ? new Checkpointer(out.resolve(CHECKPOINT), checkpointEvery) : null;
            TrainingResult result = Trainer.train(net, data, spec.training(), seed, rewind == null ? progress : both(progress, rewind), checkpointer);
            SurvivorCount.requireMaskedWeightsZero(net, unit.label() + " after training");
            if (rewind != null) rewind.write(store.rewindDir(unit.trial()));
            write(unit, net, survivors, result);
            if (checkpointer != null) checkpointer.delete();
            return new ExperimentListener.UnitOutcome(SurvivorCount.overall(survivors), result.finalTestAccuracy(),
                    result.bestTestAccuracy(), result.seconds());
        }
    }

    /**
     * Sets the masks and weights {@code net} starts {@code unit} from. For a dense unit, writes θ0 and returns the
     * capture of the rewind point when resetting late (else null).
     */
    RewindCapture start(Unit unit, Network net) {
        switch (unit) {
            case Unit.Dense d -> {
                try (NetworkState theta0 = NetworkState.capture(net)) {
                    theta0.write(store.theta0Dir(d.trial()));
                }
                return spec.reset() instanceof ResetMode.Rewind(long at) ? new RewindCapture(net, at) : null;
            }
            case Unit.Pruned p -> {
                p.control().prepare(new UnitStart(spec, store, p, net));
                return null;
            }
        }
    }

    /** The unit's masks, final weights, metrics and timing, then its marker. */
    private void write(Unit unit, Network net, List<SurvivorCount> survivors, TrainingResult result) {
        Path out = store.unitDir(unit);
        MaskFiles.write(net, out);
        try (NetworkState trained = NetworkState.capture(net)) {
            trained.write(out);
        }
        ResultsStore.writeJson(out.resolve(ResultsStore.METRICS), UnitMetrics.toJson(unit, survivors, result));
        JsonObject timing = new JsonObject();
        timing.addProperty("seconds", result.seconds());
        timing.addProperty("backend", backend.description());
        ResultsStore.writeJson(out.resolve(ResultsStore.TIMING), timing);
        store.markDone(unit);
    }

    /** Captures the dense network's weights right after iteration {@code at} (the late-resetting point). */
    static final class RewindCapture implements TrainingListener, AutoCloseable {
        private final Network net;
        private final long at;
        private NetworkState state;

        RewindCapture(Network net, long at) {
            this.net = net;
            this.at = at;
        }

        @Override
        public void onIteration(long iteration, long total) {
            if (iteration == at) state = NetworkState.capture(net);
        }

        void write(Path dir) {
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
