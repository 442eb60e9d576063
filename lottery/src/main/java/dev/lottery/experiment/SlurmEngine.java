package dev.lottery.experiment;

import dev.lottery.experiment.slurm.FailedUnit;
import dev.lottery.experiment.slurm.SlurmClient;
import dev.lottery.experiment.slurm.SlurmSettings;
import dev.lottery.experiment.slurm.SlurmSubmitter;
import dev.lottery.experiment.slurm.SweepMonitor;
import dev.lottery.nn.UserError;
import java.time.Duration;
import java.util.List;

/**
 * Runs the units as Slurm job arrays (see {@link SlurmSubmitter}) and waits until they have left the queue. The
 * jobs run {@code lottery experiment run-unit} in fresh JVMs on the nodes and write into the same results
 * directory, so what this process's {@link UnitRunner} would have produced is produced there, bitwise.
 * (It lives in this package because a sealed interface's implementations must; the machinery is in
 * {@code dev.lottery.experiment.slurm}.)
 *
 * <p>Units that failed every attempt are reported together at the end, each with its log, after every unit that
 * could run has run.
 *
 * @param client   how {@code sbatch}, {@code squeue} and {@code sacct} are called
 * @param settings the jobs' resources and launch settings
 * @param poll     how long to wait between two looks at the queue
 * @param timeout  how long to wait for the jobs to leave the queue before giving up (the jobs keep running)
 */
public record SlurmEngine(SlurmClient client, SlurmSettings settings, Duration poll, Duration timeout) implements Engine {
    @Override
    public void run(List<Unit> units, ResultsStore store, UnitRunners runners, ExperimentListener listener) {
        int done = (int) units.stream().filter(store::isDone).count();
        listener.onStart(runners.whole().spec(), store.dir(), units.size(), done);
        SlurmSubmitter.Submission submission = new SlurmSubmitter(client, settings).submit(units, store);
        try {
            if (!new SweepMonitor(client, poll).await(submission.jobIds(), timeout)) {
                throw new IllegalStateException("Slurm jobs " + submission.jobIds() + " still queued or running after " + timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Slurm jobs " + submission.jobIds(), e);
        }
        List<Unit> missing = units.stream().filter(u -> !store.isDone(u)).toList();
        if (!missing.isEmpty()) {
            List<FailedUnit> failed = FailedUnit.read(store.dir());
            throw new UserError(missing.size() + " unit(s) did not complete, e.g. " + missing.getFirst().label()
                    + (failed.isEmpty() ? " (cancelled, or a dependency failed)" : "; " + failed.getFirst().describe()
                    + (failed.size() > 1 ? " (and " + (failed.size() - 1) + " more in " + store.dir().resolve("slurm/failed") + ")" : "")));
        }
    }
}
