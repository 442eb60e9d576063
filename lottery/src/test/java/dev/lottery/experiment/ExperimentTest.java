package dev.lottery.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static dev.lottery.experiment.ExperimentSettings.ARMS;
import static dev.lottery.experiment.ExperimentSettings.LEVELS;
import static dev.lottery.experiment.ExperimentSettings.MODEL;
import static dev.lottery.experiment.ExperimentSettings.MODES;
import static dev.lottery.experiment.ExperimentSettings.NAME;
import static dev.lottery.experiment.ExperimentSettings.RESET;
import static dev.lottery.experiment.ExperimentSettings.SEED;
import static dev.lottery.experiment.ExperimentSettings.STRATEGY;
import static dev.lottery.experiment.ExperimentSettings.TRAINING;
import static dev.lottery.experiment.ExperimentSettings.TRIALS;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.lottery.experiment.control.Control;
import dev.lottery.experiment.control.Controls;
import dev.lottery.experiment.control.UnitStart;
import dev.lottery.nn.UserError;
import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.backend.BackendOptions;
import dev.lottery.nn.backend.DeviceChoice;
import dev.lottery.nn.backend.cpu.CpuBackend;
import dev.lottery.nn.data.DataSplit;
import dev.lottery.nn.data.Dataset;
import dev.lottery.nn.model.SyntheticData;
import dev.lottery.nn.data.DatasetName;
import dev.lottery.nn.init.Initializer;
import dev.lottery.nn.io.Npy;
import dev.lottery.nn.model.ModelSpec;
import dev.lottery.nn.model.Network;
import dev.lottery.nn.model.Parameter;
import dev.lottery.nn.model.Presets;
import dev.lottery.nn.train.OptimizerSpec;
import dev.lottery.nn.train.TrainingListener;
import dev.lottery.nn.train.TrainingSpec;
import dev.lottery.prune.MaskFiles;
import dev.lottery.prune.PruningStrategy;
import dev.lottery.prune.SurvivorCount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Experiments end to end on a small network and synthetic data: invariants, layout, resume, kill-and-resume. */
class ExperimentTest {
    static final int FEATURES = 48;
    static final ModelSpec MODEL_SPEC = Presets.lenet("tiny", 40, 20).withInput(FEATURES);
    static final DataSplit DATA = SyntheticData.split(600, 200, FEATURES, 10);
    private final Backend backend = new CpuBackend();

    /** Every arm, both modes, 2 levels, 2 trials, 60 iterations per network; the data ({@link #DATA}) comes with {@link #run}. */
    static ExperimentSpec spec() {
        return ExperimentSpec.builder().set(NAME, "tiny").set(MODEL, MODEL_SPEC).dataset(DatasetName.MNIST)
                .set(TRAINING, new TrainingSpec(OptimizerSpec.sgd(0.05), 30, 60, 20, 0))
                .set(STRATEGY, PruningStrategy.LayerwiseMagnitude.fullyConnected(0.4))
                .set(MODES, List.of(PruningMode.ITERATIVE, PruningMode.ONESHOT)).set(ARMS, Controls.all())
                .set(LEVELS, 2).set(TRIALS, 2).set(SEED, 7L).set(RESET, new ResetMode.ToInit()).build();
    }

    /** {@code s} on {@link #DATA}: the spec that runs, and decides the directory. */
    static ExperimentSpec onData(ExperimentSpec s) {
        return Experiment.of(s).withData(DATA).spec();
    }

    /** One unit at a time, so listeners can count units. */
    private Path run(Path root, ExperimentSpec s, ExperimentListener l) {
        return run(root, s, l, new PopulationSize(1));
    }

    private Path run(Path root, ExperimentSpec s, ExperimentListener l, PopulationSize population) {
        return Experiment.of(s).on(backend).withData(DATA).withPopulation(population).run(root, l);
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
        assertNotEquals(s.hash(), s.with(TRIALS, 3).hash());
        assertNotEquals(s.hash(), s.with(RESET, new ResetMode.Rewind(10)).hash());
        // the order modes and arms are given in does not matter
        ExperimentSpec three = s.with(ARMS, List.of(Controls.REARRANGE, Controls.TICKET, Controls.REINIT));
        assertEquals(three.hash(), s.with(ARMS, List.of(Controls.TICKET, Controls.REINIT, Controls.REARRANGE, Controls.REINIT)).hash());
        assertTrue(three.canonical().contains("arms=ticket,reinit,rearrange\n"), three.canonical());
        UserError noTicket = assertThrows(UserError.class, () -> s.with(ARMS, List.of(Controls.REINIT)));
        assertEquals("arm reinit needs arm ticket (it starts from its results)", noTicket.getMessage());
        assertThrows(UserError.class, () -> s.with(RESET, new ResetMode.Rewind(60)));
        assertThrows(UserError.class, () -> s.with(TRIALS, 0));
    }

