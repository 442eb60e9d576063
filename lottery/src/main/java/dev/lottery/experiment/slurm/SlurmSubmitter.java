package dev.lottery.experiment.slurm;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.lottery.experiment.ResultsStore;
import dev.lottery.experiment.Unit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Turns an experiment's units into Slurm job arrays: one array per {@link Wave} (the unit groups that become ready
 * together) over the trials, whose task trains its trial's units of the wave as populations. Each task is chained to
 * the same trial's tasks of the arrays it depends on with {@code --dependency=aftercorr} — the ticket at level k after
 * the ticket at level k-1 (or the dense level), the controls at level k after the ticket at level k — and
 * {@code --kill-on-invalid-dep=yes}, so the dependents of a failed task are cancelled instead of waiting forever while
 * other trials go on.
 *
 * <p>Complete units are not resubmitted: a trial whose units are all done gets no tasks, and an array whose units
 * are all done is left out (its dependents start without waiting for it). Every array covers the same trials, so
 * {@code aftercorr} always finds its corresponding task. Jobs are {@code --requeue}-able and log with
 * {@code --open-mode=append}, so a preempted task's log keeps every attempt.
 */
public final class SlurmSubmitter {
    private final SlurmClient client;
    private final SlurmSettings settings;

    /**
     * Submits through {@code client} with {@code settings}.
     *
     * @param client   how {@code sbatch} and {@code scancel} are called
     * @param settings the launcher, resources, run-unit options, attempts and checkpoint interval of every job
     */
    public SlurmSubmitter(SlurmClient client, SlurmSettings settings) {
        this.client = client;
        this.settings = settings;
    }

    /**
     * One submitted array.
     *
     * @param jobId      the array job's id, as {@code sbatch} returned it
     * @param wave       the unit groups its tasks train
     * @param trials     the array task ids: the trials with incomplete units, ascending
     * @param logPattern the tasks' log file, with {@code %a} standing for the trial
     */
    public record SubmittedJob(String jobId, Wave wave, List<Integer> trials, String logPattern) {}

    /**
     * What one submission sent to Slurm (empty when every unit was already complete).
     *
     * @param resultsDir the experiment's results directory, absolute
     * @param jobs       the submitted arrays, in submission order (each after those it depends on)
     */
    public record Submission(Path resultsDir, List<SubmittedJob> jobs) {
        /**
         * The submitted arrays' job ids.
         *
         * @return the ids in submission order; empty when nothing was submitted
         */
        public List<String> jobIds() {
            return jobs.stream().map(SubmittedJob::jobId).toList();
        }
    }

    /** One array to submit: its wave, tasks and the waves it waits for (only those submitted too). */
    record PlannedArray(Wave wave, List<Integer> trials, List<Wave> waitsFor) {}

    /** The arrays for the incomplete units of {@code units}, each after the arrays it depends on. */
    static List<PlannedArray> plan(List<Unit> units, ResultsStore store) {
        TreeSet<Integer> trials = new TreeSet<>();
        for (Unit u : units) if (!store.isDone(u)) trials.add(u.trial());
        if (trials.isEmpty()) return List.of();
        List<Integer> trialList = List.copyOf(trials);
        List<UnitGroup> pending = new ArrayList<>();
        for (UnitGroup g : UnitGroup.of(units)) {
            if (trialList.stream().anyMatch(t -> !store.isDone(g.unit(t)))) pending.add(g);
        }
        // Depths count complete groups too, so a resubmitted sweep keeps its waves (and their log names).
        Map<UnitGroup, Wave> waveOf = new HashMap<>();
        for (Wave w : Wave.of(UnitGroup.of(units))) {
            List<UnitGroup> left = w.groups().stream().filter(pending::contains).toList();
            if (!left.isEmpty()) {
                Wave remaining = new Wave(w.depth(), left);
                for (UnitGroup g : left) waveOf.put(g, remaining);
            }
        }
        List<PlannedArray> out = new ArrayList<>();
        for (Wave w : new LinkedHashSet<>(pending.stream().map(waveOf::get).toList())) {
            List<Wave> waits = w.groups().stream().flatMap(g -> g.dependencies().stream()).map(waveOf::get)
                    .filter(d -> d != null && d != w).distinct().toList();
            out.add(new PlannedArray(w, trialList, waits));
        }
        out.sort(Comparator.comparingInt(a -> a.wave().depth()));
        return out;
    }

