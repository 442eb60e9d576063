package dev.lottery.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.lottery.nn.UserError;
import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.backend.cpu.CpuBackend;
import dev.lottery.nn.data.DataSplit;
import dev.lottery.nn.model.SyntheticData;
import dev.lottery.nn.data.DatasetName;
import dev.lottery.nn.io.Npy;
import dev.lottery.nn.model.ModelSpec;
import dev.lottery.nn.model.Network;
import dev.lottery.nn.model.Parameter;
import dev.lottery.nn.model.Presets;
import dev.lottery.nn.train.Normalization;
import dev.lottery.nn.train.OptimizerSpec;
import dev.lottery.nn.train.ResidentData;
import dev.lottery.nn.train.TrainingListener;
import dev.lottery.nn.train.TrainingSpec;
import dev.lottery.prune.MaskFiles;
import dev.lottery.prune.PruningStrategy;
import dev.lottery.prune.SurvivorCount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Experiments end to end on a small network and synthetic data: invariants, layout, resume, kill-and-resume. */
class ExperimentTest {
    static final int FEATURES = 48;
    static final ModelSpec MODEL = Presets.lenet("tiny", 40, 20).withInput(FEATURES);
    static final DataSplit DATA = SyntheticData.split(600, 200, FEATURES, 10);
    private final Backend backend = new CpuBackend();

    static ExperimentSpec spec() {
        return new ExperimentSpec("tiny", MODEL, DatasetName.MNIST,
                new TrainingSpec(OptimizerSpec.sgd(0.05), 30, 60, 20, 0),
                PruningStrategy.LayerwiseMagnitude.fullyConnected(0.4),
                List.of(PruningMode.ITERATIVE, PruningMode.ONESHOT), List.of(Arm.values()), 2, 2, 7, new ResetMode.ToInit());
    }

    private Path run(Path root, ExperimentSpec s, ExperimentListener l) {
        return Experiment.of(s).on(backend).withData(DATA).run(root, l);
    }

    static JsonObject json(Path file) throws IOException {
        return JsonParser.parseString(Files.readString(file)).getAsJsonObject();
    }

    @Test
    void canonicalStringAndHashNameTheDirectory() {
        ExperimentSpec s = spec();
        assertTrue(s.canonical().contains("strategy=layerwise_magnitude(fc=0.4,conv=0.0,output=0.2)\n"), s.canonical());
        assertTrue(s.canonical().contains("modes=iterative,oneshot\n"));
        assertEquals(s.hash(), spec().hash());
        assertEquals("tiny-" + s.hash().substring(0, 12), s.directoryName());
        assertNotEquals(s.hash(), s.withTrials(3).hash());
        assertNotEquals(s.hash(), s.withReset(new ResetMode.Rewind(10)).hash());
        // the order modes and arms are given in does not matter
        assertEquals(s.hash(), s.withArms(List.of(Arm.REARRANGE, Arm.TICKET, Arm.REINIT)).hash());
        assertThrows(UserError.class, () -> s.withArms(List.of(Arm.REINIT)));
        assertThrows(UserError.class, () -> s.withReset(new ResetMode.Rewind(60)));
    }

    @Test
    void runWritesTheLayoutAndKeepsTheInvariants(@TempDir Path root) throws IOException {
        ExperimentSpec s = spec();
        Path dir = run(root, s, ExperimentListener.NONE);
        assertEquals(root.resolve(s.directoryName()), dir);
        JsonObject manifest = json(dir.resolve("manifest.json"));
        assertEquals(s.hash(), manifest.get("hash").getAsString());
        assertEquals(s.canonical(), manifest.get("canonical").getAsString());
        for (Unit u : Unit.plan(s)) {
            Path ud = dir.resolve(u.path());
            assertTrue(Files.isRegularFile(ud.resolve("DONE")), u.label());
            assertTrue(Files.isRegularFile(ud.resolve("metrics.json")));
            JsonObject m = json(ud.resolve("metrics.json"));
            assertEquals(4, m.getAsJsonObject("series").getAsJsonArray("test_accuracy").size(), "evaluations at 0, 20, 40, 60");
            // masked weights are exactly 0 in the final weights; per-layer counts follow the rounding rule
            for (String layer : List.of("fc1", "fc2", "fc3")) {
                float[] w = Npy.read(ud.resolve(layer + ".weight.npy")).floats();
                boolean[] mask = MaskFiles.readBooleans(ud, layer + ".weight");
                long kept = 0;
                for (int i = 0; i < w.length; i++) {
                    if (mask[i]) kept++;
                    else assertEquals(0, Float.floatToRawIntBits(w[i]), u.path() + " " + layer + "[" + i + "]");
                }
                double rate = layer.equals("fc3") ? 0.2 : 0.4;
                assertEquals(PruningStrategy.remainingAfter(w.length, rate, u.level()), kept, u.path() + " " + layer);
                assertEquals(kept, m.getAsJsonObject("remaining").getAsJsonObject("layers").getAsJsonObject(layer + ".weight").get("remaining").getAsLong());
            }
        }
        assertTrue(Files.isRegularFile(dir.resolve("trial-1/theta0/fc1.weight.npy")));
        assertTrue(Files.isRegularFile(dir.resolve("trial-0/iterative/rearrange/level-02/DONE")));
        // the reinit arm shares the ticket's mask, the rearranged one only its per-layer counts
        Path ticket = dir.resolve("trial-0/iterative/ticket/level-02");
        Path reinit = dir.resolve("trial-0/iterative/reinit/level-02");
        Path rearranged = dir.resolve("trial-0/iterative/rearrange/level-02");
        for (String p : List.of("fc1.weight", "fc2.weight", "fc3.weight")) {
            assertArrayEquals(MaskFiles.readBooleans(ticket, p), MaskFiles.readBooleans(reinit, p), p);
            assertFalse(java.util.Arrays.equals(MaskFiles.readBooleans(ticket, p), MaskFiles.readBooleans(rearranged, p)), p);
            assertEquals(count(MaskFiles.readBooleans(ticket, p)), count(MaskFiles.readBooleans(rearranged, p)), p);
        }
        // rerunning a complete experiment does nothing
        int[] started = {0};
        run(root, s, new ExperimentListener() {
            @Override
            public TrainingListener onUnitStart(Unit unit, int index, int units) {
                started[0]++;
                return TrainingListener.NONE;
            }
        });
        assertEquals(0, started[0]);
    }

