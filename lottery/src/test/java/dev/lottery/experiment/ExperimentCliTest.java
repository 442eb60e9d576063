package dev.lottery.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.lottery.cli.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end on real MNIST through the command line: a short iterative lenet-300-100 experiment (2 levels, 200
 * iterations per network, 1 trial, both controls), then status and report.
 */
class ExperimentCliTest {
    private static CliRun cli(String... args) {
        return CliRun.of(args);
    }

    @Test
    void runStatusAndReportAShortLenetExperimentOnMnist(@TempDir Path root) throws Exception {
        String[] common = {"--preset", "lenet-quick", "--results", root.toString(), "--trials", "1", "--levels", "2", "--iterations", "200"};
        CliRun run = cli(concat(new String[] {"experiment", "run", "--device", "cpu"}, common));
        assertEquals(0, run.code(), run.err());
        ExperimentSpec spec = ExperimentPresets.get("lenet-quick").withTrials(1).withLevels(2)
                .withTraining(new dev.lottery.nn.train.TrainingSpec(ExperimentPresets.get("lenet-quick").training().optimizer(), 60, 200, 100, 0));
        Path dir = root.resolve(spec.directoryName());
        assertTrue(run.out().contains("results: " + dir), run.out());
        JsonObject dense = ExperimentTest.json(dir.resolve("trial-0/level-00/metrics.json"));
        assertTrue(dense.get("final_test_accuracy").getAsDouble() > 0.85, "dense lenet after 200 iterations: " + dense);
        JsonObject ticket = ExperimentTest.json(dir.resolve("trial-0/iterative/ticket/level-02/metrics.json"));
        assertEquals(0.25, ticket.getAsJsonObject("remaining").getAsJsonObject("layers").getAsJsonObject("fc1.weight").get("fraction").getAsDouble(), 1e-9);
        assertTrue(ticket.get("final_test_accuracy").getAsDouble() > 0.85, ticket.toString());

        CliRun status = cli(concat(new String[] {"experiment", "status"}, common));
        assertEquals(0, status.code(), status.err());
        assertTrue(status.out().contains("7 units: 7 done, 0 partial, 0 pending"), status.out());
        assertTrue(status.out().contains("done     trial-0/iterative/rearrange/level-02"), status.out());

        CliRun report = cli("report", dir.toString());
        assertEquals(0, report.code(), report.err());
        assertTrue(Files.isRegularFile(dir.resolve("report/figure3.png")));
        assertTrue(Files.readString(dir.resolve("report/report.md")).contains("| 2 |"));

        // resuming the same directory with other settings is refused in one line, exit code 2
        CliRun refused = cli("experiment", "run", "--device", "cpu", "--results", dir.toString(), "--trials", "2", "--levels", "2", "--iterations", "200");
        assertEquals(2, refused.code());
        assertTrue(refused.err().contains("trials: 1 in the results vs 2 requested"), refused.err());
        assertEquals(1, refused.err().strip().lines().count(), refused.err());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
