package dev.lottery.experiment.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lottery.experiment.ExperimentPresets;
import dev.lottery.experiment.ExperimentSettings;
import dev.lottery.experiment.ExperimentSpec;
import dev.lottery.experiment.PruningMode;
import dev.lottery.experiment.ResultsStore;
import dev.lottery.experiment.Unit;
import dev.lottery.experiment.control.Controls;
import dev.lottery.nn.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How units become job arrays and scripts, without a cluster. */
class SlurmPlanTest {
    private static ExperimentSpec spec() {
        return ExperimentPresets.get("lenet-fig3").with(ExperimentSettings.TRIALS, 3).with(ExperimentSettings.LEVELS, 2);
    }

    @Test
    void arraySpecCompressesRuns() {
        assertEquals("0-4", SlurmSubmitter.arraySpec(List.of(0, 1, 2, 3, 4)));
        assertEquals("0,2,5-7", SlurmSubmitter.arraySpec(List.of(0, 2, 5, 6, 7)));
        assertEquals("3", SlurmSubmitter.arraySpec(List.of(3)));
    }

    private static List<String> names(List<UnitGroup> groups) {
        return groups.stream().map(UnitGroup::name).toList();
    }

    @Test
    void oneArrayPerWaveOfUnitsThatBecomeReadyTogether(@TempDir Path root) {
        ExperimentSpec s = spec();
        ResultsStore store = ResultsStore.open(root, s);
        List<SlurmSubmitter.PlannedArray> plan = SlurmSubmitter.plan(Unit.plan(s), store);
        assertEquals(List.of("dense-l00", "wave-01", "wave-02", "wave-03"), plan.stream().map(a -> a.wave().name()).toList());
        assertEquals(List.of("iterative-ticket-l01", "oneshot-ticket-l01", "oneshot-ticket-l02"), names(plan.get(1).wave().groups()),
                "the first iterative ticket beside every one-shot ticket");
        assertEquals(List.of("iterative-reinit-l01", "iterative-rearrange-l01", "oneshot-reinit-l01", "oneshot-rearrange-l01",
                "iterative-ticket-l02", "oneshot-reinit-l02", "oneshot-rearrange-l02"), names(plan.get(2).wave().groups()),
                "the next iterative ticket beside the controls of the level before");
        assertEquals(List.of("iterative-reinit-l02", "iterative-rearrange-l02"), names(plan.get(3).wave().groups()));
        for (int i = 0; i < plan.size(); i++) {
            SlurmSubmitter.PlannedArray a = plan.get(i);
            assertEquals(List.of(0, 1, 2), a.trials());
            assertEquals(i == 0 ? List.of() : List.of(plan.get(i - 1).wave()), a.waitsFor(), a.wave().name());
        }
        // Every unit is in exactly one wave, and no unit waits for one of its own wave.
        List<Unit> covered = plan.stream().flatMap(a -> a.wave().units(0).stream()).toList();
        assertEquals(Unit.plan(s).stream().filter(u -> u.trial() == 0).sorted(Comparator.comparing(Unit::path)).toList(),
                covered.stream().sorted(Comparator.comparing(Unit::path)).toList());
        for (SlurmSubmitter.PlannedArray a : plan) {
            for (Unit u : a.wave().units(0)) assertTrue(u.dependencies().stream().noneMatch(a.wave().units(0)::contains), u.label());
        }
    }

    @Test
    void completeUnitsAreNotResubmitted(@TempDir Path root) throws Exception {
        ExperimentSpec s = spec().with(ExperimentSettings.TRIALS, 2).with(ExperimentSettings.LEVELS, 1);
        ResultsStore store = ResultsStore.open(root, s);
        List<Unit> units = Unit.plan(s);
        // trial 0 finished entirely; trial 1 finished its dense level and iterative ticket
        for (Unit u : units) {
            boolean done = u.trial() == 0 || u instanceof Unit.Dense
                    || (u instanceof Unit.Pruned p && p.mode() == PruningMode.ITERATIVE && p.control() == Controls.TICKET);
            if (done) ResultsStore.writeText(store.unitDir(u).resolve(ResultsStore.DONE), "done\n");
        }
        List<SlurmSubmitter.PlannedArray> plan = SlurmSubmitter.plan(units, store);
        assertEquals(List.of("oneshot-ticket-l01", "wave-02"), plan.stream().map(a -> a.wave().name()).toList(),
                "waves keep their depth when earlier units are complete");
        assertEquals(List.of("iterative-reinit-l01", "iterative-rearrange-l01", "oneshot-reinit-l01", "oneshot-rearrange-l01"),
                names(plan.get(1).wave().groups()));
        for (SlurmSubmitter.PlannedArray a : plan) assertEquals(List.of(1), a.trials(), "only the unfinished trial");
        assertEquals(List.of(), plan.get(0).waitsFor(), "the dense level is complete: no wait");
        assertEquals(List.of(plan.get(0).wave()), plan.get(1).waitsFor());
        for (Unit u : units) ResultsStore.writeText(store.unitDir(u).resolve(ResultsStore.DONE), "done\n");
        assertEquals(List.of(), SlurmSubmitter.plan(units, store));
    }

    @Test
    void groupNamesReadBack() {
        for (Unit u : Unit.plan(spec())) {
            UnitGroup g = UnitGroup.of(u);
            assertEquals(g, Wave.group(g.name()));
        }
        assertThrows(UserError.class, () -> Wave.group("iterative-l02"));
        assertEquals(List.of(new Unit.Dense(4), new Unit.Pruned(4, PruningMode.ONESHOT, Controls.REINIT, 3)),
                UnitJob.units("dense-l00, oneshot-reinit-l03", 4));
    }