    private static long count(boolean[] b) {
        long n = 0;
        for (boolean x : b) if (x) n++;
        return n;
    }

    @Test
    void everyArmStartsFromTheRightValues(@TempDir Path root) {
        ExperimentSpec s = spec().withModes(List.of(PruningMode.ITERATIVE)).withLevels(2).withTrials(1);
        Path dir = run(root, s, ExperimentListener.NONE);
        ResultsStore store = ResultsStore.existing(dir);
        float[][] theta0 = new float[3][];
        for (int i = 0; i < 3; i++) theta0[i] = Npy.read(store.theta0Dir(0).resolve("fc" + (i + 1) + ".weight.npy")).floats();
        try (ResidentData data = ResidentData.upload(backend, DATA, Normalization.NONE)) {
            UnitRunner runner = new UnitRunner(s, store, backend, data);
            for (Arm arm : Arm.values()) {
                try (Network net = Network.create(MODEL, backend, 12345)) {
                    runner.prepare(net, new Unit.Pruned(0, PruningMode.ITERATIVE, arm, 2));
                    SurvivorCount.requireMaskedWeightsZero(net, arm.cliName());
                    List<Parameter> ps = net.prunable();
                    int equalToTheta0 = 0, survivors = 0;
                    for (int i = 0; i < 3; i++) {
                        float[] w = ps.get(i).value().toArray();
                        float[] m = ps.get(i).mask().toArray();
                        for (int j = 0; j < w.length; j++) {
                            if (m[j] == 0) continue;
                            survivors++;
                            if (Float.floatToRawIntBits(w[j]) == Float.floatToRawIntBits(theta0[i][j])) equalToTheta0++;
                        }
                    }
                    if (arm == Arm.REINIT) {
                        assertTrue(equalToTheta0 < survivors / 100 + 1, "reinit draws new values: " + equalToTheta0 + " of " + survivors);
                    } else {
                        assertEquals(survivors, equalToTheta0, arm + ": every survivor equals θ0 bitwise");
                    }
                }
            }
        }
    }

    @Test
    void rewindResetsToTheCapturedIteration(@TempDir Path root) throws IOException {
        ExperimentSpec s = spec().withModes(List.of(PruningMode.ITERATIVE)).withArms(List.of(Arm.TICKET)).withLevels(1).withTrials(1)
                .withReset(new ResetMode.Rewind(20));
        Path dir = run(root, s, ExperimentListener.NONE);
        float[] rewind = Npy.read(dir.resolve("trial-0/rewind/fc1.weight.npy")).floats();
        float[] theta0 = Npy.read(dir.resolve("trial-0/theta0/fc1.weight.npy")).floats();
        assertFalse(java.util.Arrays.equals(rewind, theta0), "the rewind point is trained for 20 iterations");
        ResultsStore store = ResultsStore.existing(dir);
        try (ResidentData data = ResidentData.upload(backend, DATA, Normalization.NONE);
             Network net = Network.create(MODEL, backend, 1)) {
            new UnitRunner(s, store, backend, data).prepare(net, new Unit.Pruned(0, PruningMode.ITERATIVE, Arm.TICKET, 1));
            float[] w = net.prunable().getFirst().value().toArray();
            float[] m = net.prunable().getFirst().mask().toArray();
            for (int j = 0; j < w.length; j++) assertEquals(m[j] == 0 ? 0f : rewind[j], w[j], "fc1[" + j + "]");
        }
    }

