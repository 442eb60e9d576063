package dev.lottery.experiment.slurm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A unit whose job used up its attempts, as recorded by the job script in {@code <results>/slurm/failed/}; the
 * record is removed when a later attempt (a resubmission) completes the unit. A field missing from the record is
 * {@code ?} (text) or -1 (numbers).
 *
 * @param group      the name of the wave whose task failed, e.g. {@code iterative-ticket-l02} or {@code wave-03}
 * @param trial      the trial (the array task id)
 * @param exitStatus the last attempt's exit status; 2 is a user error, after which no further attempt was made
 * @param attempts   how many attempts were made
 * @param job        the array task as Slurm names it, {@code <array job id>_<trial>}
 * @param log        the task's log file, holding every attempt's output
 */
public record FailedUnit(String group, int trial, int exitStatus, int attempts, String job, Path log) {
    /**
     * Every failure record of an experiment directory, sorted by file name.
     *
     * @param resultsDir the experiment's results directory
     * @return the records under {@code slurm/failed/}; empty when there are none
     */
    public static List<FailedUnit> read(Path resultsDir) {
        Path dir = JobScript.failedDir(resultsDir);
        if (!Files.isDirectory(dir)) return List.of();
        List<FailedUnit> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList()) {
                Map<String, String> kv = new LinkedHashMap<>();
                for (String line : Files.readAllLines(f)) {
                    int eq = line.indexOf('=');
                    if (eq > 0) kv.put(line.substring(0, eq), line.substring(eq + 1));
                }
                out.add(new FailedUnit(kv.getOrDefault("group", "?"), parse(kv.get("trial")), parse(kv.get("exit")),
                        parse(kv.get("attempts")), kv.getOrDefault("job", "?"), Path.of(kv.getOrDefault("log", "?"))));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read failure records in " + dir, e);
        }
        return out;
    }

    private static int parse(String s) {
        try {
            return s == null ? -1 : Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * One line for people: what failed, how, and where its log is.
     *
     * @return e.g. {@code wave-02 trial 3 failed 2 time(s), last exit status 1 (job 812_3); log: ...}
     */
    public String describe() {
        return group + " trial " + trial + " failed " + attempts + " time(s), last exit status " + exitStatus
                + " (job " + job + "); log: " + log;
    }
}
