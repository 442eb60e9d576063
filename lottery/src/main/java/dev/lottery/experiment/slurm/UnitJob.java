package dev.lottery.experiment.slurm;

import dev.lottery.experiment.ExperimentListener;
import dev.lottery.experiment.ExperimentSpec;
import dev.lottery.experiment.ResultsStore;
import dev.lottery.experiment.Unit;
import dev.lottery.experiment.UnitRunner;
import dev.lottery.nn.UserError;
import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.backend.Backends;
import dev.lottery.nn.backend.DeviceChoice;
import dev.lottery.nn.train.ResidentData;
import dev.lottery.nn.train.TrainingListener;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Exactly one unit in this process, then exit: what a cluster job runs ({@code lottery experiment run-unit}).
 * A complete unit is skipped; a unit whose dependencies are not complete is refused (a {@link UserError}: the
 * scheduler started it too early or its dependency failed — rerunning cannot help); a partial unit resumes from
 * its training checkpoint. The spec must match the manifest of the results directory (the same check as a resume).
 */
public final class UnitJob {
    private UnitJob() {}

    /** Outcome for the job's log: the unit ran, or was already complete. */
    public enum Result { RAN, ALREADY_DONE }

    public static Result run(ExperimentSpec spec, Path results, Unit unit, DeviceChoice device, Path dataDir,
                             long checkpointEvery, PrintStream log) {
        ResultsStore store = ResultsStore.open(results, spec);
        if (!store.plan().contains(unit)) throw new UserError(unit.label() + " is not a unit of " + store.dir());
        if (store.isDone(unit)) {
            log.println("lottery: " + unit.label() + " is already complete in " + store.dir());
            return Result.ALREADY_DONE;
        }
        for (Unit d : unit.dependencies()) {
            if (!store.isDone(d)) {
                throw new UserError(unit.label() + " needs " + d.label() + ", which is not complete in " + store.dir());
            }
        }
        Path checkpoint = store.unitDir(unit).resolve(UnitRunner.CHECKPOINT);
        if (Files.exists(checkpoint)) log.println("lottery: resuming " + unit.label() + " from its checkpoint " + checkpoint);
        Backends.Selection selection = Backends.select(device);
        log.println("lottery: " + unit.label() + ", " + selection.describe());
        try (Backend backend = selection.backend();
             ResidentData data = ResidentData.load(backend, spec.dataset(), dataDir, spec.training().validationSize(), spec.seed())) {
            UnitRunner runner = new UnitRunner(spec, store, backend, data).checkpointingEvery(checkpointEvery);
            ExperimentListener.UnitOutcome o = runner.run(unit, TrainingListener.NONE);
            log.printf(Locale.ROOT, "lottery: %s done: %.2f%% of weights remain, final test accuracy %.2f%% (%.1f s)%n",
                    unit.label(), o.remainingFraction() * 100, o.finalTestAccuracy() * 100, o.seconds());
            return Result.RAN;
        }
    }

    /** The unit named by run-unit's options: level 0 is the dense unit; pruned levels need a mode (or a single-mode spec) and an arm. */
    public static Unit unit(ExperimentSpec spec, int trial, String mode, String arm, int level) {
        if (level == 0) return new Unit.Dense(trial);
        dev.lottery.experiment.PruningMode m;
        if (mode != null) {
            m = dev.lottery.experiment.PruningMode.parse(mode);
        } else if (spec.modes().size() == 1) {
            m = spec.modes().getFirst();
        } else {
            throw new UserError("--mode is required: the experiment prunes " + spec.modes().size() + " ways");
        }
        return new Unit.Pruned(trial, m, dev.lottery.experiment.Arm.parse(arm == null ? "ticket" : arm), level);
    }
}
