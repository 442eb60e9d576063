package dev.lottery.experiment;

import com.google.gson.JsonObject;
import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.model.Network;
import dev.lottery.nn.train.EvalPoint;
import dev.lottery.nn.train.ResidentData;
import dev.lottery.nn.train.Trainer;
import dev.lottery.nn.train.TrainingListener;
import dev.lottery.nn.train.TrainingResult;
import dev.lottery.prune.MaskFiles;
import dev.lottery.prune.NetworkState;
import dev.lottery.prune.Rearrangement;
import dev.lottery.prune.SurvivorCount;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs one {@link Unit}: builds its starting network from the files of the units it depends on, trains it, and
 * writes its results (masks, final weights, metrics) with the {@code DONE} marker last. Everything it reads comes
 * from the results store, so a unit gives the same bytes whether its dependencies ran a second ago in this
 * process or yesterday in another one.
 *
 * <p>Building the start of each unit (all in the backend; only .npy files cross to the host):
 * <ul>
 * <li>dense (level 0): the network as drawn, θ0; θ0 is written once per trial (and the rewind point, when
 * resetting late, is captured while it trains);</li>
 * <li>ticket, level k: the previous ticket's (iterative) or the dense network's (one-shot) final weights and mask
 * are loaded, pruned by the strategy, and the survivors reset to θ0 or the rewind point;</li>
 * <li>reinit, level k: the ticket's level-k mask with every weight drawn afresh from the model's initializer on
 * the stream ({@code trial seed}, parameter, {@code "reinit/<mode>/level-k"});</li>
 * <li>rearrange, level k: the ticket's level-k mask permuted within each layer by a permutation keyed by
 * ({@code trial seed}, parameter, {@code "rearrange/<mode>/level-k"}), with θ0's (or the rewind point's) values
 * at the new positions.</li>
 * </ul>
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
        store.requireKernels(backend.kernelGeneration());
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
        RewindCapture rewind = null;
        try {
            // the directory marks the unit as started (status shows it as partial until DONE exists)
            java.nio.file.Files.createDirectories(out);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot create " + out, e);
        }
        try (Network net = Network.create(spec.model(), backend, seed)) {
            switch (unit) {
                case Unit.Dense d -> {
                    try (NetworkState theta0 = NetworkState.capture(net)) {
                        theta0.write(store.theta0Dir(d.trial()));
                    }
                    if (spec.reset() instanceof ResetMode.Rewind(long at)) rewind = new RewindCapture(net, at);
                }
                case Unit.Pruned p -> prepare(net, p);
            }
            List<SurvivorCount> survivors = SurvivorCount.of(net);
            SurvivorCount.requireMaskedWeightsZero(net, unit.label() + " before training");
            TrainingListener listener = rewind == null ? progress : both(progress, rewind);
            // Not for a dense unit that captures the rewind point: a resume past that iteration would miss it.
            dev.lottery.nn.train.Checkpointer checkpointer = checkpointEvery > 0 && rewind == null
                    ? new dev.lottery.nn.train.Checkpointer(out.resolve(CHECKPOINT), checkpointEvery) : null;
            TrainingResult result = Trainer.train(net, data, spec.training(), seed, listener, checkpointer);
            SurvivorCount.requireMaskedWeightsZero(net, unit.label() + " after training");
            if (rewind != null) rewind.writeAndClose(store.rewindDir(unit.trial()));
            MaskFiles.write(net, out);
            try (NetworkState trained = NetworkState.capture(net)) {
                trained.write(out);
            }
            JsonObject metrics = UnitMetrics.toJson(unit, survivors, result);
            ResultsStore.writeJson(out.resolve(ResultsStore.METRICS), metrics);
            JsonObject timing = new JsonObject();
            timing.addProperty("seconds", result.seconds());
            timing.addProperty("backend", backend.description());
            ResultsStore.writeJson(out.resolve(ResultsStore.TIMING), timing);
            store.markDone(unit);
            if (checkpointer != null) checkpointer.delete();
            return new ExperimentListener.UnitOutcome(SurvivorCount.overall(survivors), result.finalTestAccuracy(),
                    result.bestTestAccuracy(), result.seconds());
        } finally {
            if (rewind != null) rewind.close();
        }
    }

    /** Sets the masks and weights {@code net} starts a pruned unit from (see the class comment). */
    void prepare(Network net, Unit.Pruned p) {
        String where = p.mode().cliName() + "/level-" + p.level();
        if (p.arm() == Arm.TICKET) {
            Unit source = p.dependencies().getFirst();
            Path from = store.unitDir(source);
            MaskFiles.read(from, net);
            try (NetworkState trained = NetworkState.read(from, net)) {
                trained.restoreInto(net);
            }
            switch (p.mode()) {
                case ITERATIVE -> spec.strategy().pruneStep(net);
                case ONESHOT -> spec.strategy().pruneTo(net, p.level());
            }
            spec.strategy().checkLevel(SurvivorCount.of(net), p.level());
            resetSurvivors(net, p.trial());
            return;
        }
        MaskFiles.read(store.unitDir(new Unit.Pruned(p.trial(), p.mode(), Arm.TICKET, p.level())), net);
        switch (p.arm()) {
            case REINIT -> net.initialize(spec.trialSeed(p.trial()), "reinit/" + where);
            case REARRANGE -> {
                Rearrangement.apply(net, spec.trialSeed(p.trial()), "rearrange/" + where);
                resetSurvivors(net, p.trial());
            }
            case TICKET -> throw new AssertionError("handled above");
        }
    }

    /** Survivors take θ0's values (or the rewind point's); pruned weights become 0. */
    private void resetSurvivors(Network net, int trial) {
        Path dir = spec.reset() instanceof ResetMode.Rewind ? store.rewindDir(trial) : store.theta0Dir(trial);
        try (NetworkState start = NetworkState.read(dir, net)) {
            start.restoreInto(net);
        }
    }

    /** Captures the dense network's weights right after iteration {@code at} (the late-resetting point). */
    private static final class RewindCapture implements TrainingListener, AutoCloseable {
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

        void writeAndClose(Path dir) {
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