    /** Slurm's array syntax for a set of task ids: {@code 0-4} or {@code 0,2,5-7}. */
    static String arraySpec(List<Integer> ids) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < ids.size(); ) {
            int j = i;
            while (j + 1 < ids.size() && ids.get(j + 1) == ids.get(j) + 1) j++;
            parts.add(i == j ? ids.get(i).toString() : ids.get(i) + "-" + ids.get(j));
            i = j + 1;
        }
        return String.join(",", parts);
    }

    /**
     * Writes the job scripts under {@code <results>/slurm/jobs/} and submits them, and records the submission in
     * {@code slurm/submission.json}. When Slurm refuses an array, the arrays already submitted are cancelled before
     * the error is thrown, so no half chain is left in the queue.
     *
     * @param units the experiment's plan; complete units are not resubmitted
     * @param store the experiment's results directory, where the jobs write
     * @return what was submitted; no jobs when every unit was already complete
     */
    public Submission submit(List<Unit> units, ResultsStore store) {
        Path dir = store.dir().toAbsolutePath();
        List<PlannedArray> arrays = plan(units, store);
        Map<Wave, String> ids = new LinkedHashMap<>();
        List<SubmittedJob> jobs = new ArrayList<>();
        try {
            Files.createDirectories(JobScript.logsDir(dir));
            Files.createDirectories(dir.resolve("slurm").resolve("jobs"));
            for (PlannedArray a : arrays) {
                Path script = writeScript(dir, a.wave());
                List<String> options = new ArrayList<>();
                options.add("--job-name=lottery-" + a.wave().name());
                options.add("--array=" + arraySpec(a.trials()));
                String log = JobScript.logPattern(dir, a.wave());
                options.add("--output=" + log);
                options.add("--open-mode=append");
                options.add("--requeue");
                options.add("--kill-on-invalid-dep=yes");
                if (!a.waitsFor().isEmpty()) {
                    options.add("--dependency=aftercorr:" + a.waitsFor().stream().map(ids::get).collect(Collectors.joining(":")));
                }
                options.addAll(settings.resources().sbatchOptions());
                String id = client.sbatch(options, script);
                ids.put(a.wave(), id);
                jobs.add(new SubmittedJob(id, a.wave(), a.trials(), log));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write job scripts under " + dir, e);
        } catch (RuntimeException e) {
            // Half a chain is worse than none: its tail would never run. Cancel what went in, then report.
            client.cancel(ids.values());
            throw e;
        }
        Submission s = new Submission(dir, jobs);
        record(s);
        return s;
    }

    private Path writeScript(Path dir, Wave wave) throws IOException {
        List<String> unitArgs = new ArrayList<>(settings.runOptions());
        unitArgs.addAll(List.of("--checkpoint-every", Long.toString(settings.checkpointEvery())));
        String text = new JobScript(wave, dir, settings.launcher(), unitArgs, settings.attempts()).render();
        Path script = dir.resolve("slurm").resolve("jobs").resolve(wave.name() + ".sh");
        ResultsStore.writeText(script, text);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    /** {@code slurm/submission.json}: the latest submission's job ids, for people and for {@code scancel}. */
    private static void record(Submission s) {
        JsonObject root = new JsonObject();
        JsonArray jobs = new JsonArray();
        for (SubmittedJob j : s.jobs()) {
            JsonObject o = new JsonObject();
            o.addProperty("job", j.jobId());
            o.addProperty("wave", j.wave().name());
            JsonArray groups = new JsonArray();
            j.wave().groups().forEach(g -> groups.add(g.name()));
            o.add("groups", groups);
            o.addProperty("trials", arraySpec(j.trials()));
            o.addProperty("log", j.logPattern());
            jobs.add(o);
        }
        root.add("jobs", jobs);
        ResultsStore.writeText(s.resultsDir().resolve("slurm").resolve("submission.json"),
                new GsonBuilder().setPrettyPrinting().create().toJson(root) + "\n");
    }
}