    @Test
    void profilesInBothFormatsAndFlagsOverThem(@TempDir Path dir) throws Exception {
        Path kv = dir.resolve("gpu.profile");
        Files.writeString(kv, "# a GPU partition\npartition=gpu\naccount = lab\ngres=gpu:1\ncpus=4\nmemory=16G\ntime=02:00:00\nsbatch=--exclusive --constraint=a100\n");
        Path json = dir.resolve("gpu.json");
        Files.writeString(json, "{\"partition\": \"gpu\", \"account\": \"lab\", \"gres\": \"gpu:1\", \"cpus\": 4, \"memory\": \"16G\","
                + " \"time\": \"02:00:00\", \"sbatch\": [\"--exclusive\", \"--constraint=a100\"]}");
        SlurmResources a = SlurmResources.readProfile(kv), b = SlurmResources.readProfile(json);
        assertEquals(a, b);
        assertEquals(List.of("--partition=gpu", "--account=lab", "--gres=gpu:1", "--cpus-per-task=4", "--mem=16G",
                "--time=02:00:00", "--exclusive", "--constraint=a100"), a.sbatchOptions());
        SlurmResources flags = new SlurmResources("debug", null, null, 2, null, null, null, List.of("--nice=10"));
        assertEquals(List.of("--partition=debug", "--account=lab", "--gres=gpu:1", "--cpus-per-task=2", "--mem=16G",
                "--time=02:00:00", "--exclusive", "--constraint=a100", "--nice=10"), flags.over(a).sbatchOptions());
        Files.writeString(kv, "gpus=2\n");
        UserError e = assertThrows(UserError.class, () -> SlurmResources.readProfile(kv));
        assertTrue(e.getMessage().contains("unknown key 'gpus'"), e.getMessage());
        assertThrows(UserError.class, () -> new SlurmResources(null, null, null, null, "lots", null, null, List.of()));
    }

    @Test
    void clusterJobsTakeOverTheHeapVectorWidthCollectorAndLotterySettings() {
        List<String> jvm = List.of("-Xmx8g", "-XX:UseAVX=3", "-XX:+UseSerialGC", "-Dlottery.cpu.sparse=false", "-Xss4m",
                "-XX:AOTCache=/home/u/.cache/lottery/aot/x.aot", "-Xlog:aot=off", "-Dlottery.home=/repo/x", "-XX:+UseG1GCish",
                "-Duser.dir=/tmp", "--enable-native-access=ALL-UNNAMED");
        assertEquals(List.of("-Xmx8g", "-XX:UseAVX=3", "-XX:+UseSerialGC", "-Dlottery.cpu.sparse=false", "-Xss4m", "-Dlottery.home=/repo/x"),
                JavaLauncher.carried(jvm));
        assertEquals(List.of("-XX:+UseParallelGC"),
                JavaLauncher.carried(List.of("-XX:-UseAdaptiveSizePolicyWithSystemGC", "-XX:+UseParallelGC", "-XX:+PrintGC")));
    }

    @Test
    void jobScriptIsValidBashAndQuotesPaths(@TempDir Path dir) throws Exception {
        Path results = dir.resolve("my results");
        JavaLauncher launcher = new JavaLauncher(Path.of("/opt/jdk 25/bin/java"), JavaLauncher.REQUIRED_OPTIONS,
                Path.of("/shared/lottery-cli.jar"), null);
        Wave wave = new Wave(2, List.of(new UnitGroup.Pruned(PruningMode.ITERATIVE, Controls.REINIT, 3),
                new UnitGroup.Pruned(PruningMode.ITERATIVE, Controls.TICKET, 4)));
        JobScript js = new JobScript(wave, results, launcher,
                List.of("--device", "cpu", "--data-dir", "/data/it's", "--checkpoint-every", "100"), 3);
        String text = js.render();
        assertTrue(text.contains("'/opt/jdk 25/bin/java' --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector"
                + " -jar /shared/lottery-cli.jar experiment run-unit --results '" + results + "' --units iterative-reinit-l03,iterative-ticket-l04"
                + " --device cpu --data-dir '/data/it'\\''s' --checkpoint-every 100 --trial \"$trial\""), text);
        Path script = dir.resolve("job.sh");
        Files.writeString(script, text);
        Process p = new ProcessBuilder("bash", "-n", script.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
    }

    @Test
    void jobScriptRetriesThenRecordsTheFailureWithItsLog(@TempDir Path dir) throws Exception {
        // A "java" that always fails: the script must try `attempts` times and leave a failure record.
        Path fakeJava = dir.resolve("java");
        Files.writeString(fakeJava, "#!/bin/sh\necho \"run $*\" >> \"" + dir.resolve("calls") + "\"\nexit 1\n");
        fakeJava.toFile().setExecutable(true);
        Path results = dir.resolve("results");
        JobScript js = new JobScript(new Wave(0, List.of(new UnitGroup.Dense())), results, new JavaLauncher(fakeJava, List.of(), null, "cp"),
                List.of(), 3);
        Path script = dir.resolve("job.sh");
        Files.writeString(script, js.render());
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true);
        pb.environment().put("SLURM_ARRAY_TASK_ID", "1");
        pb.environment().put("SLURM_ARRAY_JOB_ID", "77");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(1, p.waitFor(), out);
        assertEquals(3, Files.readAllLines(dir.resolve("calls")).size(), "three attempts");
        List<FailedUnit> failed = FailedUnit.read(results);
        assertEquals(1, failed.size());
        FailedUnit f = failed.getFirst();
        assertEquals(new FailedUnit("dense-l00", 1, 1, 3, "77_1", JobScript.logsDir(results).resolve("dense-l00-t1.log")), f);
    }
}