    @Test
    void resumingWithDifferentSettingsIsRefusedNamingTheDifference(@TempDir Path root) {
        ExperimentSpec s = spec().withLevels(1).withTrials(1).withModes(List.of(PruningMode.ITERATIVE));
        Path dir = ResultsStore.open(root, s).dir();
        UserError e = assertThrows(UserError.class, () -> ResultsStore.open(dir, s.withTrials(3).withSeed(9)));
        assertTrue(e.getMessage().contains("trials: 1 in the results vs 3 requested"), e.getMessage());
        assertTrue(e.getMessage().contains("seed: 7 in the results vs 9 requested"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertEquals(dir, ResultsStore.open(dir, s).dir(), "the same settings resume");
    }

    /** A run killed in its second unit, resumed with other kernels: refused; with the same: resumed. */
    @Test
    void resumingWithKernelsThatRoundOtherwiseIsRefused(@TempDir Path root) throws IOException {
        ExperimentSpec s = spec().withLevels(1).withTrials(1).withModes(List.of(PruningMode.ITERATIVE));
        ExperimentListener killer = new ExperimentListener() {
            @Override
            public TrainingListener onUnitStart(Unit unit, int index, int units) {
                return new TrainingListener() {
                    @Override
                    public void onIteration(long iteration, long total) {
                        if (index == 1) throw new Killed();
                    }
                };
            }
        };
        assertThrows(Killed.class, () -> run(root, s, killer));
        Path dir = root.resolve(s.directoryName());
        assertEquals(backend.kernelGeneration(), json(dir.resolve(ResultsStore.MANIFEST)).get(ResultsStore.KERNELS).getAsString());
        try (Backend dense = new CpuBackend(false)) {
            UserError e = assertThrows(UserError.class, () -> Experiment.of(s).on(dense).withData(DATA).run(dir, ExperimentListener.NONE));
            assertTrue(e.getMessage().contains("computed by the " + backend.kernelGeneration() + " kernels"), e.getMessage());
            assertTrue(e.getMessage().contains(dense.kernelGeneration()), e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
        }
        assertEquals(dir, run(dir, s, ExperimentListener.NONE), "the same kernels resume");
        // A directory whose units a version without the record computed is refused too; a fresh one takes the record.
        JsonObject manifest = json(dir.resolve(ResultsStore.MANIFEST));
        manifest.remove(ResultsStore.KERNELS);
        Files.writeString(dir.resolve(ResultsStore.MANIFEST), manifest.toString());
        UserError old = assertThrows(UserError.class, () -> ResultsStore.existing(dir).requireKernels(backend.kernelGeneration()));
        assertTrue(old.getMessage().contains("did not record its kernels"), old.getMessage());
        ResultsStore fresh = ResultsStore.open(root.resolve("fresh"), s);
        fresh.requireKernels("cpu-test");
        assertEquals("cpu-test", json(fresh.dir().resolve(ResultsStore.MANIFEST)).get(ResultsStore.KERNELS).getAsString());
    }

    /** Thrown by the test listener to kill a run in the middle of a unit. */
    static final class Killed extends RuntimeException {
        Killed() {
            super("killed");
        }
    }

    @Test
    void aKilledAndResumedRunGivesBitwiseTheSameFiles(@TempDir Path root) throws IOException {
        ExperimentSpec s = spec();
        Path whole = run(root.resolve("whole"), s, ExperimentListener.NONE);
        // kill in the middle of two different units (iteration 30 of 60), resuming after each
        ExperimentListener killer = new ExperimentListener() {
            int seen;

            @Override
            public TrainingListener onUnitStart(Unit unit, int index, int units) {
                boolean kill = index == 4 || index == 9;
                return new TrainingListener() {
                    @Override
                    public void onIteration(long iteration, long total) {
                        if (kill && iteration == 30) throw new Killed();
                    }
                };
            }
        };
        Path root2 = root.resolve("resumed");
        assertThrows(Killed.class, () -> run(root2, s, killer));
        Path resumedDir = root2.resolve(s.directoryName());
        Unit partial = Unit.plan(s).get(4);
        assertEquals(ResultsStore.UnitState.PARTIAL, ResultsStore.existing(resumedDir).state(partial));
        assertThrows(Killed.class, () -> run(root2, s, killer)); // redoes unit 4, dies in unit 9
        Path resumed = run(root2, s, ExperimentListener.NONE);
        Map<String, byte[]> a = files(whole), b = files(resumed);
        assertEquals(a.keySet(), b.keySet());
        assertTrue(a.size() > 100, "files compared: " + a.size());
        for (String f : a.keySet()) assertArrayEquals(a.get(f), b.get(f), f);
    }

    /** Every file except timing.json (wall time), by relative path. */
    static Map<String, byte[]> files(Path dir) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                if (p.getFileName().toString().equals(ResultsStore.TIMING)) continue;
                out.put(dir.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return out;
    }
}
