package dev.lottery.report;

import dev.lottery.experiment.ResultsStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The experiments under a results root ({@code <root>/<name>-<hash12>/}), by experiment name, for the figures that
 * compare experiments (4-7). When one name has several directories (e.g. another data set or trial count), the one
 * with the most finished units is used, so a finished run wins over a started one.
 */
final class ResultsRoot {
    private final Path dir;
    private final Map<String, ExperimentResults> byName;

    private ResultsRoot(Path dir, Map<String, ExperimentResults> byName) {
        this.dir = dir;
        this.byName = byName;
    }

    /** True when {@code dir} is not itself an experiment but holds at least one. */
    static boolean isRoot(Path dir) {
        return !ResultsStore.isExperimentDirectory(dir) && !experimentDirs(dir).isEmpty();
    }

    static ResultsRoot load(Path dir) {
        Map<String, ExperimentResults> best = new LinkedHashMap<>();
        for (Path d : experimentDirs(dir)) {
            ExperimentResults r = ExperimentResults.load(d);
            best.merge(r.spec().name(), r, (a, b) -> b.units().size() > a.units().size() ? b : a);
        }
        return new ResultsRoot(dir, best);
    }

    private static List<Path> experimentDirs(Path dir) {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(ResultsStore::isExperimentDirectory).sorted(Comparator.naturalOrder()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    Path dir() {
        return dir;
    }

    /** The experiment called {@code name}, when it has at least one finished unit. */
    Optional<ExperimentResults> get(String name) {
        ExperimentResults r = byName.get(name);
        return r == null || r.units().isEmpty() ? Optional.empty() : Optional.of(r);
    }

    Map<String, ExperimentResults> all() {
        return byName;
    }
}
