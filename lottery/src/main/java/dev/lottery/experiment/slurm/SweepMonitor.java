package dev.lottery.experiment.slurm;

import java.time.Duration;
import java.util.List;

/** Waits for a submission's jobs to leave the Slurm queue (finished, failed or cancelled). */
public final class SweepMonitor {
    private final SlurmClient client;
    private final Duration poll;

    /** Polls the queue through {@code client} every {@code poll}. */
    public SweepMonitor(SlurmClient client, Duration poll) {
        this.client = client;
        this.poll = poll;
    }

    /** Polls {@code squeue} until none of {@code jobIds} is queued or running; false when {@code timeout} passed first. */
    public boolean await(List<String> jobIds, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (client.queue(jobIds).isEmpty()) return true;
            if (System.nanoTime() > deadline) return false;
            Thread.sleep(poll);
        }
    }
}
