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
 * record is removed when a later attempt (a resubmission) completes the unit.
 */
public record FailedUnit(String group, int trial, int exitStatus, int attempts, String job, Path log) {
    /** Every failure record of an experiment directory, sorted by file name. */
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

    /** One line for people: what failed, how, and where its log is. */
    public String describe() {
        return group + " trial " + trial + " failed " + attempts + " time(s), last exit status " + exitStatus
                + " (job " + job + "); log: " + log;
    }
}