    @Test
    void runWritesTheLayoutAndKeepsTheInvariants(@TempDir Path root) throws IOException {
        ExperimentSpec s = onData(spec());
        Path dir = run(root, s, ExperimentListener.NONE);
        assertEquals(root.resolve(s.directoryName()), dir);
        JsonObject manifest = json(dir.resolve("manifest.json"));
        assertEquals(s.hash(), manifest.get("hash").getAsString());
        assertEquals(s.canonical(), manifest.get("canonical").getAsString());
        assertEquals(s, ResultsStore.existing(dir).spec(), "the manifest reads back to the spec that ran");
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
            assertFalse(Arrays.equals(MaskFiles.readBooleans(ticket, p), MaskFiles.readBooleans(rearranged, p)), p);
            assertEquals(count(MaskFiles.readBooleans(ticket, p)), count(MaskFiles.readBooleans(rearranged, p)), p);
        }
        // rerunning a complete experiment does nothing
        int[] started = {0};
        run(root, s, new ExperimentListener() {
            @Override
            public TrainingListener onPopulationStart(List<Unit> units, int done, int total) {
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
        ExperimentSpec s = onData(spec().with(MODES, List.of(PruningMode.ITERATIVE)).with(LEVELS, 2).with(TRIALS, 1));
        Path dir = run(root, s, ExperimentListener.NONE);
        ResultsStore store = ResultsStore.existing(dir);
        Unit.Pruned ticketUnit = new Unit.Pruned(0, PruningMode.ITERATIVE, Controls.TICKET, 2);
        for (Control arm : Controls.all()) {
            try (Network net = Network.create(MODEL_SPEC, backend, 12345)) {
                arm.prepare(new UnitStart(s, store, new Unit.Pruned(0, PruningMode.ITERATIVE, arm, 2), net));
                SurvivorCount.requireMaskedWeightsZero(net, arm.name());
                int equalToTheta0 = 0, survivors = 0;
                for (Parameter p : net.prunable()) {
                    float[] theta0 = Npy.read(store.theta0Dir(0).resolve(p.name() + ".npy")).floats();
                    float[] w = p.value().toArray();
                    float[] m = p.mask().toArray();
                    boolean[] ticketMask = MaskFiles.readBooleans(store.unitDir(ticketUnit), p.name());
                    float sigma = (float) (0.1 * Initializer.TRUNCATED_STD_FACTOR); // trunc_normal(0.1)
                    for (int j = 0; j < w.length; j++) {
                        if (arm != Controls.REARRANGE) assertEquals(ticketMask[j], m[j] != 0, arm.name() + " keeps the ticket's mask");
                        if (m[j] == 0) continue;
                        survivors++;
                        if (Float.floatToRawIntBits(w[j]) == Float.floatToRawIntBits(theta0[j])) equalToTheta0++;
                        if (arm == Controls.SIGNS) {
                            assertEquals(Float.floatToRawIntBits(Math.copySign(sigma, theta0[j])), Float.floatToRawIntBits(w[j]), p.name() + "[" + j + "]");
                        }
                    }
                }
                if (arm == Controls.REINIT || arm == Controls.SIGNS) {
                    assertTrue(equalToTheta0 < survivors / 100 + 1, arm.name() + " does not start from θ0: " + equalToTheta0 + " of " + survivors);
                } else {
                    assertEquals(survivors, equalToTheta0, arm.name() + ": every survivor equals θ0 bitwise");
                }
                // biases start as the ticket's (θ0: zeros) for every arm but reinit, which draws them again (zeros too)
                for (Parameter p : net.parameters()) if (!p.prunable()) assertArrayEquals(new float[(int) p.size()], p.value().toArray(), p.name());
            }
        }
    }

    @Test
    void rewindResetsToTheCapturedIteration(@TempDir Path root) throws IOException {
        ExperimentSpec s = onData(spec().toBuilder().set(MODES, List.of(PruningMode.ITERATIVE)).set(ARMS, List.of(Controls.TICKET))
                .set(LEVELS, 1).set(TRIALS, 1).set(RESET, new ResetMode.Rewind(20)).build());
        Path dir = run(root, s, ExperimentListener.NONE);
        float[] rewind = Npy.read(dir.resolve("trial-0/rewind/fc1.weight.npy")).floats();
        float[] theta0 = Npy.read(dir.resolve("trial-0/theta0/fc1.weight.npy")).floats();
        assertFalse(Arrays.equals(rewind, theta0), "the rewind point is trained for 20 iterations");
        ResultsStore store = ResultsStore.existing(dir);
        try (Network net = Network.create(MODEL_SPEC, backend, 1)) {
            Controls.TICKET.prepare(new UnitStart(s, store, new Unit.Pruned(0, PruningMode.ITERATIVE, Controls.TICKET, 1), net));
            float[] w = net.prunable().getFirst().value().toArray();
            float[] m = net.prunable().getFirst().mask().toArray();
            for (int j = 0; j < w.length; j++) assertEquals(m[j] == 0 ? 0f : rewind[j], w[j], "fc1[" + j + "]");
        }
    }

    /**
     * The data is part of the results' identity: rerunning an experiment on other data (the test labels flipped) trains
     * afresh into another directory; it never returns the first run's results.
     */
    @Test
    void rerunningOnOtherDataRecomputesInsteadOfReturningTheOldResults(@TempDir Path root) throws IOException {
        ExperimentSpec s = spec().toBuilder().set(MODES, List.of(PruningMode.ITERATIVE)).set(ARMS, List.of(Controls.TICKET)).set(LEVELS, 1)
                .set(TRIALS, 1).set(TRAINING, new TrainingSpec(OptimizerSpec.sgd(0.2), 30, 100, 50, 0)).build();
        DataSplit data = new DataSplit(stripes(600, 1), null, stripes(200, 2));
        Path first = Experiment.of(s).on(backend).withData(data).run(root);
        Dataset test = data.test();
        byte[] flippedLabels = new byte[test.count()];
        for (int i = 0; i < flippedLabels.length; i++) flippedLabels[i] = (byte) ((test.label(i) + 1) % test.classes());
        DataSplit flipped = new DataSplit(data.train(), null,
                new Dataset(test.name(), test.images(), flippedLabels, test.count(), test.channels(), test.height(), test.width(), test.classes()));
        int[] trained = {0};
        Path second = Experiment.of(s).on(backend).withData(flipped).run(root, new ExperimentListener() {
            @Override
            public TrainingListener onPopulationStart(List<Unit> units, int done, int total) {
                trained[0] += units.size();
                return TrainingListener.NONE;
            }
        });
        assertEquals(2, trained[0], "the dense network and the ticket train again");
        assertNotEquals(first, second);
        double original = json(first.resolve("trial-0/level-00/metrics.json")).get("final_test_accuracy").getAsDouble();
        double onFlipped = json(second.resolve("trial-0/level-00/metrics.json")).get("final_test_accuracy").getAsDouble();
        // the same network (same training data and seed) gets right on the flipped labels only what it got wrong before
        assertTrue(original > 0.8, "accuracy " + original);
        assertTrue(onFlipped <= 1 - original + 1e-9, original + " on the labels, " + onFlipped + " on the flipped labels");
    }

    /** Easy data: class c brightens every tenth feature from c on, over uniform noise. */
    private static Dataset stripes(int count, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[count * FEATURES];
        byte[] y = new byte[count];
        for (int i = 0; i < count; i++) {
            y[i] = (byte) r.nextInt(10);
            for (int j = 0; j < FEATURES; j++) x[i * FEATURES + j] = (float) r.nextDouble() + (j % 10 == y[i] ? 2 : 0);
        }
        return new Dataset("stripes", x, y, count, 1, 1, FEATURES, 10);
    }

    @Test
    void resumingWithDifferentSettingsIsRefusedNamingTheDifference(@TempDir Path root) {
        ExperimentSpec s = spec().with(LEVELS, 1).with(TRIALS, 1).with(MODES, List.of(PruningMode.ITERATIVE));
        Path dir = ResultsStore.open(root, s).dir();
        UserError e = assertThrows(UserError.class, () -> ResultsStore.open(dir, s.with(TRIALS, 3).with(SEED, 9L)));
        assertTrue(e.getMessage().contains("trials: 1 in the results vs 3 requested"), e.getMessage());
        assertTrue(e.getMessage().contains("seed: 7 in the results vs 9 requested"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertEquals(dir, ResultsStore.open(dir, s).dir(), "the same settings resume");
    }

    /** A run killed in its second unit, resumed with other kernels: refused; with the same: resumed. */
    @Test
    void resumingWithKernelsThatRoundOtherwiseIsRefused(@TempDir Path root) throws IOException {
        ExperimentSpec s = onData(spec().with(LEVELS, 1).with(TRIALS, 1).with(MODES, List.of(PruningMode.ITERATIVE)));
        ExperimentListener killer = new ExperimentListener() {
            @Override
            public TrainingListener onPopulationStart(List<Unit> units, int done, int total) {
                return new TrainingListener() {
                    @Override
                    public void onIteration(long iteration, long total) {
                        if (done == 1) throw new Killed();
                    }
                };
            }
        };
        assertThrows(Killed.class, () -> run(root, s, killer));
        Path dir = root.resolve(s.directoryName());
        assertEquals(backend.kernelGeneration(), ResultsStore.existing(dir).provenance().get(ResultsStore.KERNELS));
        try (Backend dense = new CpuBackend(false)) {
            UserError e = assertThrows(UserError.class, () -> Experiment.of(s).on(dense).withData(DATA).run(dir, ExperimentListener.NONE));
            assertTrue(e.getMessage().contains("computed by the " + backend.kernelGeneration() + " kernels"), e.getMessage());
            assertTrue(e.getMessage().contains(dense.kernelGeneration()), e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
        }
        assertEquals(dir, run(dir, s, ExperimentListener.NONE), "the same kernels resume");
        // A directory whose units a version without the record computed is refused too; a fresh one takes the record.
        JsonObject manifest = json(dir.resolve(ResultsStore.MANIFEST));
        manifest.getAsJsonObject("provenance").remove(ResultsStore.KERNELS);
        Files.writeString(dir.resolve(ResultsStore.MANIFEST), manifest.toString());
        UserError old = assertThrows(UserError.class, () -> ResultsStore.existing(dir).requireKernels(backend.kernelGeneration()));
        assertTrue(old.getMessage().contains("did not record its kernels"), old.getMessage());
        ResultsStore fresh = ResultsStore.open(root.resolve("fresh"), s);
        fresh.requireKernels("cpu-test");
        assertEquals("cpu-test", fresh.provenance().get(ResultsStore.KERNELS));
    }

    /** Thrown by the test listener to kill a run in the middle of a unit. */
    static final class Killed extends RuntimeException {
        Killed() {
            super("killed");
        }
    }

    @Test
    void aKilledAndResumedRunGivesBitwiseTheSameFiles(@TempDir Path root) throws IOException {
        ExperimentSpec s = onData(spec());
        Path whole = run(root.resolve("whole"), s, ExperimentListener.NONE);
        // kill in the middle of two different units (iteration 30 of 60), resuming after each
        ExperimentListener killer = new ExperimentListener() {
            int seen;

            @Override
            public TrainingListener onPopulationStart(List<Unit> units, int done, int total) {
                boolean kill = done == 4 || done == 9;
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

    @Test
    void populationsWriteByteIdenticalResultsAndResumeAfterAKill(@TempDir Path root) throws IOException {
        ExperimentSpec s = spec();
        Map<String, byte[]> alone = files(run(root.resolve("alone"), s, ExperimentListener.NONE));
        List<Integer> sizes = new ArrayList<>();
        List<Long> trialsPerPopulation = new ArrayList<>();
        // Killed halfway through the second population of several units, then resumed with populations again.
        ExperimentListener killer = new ExperimentListener() {
            @Override
            public TrainingListener onPopulationStart(List<Unit> units, int done, int total) {
                sizes.add(units.size());
                trialsPerPopulation.add(units.stream().map(Unit::trial).distinct().count());
                boolean kill = sizes.stream().filter(n -> n > 1).count() == 2;
                return new TrainingListener() {
                    @Override
                    public void onIteration(long iteration, long total) {
                        if (kill && iteration == 30) throw new Killed();
                    }
                };
            }
        };
        Path together = root.resolve("together");
        assertThrows(Killed.class, () -> run(together, s, killer, PopulationSize.AUTO));
        Path dir = run(together, s, ExperimentListener.NONE, PopulationSize.AUTO);
        assertTrue(sizes.stream().anyMatch(n -> n >= 3), "populations formed: " + sizes);
        // lenet has no dropout or augmentation, so units of both trials train together, each on its own batches.
        assertTrue(trialsPerPopulation.stream().anyMatch(n -> n == 2), "trials per population: " + trialsPerPopulation);
        Map<String, byte[]> grouped = files(dir);
        assertEquals(alone.keySet(), grouped.keySet());
        for (String f : alone.keySet()) assertArrayEquals(alone.get(f), grouped.get(f), f);
        assertEquals(s.trials() * (1 + 2 * s.arms().size() * s.levels()), grouped.keySet().stream().filter(f -> f.endsWith(ResultsStore.DONE)).count());
    }

    @Test
    void populationsSideBySideWriteByteIdenticalResultsAndResumeAfterAKill(@TempDir Path root) throws IOException {
        ExperimentSpec s = spec();
        Map<String, byte[]> alone = files(run(root.resolve("alone"), s, ExperimentListener.NONE));
        List<String> overlaps = new ArrayList<>();
        List<String> lanes = Collections.synchronizedList(new ArrayList<>());
        // Killed in the first population from the third on that reports its progress (one at a time does), while another
        // trains on the other lane; then resumed the same way.
        ExperimentListener killer = new ExperimentListener() {
            int started, finished;

            @Override
            public TrainingListener onPopulationStart(List<Unit> units, int done, int total) {
                // Units complete or training elsewhere, beyond those reported done: a population still training.
                if (done > finished) overlaps.add(units.getFirst().label() + " started beside " + (done - finished) + " unit(s)");
                boolean kill = ++started >= 3;
                return new TrainingListener() {
                    @Override
                    public void onIteration(long iteration, long total) {
                        lanes.add(Thread.currentThread().getName());
                        if (kill && iteration == 30) throw new Killed();
                    }
                };
            }

            @Override
            public void onUnitDone(Unit unit, UnitOutcome outcome) {
                finished++;
            }
        };
        Path sideBySide = root.resolve("side-by-side");
        Experiment twoLanes = Experiment.of(s).on(BackendOptions.of(DeviceChoice.CPU).withCpuThreads(2)).withData(DATA)
                .withPopulation(PopulationSize.AUTO).withConcurrency(new Concurrency(2));
        assertThrows(Killed.class, () -> twoLanes.run(sideBySide, killer));
        assertFalse(overlaps.isEmpty(), "no population started while another was training");
        assertTrue(lanes.stream().allMatch(t -> t.startsWith("lottery-lane-")), "populations trained on threads " + new TreeSet<>(lanes));
        Map<String, byte[]> together = files(twoLanes.run(sideBySide, ExperimentListener.NONE));
        assertEquals(alone.keySet(), together.keySet());
        for (String f : alone.keySet()) assertArrayEquals(alone.get(f), together.get(f), f);
    }

    @Test
    void aLoneReadyUnitTrainsOnEveryThreadWhileTheLanesWait(@TempDir Path root) throws IOException {
        ExperimentSpec s = spec().toBuilder().set(TRIALS, 1).build();
        Map<String, byte[]> alone = files(run(root.resolve("alone"), s, ExperimentListener.NONE));
        Map<String, String> threadOfFirstIteration = Collections.synchronizedMap(new TreeMap<>());
        ExperimentListener threadsSeen = new ExperimentListener() {
            @Override
            public TrainingListener onPopulationStart(List<Unit> units, int done, int total) {
                return new TrainingListener() {
                    @Override
                    public void onIteration(long iteration, long total) {
                        if (iteration == 1) threadOfFirstIteration.put(units.getFirst().label(), Thread.currentThread().getName());
                    }
                };
            }
        };
        Path dir = Experiment.of(s).on(BackendOptions.of(DeviceChoice.CPU).withCpuThreads(2)).withData(DATA)
                .withConcurrency(new Concurrency(2)).run(root.resolve("lanes"), threadsSeen);
        // One trial: its dense unit is the only ready unit, so it trains on every thread, on the calling thread; the
        // tickets after it (three ready at once) go to the lanes.
        assertEquals(Thread.currentThread().getName(), threadOfFirstIteration.get(new Unit.Dense(0).label()), threadOfFirstIteration.toString());
        assertTrue(threadOfFirstIteration.values().stream().anyMatch(t -> t.startsWith("lottery-lane-")), threadOfFirstIteration.toString());
        Map<String, byte[]> lanes = files(dir);
        assertEquals(alone.keySet(), lanes.keySet());
        for (String f : alone.keySet()) assertArrayEquals(alone.get(f), lanes.get(f), f);
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
