package dev.lottery.experiment.slurm;

import dev.lottery.nn.UserError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The Slurm commands the lottery uses — {@code sbatch}, {@code squeue}, {@code sacct}, {@code scancel} — run as
 * processes (Slurm's C API is not stable across versions; its commands are). Extra environment variables (for
 * instance {@code SLURM_CONF} of a test cluster) are added to every call. A command Slurm rejects (an unknown
 * partition, a bad time limit) is a {@link UserError} carrying Slurm's own message.
 */
public final class SlurmClient {
    private static final long TIMEOUT_SECONDS = 60;

    private final Map<String, String> environment;

    /**
     * A system property naming the cluster's slurm.conf; when set, the commands get it as {@code SLURM_CONF}
     * (for a JVM that talks to another cluster than its environment names, such as tests of a local cluster).
     */
    public static final String CONF_PROPERTY = "lottery.slurm.conf";

    /** Uses the caller's environment (plus {@code SLURM_CONF} from {@value #CONF_PROPERTY} when that is set). */
    public SlurmClient() {
        this(System.getProperty(CONF_PROPERTY) == null ? Map.of() : Map.of("SLURM_CONF", System.getProperty(CONF_PROPERTY)));
    }

    /**
     * Adds {@code environment} to the caller's environment for every Slurm command.
     *
     * @param environment variables set for every command, over the caller's own of the same name; copied
     */
    public SlurmClient(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    /**
     * One line of {@code squeue}: a job (or one array task, id {@code 123_4}) and its state, e.g. RUNNING.
     *
     * @param id    the job id as {@code squeue} prints it: {@code 123}, or an array task {@code 123_4}
     * @param state Slurm's long state name, e.g. {@code PENDING}, {@code RUNNING}, {@code COMPLETING}
     */
    public record QueuedJob(String id, String state) {
        /**
         * The array job's id for an array task ({@code 123} of {@code 123_4} or {@code 123_[5-7]}); the id otherwise.
         *
         * @return the digits before any {@code _}: the id {@code sbatch} returned
         */
        public String jobId() {
            int u = id.indexOf('_');
            return u < 0 ? id : id.substring(0, u);
        }
    }

    /** Output of a finished command. */
    record Result(int exitCode, String stdout, String stderr) {}

    /**
     * Why Slurm's commands cannot be used here, or empty when {@code sbatch --version} works.
     *
     * @return one line for the user (no {@code sbatch} on the path, or its first error line); empty when it works
     */
    public Optional<String> unavailableReason() {
        try {
            Result r = exec(List.of("sbatch", "--version"), null);
            return r.exitCode() == 0 ? Optional.empty() : Optional.of("sbatch --version failed: " + firstLine(r.stderr()));
        } catch (UncheckedIOException e) {
            return Optional.of("sbatch not found (" + e.getCause().getMessage() + ")");
        }
    }

    /**
     * Submits {@code script} with {@code options}; a submission Slurm refuses is a {@link UserError} carrying its
     * first error line.
     *
     * @param options {@code sbatch} options placed before the script, e.g. {@code --array=0-3}
     * @param script  the batch script to submit
     * @return the job id, decimal digits only (an array job's id, for an array)
     */
    public String sbatch(List<String> options, Path script) {
        List<String> cmd = new ArrayList<>(List.of("sbatch", "--parsable"));
        cmd.addAll(options);
        cmd.add(script.toString());
        String out = require(cmd).stdout().strip();
        // --parsable prints "id" or "id;cluster"
        String id = out.lines().reduce((a, b) -> b).orElse("").split(";")[0].strip();
        if (!id.matches("\\d+")) throw new IllegalStateException("sbatch printed no job id: '" + out + "'");
        return id;
    }

    /**
     * The queued and running jobs and array tasks among {@code jobIds} (finished ones are absent).
     *
     * @param jobIds ids as {@link #sbatch} returns them; an array job's id stands for all its tasks
     * @return one entry per job or array task still in the queue; empty when all have left it
     */
    public List<QueuedJob> queue(Collection<String> jobIds) {
        if (jobIds.isEmpty()) return List.of();
        Result r = exec(List.of("squeue", "-h", "-r", "-o", "%i|%T", "--jobs=" + String.join(",", jobIds)), null);
        if (r.exitCode() != 0) {
            // squeue fails with "Invalid job id specified" when every listed job has left the queue
            if (r.stderr().contains("Invalid job id")) return List.of();
            throw new IllegalStateException("squeue failed (exit " + r.exitCode() + "): " + firstLine(r.stderr()));
        }
        List<QueuedJob> jobs = new ArrayList<>();
        for (String line : r.stdout().lines().toList()) {
            String[] f = line.strip().split("\\|");
            if (f.length == 2) jobs.add(new QueuedJob(f[0], f[1]));
        }
        return jobs;
    }

    /**
     * Final states of finished jobs from the accounting database ({@code sacct}), by job or array-task id; empty
     * when the cluster keeps no accounting (then the results directory is the only record, which is enough).
     *
     * @param jobIds ids as {@link #sbatch} returns them
     * @return Slurm state (e.g. {@code COMPLETED}, {@code FAILED}, {@code TIMEOUT}) by job or array-task id, in
     *         {@code sacct}'s order; empty when {@code sacct} fails
     */
    public Optional<Map<String, String>> accounting(Collection<String> jobIds) {
        if (jobIds.isEmpty()) return Optional.of(Map.of());
        Result r = exec(List.of("sacct", "-n", "-X", "-P", "-o", "JobID,State", "--jobs=" + String.join(",", jobIds)), null);
        if (r.exitCode() != 0) return Optional.empty();
        Map<String, String> states = new LinkedHashMap<>();
        for (String line : r.stdout().lines().toList()) {
            String[] f = line.strip().split("\\|");
            if (f.length == 2) states.put(f[0], f[1]);
        }
        return Optional.of(states);
    }

    /**
     * Cancels jobs (all tasks of an array job); ids that already finished are ignored by Slurm.
     *
     * @param jobIds ids as {@link #sbatch} returns them; nothing is called when empty
     */
    public void cancel(Collection<String> jobIds) {
        if (jobIds.isEmpty()) return;
        List<String> cmd = new ArrayList<>(List.of("scancel"));
        cmd.addAll(jobIds);
        Result r = exec(cmd, null);
        if (r.exitCode() != 0 && !r.stderr().contains("Invalid job id")) {
            throw new IllegalStateException("scancel failed (exit " + r.exitCode() + "): " + firstLine(r.stderr()));
        }
    }

    private Result require(List<String> cmd) {
        Result r = exec(cmd, null);
        if (r.exitCode() != 0) {
            throw new UserError(cmd.getFirst() + " refused the job (exit " + r.exitCode() + "): " + firstLine(r.stderr()));
        }
        return r;
    }

    Result exec(List<String> cmd, String stdin) {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(environment);
        try {
            Process p = pb.start();
            if (stdin != null) p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            // Both streams are small (ids, states, one error line); read them on their own threads so neither blocks.
            StringBuilder err = new StringBuilder();
            Thread errReader = Thread.ofVirtual().start(() -> {
                try {
                    err.append(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException ignored) {
                    // the process died; its exit code says so
                }
            });
            String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            errReader.join();
            return new Result(p.exitValue(), stdout, err.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + cmd.getFirst(), e);
        }
    }

    private static String firstLine(String s) {
        return s.strip().lines().findFirst().orElse("(no message)");
    }
}
