package dev.lottery.experiment.slurm;

import java.util.List;

/**
 * How a sweep becomes Slurm jobs.
 *
 * @param launcher        how the nodes start the lottery command line
 * @param resources       what every job asks for
 * @param specArgs        the {@code experiment} options that rebuild the experiment's spec on the node (preset,
 *                        overrides, device, data directory); {@code run-unit} checks the spec against the manifest
 * @param attempts        tries per unit inside one job before it is recorded as failed
 * @param checkpointEvery training checkpoint interval in iterations (a killed or requeued job resumes from it)
 */
public record SlurmSettings(JavaLauncher launcher, SlurmResources resources, List<String> specArgs, int attempts,
                            long checkpointEvery) {
    public SlurmSettings {
        specArgs = List.copyOf(specArgs);
        if (attempts < 1) throw new IllegalArgumentException("attempts must be at least 1, got " + attempts);
        if (checkpointEvery < 1) throw new IllegalArgumentException("checkpoint interval must be positive, got " + checkpointEvery);
    }

    public static SlurmSettings defaults(List<String> specArgs) {
        return new SlurmSettings(JavaLauncher.current(), SlurmResources.NONE, specArgs, 2, 500);
    }
}
