package dev.lottery.experiment.slurm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lottery.cli.LotteryCli;
import dev.lottery.experiment.Experiment;
import dev.lottery.experiment.ExperimentPresets;
import dev.lottery.experiment.ExperimentSettings;
import dev.lottery.experiment.ExperimentSpec;
import dev.lottery.experiment.ResultsStore;
import dev.lottery.experiment.Unit;
import dev.lottery.experiment.UnitRunner;
import dev.lottery.nn.backend.DeviceChoice;
import dev.lottery.nn.train.TrainingSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Against a real one-node Slurm on this machine (scripts/slurm-local.sh: munged, slurmctld, slurmd; installed with
 * apt-get when missing): a tiny lenet sweep (2 trials, 2 levels, both controls) submitted as job arrays gives the
 * same bytes as the local engine, and so does a sweep cancelled mid-run with scancel and submitted again. Skips
 * with the reason only when Slurm cannot be installed or started here; stops the daemons it started, by pid.
 */
@Tag("slurm")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SlurmClusterTest {
    private static final long ITERATIONS = 100;
    private static final long CHECKPOINT_EVERY = 25;

    private Path stateDir;
    private Path script;
    private Map<String, String> env;
    private SlurmClient client;
    private Path work;
    private Path localDir;
    private boolean started;

    private static ExperimentSpec spec() {
        ExperimentSpec s = ExperimentPresets.get("lenet-quick");
        TrainingSpec t = s.training();
        return s.toBuilder().set(ExperimentSettings.TRIALS, 2).set(ExperimentSettings.LEVELS, 2)
                .set(ExperimentSettings.TRAINING, new TrainingSpec(t.optimizer(), t.batchSize(), ITERATIONS, t.evalEvery(), t.validationSize())).build();
    }

    /** The experiment options that build {@link #spec()} on the command line (and in the jobs). */
    private static List<String> specArgs() {
        return List.of("--preset", "lenet-quick", "--trials", "2", "--levels", "2", "--iterations", Long.toString(ITERATIONS));
    }

    @BeforeAll
    void startCluster() throws Exception {
        Path root = Path.of("").toAbsolutePath();
        while (root != null && !Files.isRegularFile(root.resolve("scripts/slurm-local.sh"))) root = root.getParent();
        Assumptions.assumeTrue(root != null, "scripts/slurm-local.sh not found above " + Path.of("").toAbsolutePath());
        script = root.resolve("scripts/slurm-local.sh");
        work = Files.createTempDirectory("lottery-slurm-test");
        stateDir = work.resolve("cluster");
        env = new TreeMap<>();
        env.put("LOTTERY_SLURM_DIR", stateDir.toString());
        // Free ports, so a cluster someone else runs on the default ports is neither reused nor disturbed.
        env.put("LOTTERY_SLURMCTLD_PORT", Integer.toString(freePort()));
        env.put("LOTTERY_SLURMD_PORT", Integer.toString(freePort()));
        ProcessBuilder pb = new ProcessBuilder(script.toString(), "start").redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        int rc = p.waitFor();
        Assumptions.assumeTrue(rc != 3, "Slurm cannot be set up here: " + out.strip());
        started = true;
        assertEquals(0, rc, "slurm-local.sh start failed:\n" + out);
        env.put("SLURM_CONF", stateDir.resolve("slurm.conf").toString());
        client = new SlurmClient(Map.of("SLURM_CONF", env.get("SLURM_CONF")));
        assertTrue(client.unavailableReason().isEmpty(), () -> client.unavailableReason().orElse(""));
        // The reference: the same sweep on the local engine, in this JVM.
        localDir = Experiment.of(spec()).on(DeviceChoice.CPU).run(work.resolve("local"));
    }

    @AfterAll
    void stopCluster() throws Exception {
        if (!started) return;
        ProcessBuilder pb = new ProcessBuilder(script.toString(), "stop").redirectErrorStream(true).inheritIO();
        pb.environment().putAll(env);
        pb.start().waitFor();
        // Daemons are gone; their state, the logs and all results go too (the temporary tree is this test's alone).
        try (Stream<Path> files = Files.walk(work)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void submittedSweepEqualsLocalRunBitwise() throws Exception {
        Path root = work.resolve("slurm-cli");
        // Through the command line, as a user would: submit, wait, then the status table.
        List<String> args = new ArrayList<>(List.of("experiment", "submit", "--engine", "slurm", "--device", "cpu",
                "--cpus", "1", "--time", "00:10:00", "--checkpoint-every", Long.toString(CHECKPOINT_EVERY), "--wait",
                "--results", root.toString()));
        args.addAll(specArgs());
        StringWriter out = new StringWriter();
        var cl = LotteryCli.commandLine();
        cl.setOut(new PrintWriter(out));
        int rc = withSlurmConf(() -> cl.execute(args.toArray(String[]::new)));
        assertEquals(0, rc, out.toString());
        // One array per wave: dense, ticket 1, (controls 1 + ticket 2), controls 2; the waves of several units train them together.
        assertTrue(out.toString().contains("submitted 4 job arrays for 14 pending units"), out.toString());
        assertTrue(out.toString().contains("wave-02 (iterative-reinit-l01, iterative-rearrange-l01, iterative-ticket-l02)"), out.toString());
        assertTrue(out.toString().contains("14 units: 14 done, 0 partial, 0 pending"), out.toString());
        Path dir = root.resolve(spec().directoryName());
        assertSameResults(localDir, dir);
        assertEquals(List.of(), FailedUnit.read(dir));
        assertFalse(containsCheckpoint(dir), "checkpoints are removed once a unit is done");
    }

    @Test
    void cancelledMidRunAndResubmittedEqualsLocalRunBitwise() throws Exception {
        ExperimentSpec s = spec();
        ResultsStore store = ResultsStore.open(work.resolve("slurm-cancel"), s);
        List<Unit> units = Unit.plan(s);
        SlurmSettings settings = new SlurmSettings(JavaLauncher.current(),
                new SlurmResources(null, null, null, 1, null, null, null, List.of()), List.of("--device", "cpu"), 2, CHECKPOINT_EVERY);
        SlurmSubmitter submitter = new SlurmSubmitter(client, settings);
        SweepMonitor monitor = new SweepMonitor(client, Duration.ofMillis(500));
        SlurmSubmitter.Submission first = submitter.submit(units, store);
        assertEquals(4, first.jobs().size());
        // Cancel as soon as some unit has saved a checkpoint but not finished: a kill in the middle of training.
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (!containsCheckpoint(store.dir()) && System.nanoTime() < deadline) Thread.sleep(20);
        client.cancel(first.jobIds());
        assertTrue(monitor.await(first.jobIds(), Duration.ofMinutes(1)), "cancelled jobs leave the queue");
        boolean interrupted = containsCheckpoint(store.dir());
        assertFalse(units.stream().allMatch(store::isDone), "the sweep was cut short");

        SlurmSubmitter.Submission second = submitter.submit(units, store);
        assertTrue(monitor.await(second.jobIds(), Duration.ofMinutes(4)), "resubmitted sweep finishes");
        assertTrue(units.stream().allMatch(store::isDone), "every unit complete after resubmitting: " + FailedUnit.read(store.dir()));
        assertSameResults(localDir, store.dir());
        if (interrupted) assertTrue(logsMention(store.dir(), "resuming"), "a partial unit resumed from its checkpoint");
    }

    private <T> T withSlurmConf(Callable<T> body) throws Exception {
        // The submit command uses the process environment; SLURM_CONF is not settable in-process, so the command
        // reads it from this system property's twin in SlurmClient's default environment.
        String before = System.getProperty(SlurmClient.CONF_PROPERTY);
        System.setProperty(SlurmClient.CONF_PROPERTY, env.get("SLURM_CONF"));
        try {
            return body.call();
        } finally {
            if (before == null) System.clearProperty(SlurmClient.CONF_PROPERTY);
            else System.setProperty(SlurmClient.CONF_PROPERTY, before);
        }
    }

    private static boolean containsCheckpoint(Path dir) throws IOException {
        // Running jobs write temporary files and rename them into place: one may vanish while the walk looks at it.
        for (int attempt = 1; ; attempt++) {
            try (Stream<Path> files = Files.walk(dir)) {
                return files.anyMatch(f -> f.getFileName().toString().equals(UnitRunner.CHECKPOINT));
            } catch (UncheckedIOException e) {
                if (!(e.getCause() instanceof NoSuchFileException) || attempt == 10) throw e;
            }
        }
    }

    private static boolean logsMention(Path dir, String text) throws IOException {
        try (Stream<Path> logs = Files.list(JobScript.logsDir(dir))) {
            for (Path log : logs.toList()) if (Files.readString(log).contains(text)) return true;
        }
        return false;
    }

    /** Every .npy and metrics.json of the local run exists in the other directory with the same bytes. */
    private static void assertSameResults(Path expected, Path actual) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(expected)) {
            files = s.filter(f -> f.toString().endsWith(".npy") || f.getFileName().toString().equals(ResultsStore.METRICS)
                    || f.getFileName().toString().equals(ResultsStore.DONE)).sorted().toList();
        }
        assertTrue(files.size() > 14 * 3, "expected files in " + expected + ": " + files.size());
        for (Path f : files) {
            Path rel = expected.relativize(f);
            Path other = actual.resolve(rel);
            assertTrue(Files.exists(other), "missing " + rel + " in " + actual);
            assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(other), "bytes of " + rel);
        }
    }
}
