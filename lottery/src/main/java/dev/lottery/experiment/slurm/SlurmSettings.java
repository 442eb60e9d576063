package dev.lottery.experiment.slurm;

import java.util.List;

/**
 * How a sweep becomes Slurm jobs.
 *
 * @param launcher        how the nodes start the lottery command line
 * @param resources       what every job asks for
 * @param runOptions      the {@code run-unit} options every job gets (device, data directory); the experiment itself
 *                        is read from the manifest of its directory
 * @param attempts        tries per unit inside one job before it is recorded as failed
 * @param checkpointEvery training checkpoint interval in iterations (a killed or requeued job resumes from it)
 */
public record SlurmSettings(JavaLauncher launcher, SlurmResources resources, List<String> runOptions, int attempts,
                            long checkpointEvery) {
    /** Checks that attempts and the checkpoint interval are positive. */
    public SlurmSettings {
        runOptions = List.copyOf(runOptions);
        if (attempts < 1) throw new IllegalArgumentException("attempts must be at least 1, got " + attempts);
        if (checkpointEvery < 1) throw new IllegalArgumentException("checkpoint interval must be positive, got " + checkpointEvery);
    }

    /**
     * This JVM as the launcher, the cluster's default resources, 2 attempts, a checkpoint every 500 iterations.
     *
     * @param runOptions the {@code run-unit} options every job gets (device, data directory); copied
     * @return the settings
     */
    public static SlurmSettings defaults(List<String> runOptions) {
        return new SlurmSettings(JavaLauncher.current(), SlurmResources.NONE, runOptions, 2, 500);
    }
}
