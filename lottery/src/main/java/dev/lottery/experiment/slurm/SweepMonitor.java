package dev.lottery.experiment.slurm;

import java.time.Duration;
import java.util.List;

/** Waits for a submission's jobs to leave the Slurm queue (finished, failed or cancelled). */
public final class SweepMonitor {
    private final SlurmClient client;
    private final Duration poll;

    /**
     * Polls the queue through {@code client} every {@code poll}.
     *
     * @param client how {@code squeue} is called
     * @param poll   the sleep between two calls of {@code squeue}
     */
    public SweepMonitor(SlurmClient client, Duration poll) {
        this.client = client;
        this.poll = poll;
    }

    /**
     * Polls {@code squeue} until none of {@code jobIds} is queued or running. Blocks the calling thread; the jobs are
     * never cancelled, also not on a timeout.
     *
     * @param jobIds  ids as {@link SlurmClient#sbatch} returns them
     * @param timeout how long to wait at most (measured from this call; one more poll may follow it)
     * @return true when every job has left the queue, false when {@code timeout} passed first
     * @throws InterruptedException when the thread is interrupted while it sleeps between polls
     */
    public boolean await(List<String> jobIds, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (client.queue(jobIds).isEmpty()) return true;
            if (System.nanoTime() > deadline) return false;
            Thread.sleep(poll);
        }
    }
}
