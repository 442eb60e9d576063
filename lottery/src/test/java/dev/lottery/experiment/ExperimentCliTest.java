package dev.lottery.experiment;

import static dev.lottery.experiment.ExperimentSettings.ARMS;
import static dev.lottery.experiment.ExperimentSettings.LEVELS;
import static dev.lottery.experiment.ExperimentSettings.TRAINING;
import static dev.lottery.experiment.ExperimentSettings.TRIALS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.lottery.cli.CliRun;
import dev.lottery.experiment.control.Controls;
import dev.lottery.nn.train.TrainingSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end on real MNIST through the command line: a short iterative lenet-300-100 experiment (2 levels, 200
 * iterations per network, 1 trial, both controls and the signs control), then status, report, and one unit redone
 * by {@code run-unit} from the manifest alone.
 */
class ExperimentCliTest {
    private static CliRun cli(String... args) {
        return CliRun.of(args);
    }

    @Test
    void runStatusAndReportAShortLenetExperimentOnMnist(@TempDir Path root) throws Exception {
        String[] common = {"--preset", "lenet-quick", "--results", root.toString(), "--trials", "1", "--levels", "2", "--iterations", "200",
                "--arms", "ticket,reinit,rearrange,signs"};
        CliRun run = cli(concat(new String[] {"experiment", "run", "--device", "cpu"}, common));
        assertEquals(0, run.code(), run.err());
        ExperimentSpec quick = ExperimentPresets.get("lenet-quick");
        ExperimentSpec spec = quick.toBuilder().set(TRIALS, 1).set(LEVELS, 2).set(ARMS, Controls.all())
                .set(TRAINING, new TrainingSpec(quick.training().optimizer(), 60, 200, 100, 0)).build();
        Path dir = root.resolve(spec.directoryName());
        assertTrue(run.out().contains("results: " + dir), run.out());
        JsonObject dense = ExperimentTest.json(dir.resolve("trial-0/level-00/metrics.json"));
        assertTrue(dense.get("final_test_accuracy").getAsDouble() > 0.85, "dense lenet after 200 iterations: " + dense);
        JsonObject ticket = ExperimentTest.json(dir.resolve("trial-0/iterative/ticket/level-02/metrics.json"));
        assertEquals(0.25, ticket.getAsJsonObject("remaining").getAsJsonObject("layers").getAsJsonObject("fc1.weight").get("fraction").getAsDouble(), 1e-9);
        assertTrue(ticket.get("final_test_accuracy").getAsDouble() > 0.85, ticket.toString());
        // the built-in data set's pinned files are recorded (not hashed)
        assertEquals("sha256:ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
                ResultsStore.existing(dir).provenance().get(Provenance.DATA_FILE + "train-images-idx3-ubyte"));

        CliRun status = cli(concat(new String[] {"experiment", "status"}, common));
        assertEquals(0, status.code(), status.err());
        assertTrue(status.out().contains("9 units: 9 done, 0 partial, 0 pending"), status.out());
        assertTrue(status.out().contains("done     trial-0/iterative/signs/level-02"), status.out());

        CliRun report = cli("report", dir.toString());
        assertEquals(0, report.code(), report.err());
        assertTrue(Files.isRegularFile(dir.resolve("report/figure3.png")));
        String md = Files.readString(dir.resolve("report/report.md"));
        assertTrue(md.contains("| level | % weights remaining | ticket | reinit | rearrange | signs |"), md);
        assertTrue(md.contains("| 2 | 25.12 |"), md);

        // a cluster job's run-unit needs only the directory: the settings come from its manifest, and the unit redone
        // from them, on one thread where the run had two, is bitwise the one the run wrote
        Path unit = dir.resolve("trial-0/iterative/signs/level-02");
        Map<String, byte[]> before = ExperimentTest.files(unit);
        Files.delete(unit.resolve(ResultsStore.DONE));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream stderr = System.err;
        CliRun redo;
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            redo = cli("experiment", "run-unit", "--results", dir.toString(), "--trial", "0", "--level", "2", "--arm", "signs",
                    "--device", "cpu", "--threads", "1");
        } finally {
            System.setErr(stderr);
        }
        assertEquals(0, redo.code(), redo.err());
        assertTrue(log.toString(StandardCharsets.UTF_8).contains(", 1 thread on "), "the job's log names its backend: " + log);
        Map<String, byte[]> after = ExperimentTest.files(unit);
        assertEquals(before.keySet(), after.keySet());
        for (String f : before.keySet()) assertArrayEquals(before.get(f), after.get(f), f);

        // resuming the same directory with other settings is refused in one line, exit code 2
        CliRun refused = cli("experiment", "run", "--device", "cpu", "--results", dir.toString(), "--trials", "2", "--levels", "2", "--iterations", "200",
                "--arms", "ticket,reinit,rearrange,signs");
        assertEquals(2, refused.code());
        assertTrue(refused.err().contains("trials: 1 in the results vs 2 requested"), refused.err());
        assertEquals(1, refused.err().strip().lines().count(), refused.err());
    }

    /**
     * {@code --population 1 --concurrency 1} (one unit at a time), {@code --concurrency 1} (populations as large as
     * memory allows, here of both trials' units, one at a time) and the default (populations side by side, one per CPU
     * thread) write the same bytes on the CPU, timing.json aside.
     */
    @Test
    void populationOfOneAndTheDefaultWriteTheSameResults(@TempDir Path root) throws Exception {
        String[] common = {"experiment", "run", "--device", "cpu", "--preset", "lenet-quick", "--trials", "2", "--levels", "1",
                "--iterations", "100"};
        CliRun alone = cli(concat(common, new String[] {"--results", root.resolve("alone").toString(), "--population", "1", "--concurrency", "1"}));
        assertEquals(0, alone.code(), alone.err());
        CliRun grouped = cli(concat(common, new String[] {"--results", root.resolve("grouped").toString(), "--concurrency", "1"}));
        assertEquals(0, grouped.code(), grouped.err());
        CliRun byDefault = cli(concat(common, new String[] {"--results", root.resolve("default").toString()}));
        assertEquals(0, byDefault.code(), byDefault.err());
        assertEquals(List.of(1), populations(root.resolve("alone")));
        assertTrue(populations(root.resolve("grouped")).stream().anyMatch(n -> n > 2), "the default formed populations of both trials");
        Map<String, byte[]> a = ExperimentTest.files(root.resolve("alone"));
        assertEquals(8, a.keySet().stream().filter(f -> f.endsWith(ResultsStore.DONE)).count(), "units compared: " + a.keySet());
        for (String other : List.of("grouped", "default")) {
            Map<String, byte[]> b = ExperimentTest.files(root.resolve(other));
            assertEquals(a.keySet(), b.keySet(), other);
            for (String f : a.keySet()) assertArrayEquals(a.get(f), b.get(f), other + ": " + f);
        }
    }

    /** The distinct population sizes the units under {@code dir} trained in (their timing.json), in ascending order. */
    private static List<Integer> populations(Path dir) throws IOException {
        SortedSet<Integer> sizes = new TreeSet<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().equals(ResultsStore.TIMING)).toList()) {
                sizes.add(ExperimentTest.json(f).get("population").getAsInt());
            }
        }
        return List.copyOf(sizes);
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
