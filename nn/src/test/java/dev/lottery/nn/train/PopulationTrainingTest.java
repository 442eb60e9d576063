package dev.lottery.nn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.backend.BackendOptions;
import dev.lottery.nn.backend.DeviceChoice;
import dev.lottery.nn.backend.cpu.CpuBackend;
import dev.lottery.nn.backend.cpu.CrewProbe;
import dev.lottery.nn.data.DataSplit;
import dev.lottery.nn.data.augment.BatchAugmentation;
import dev.lottery.nn.init.Initializer;
import dev.lottery.nn.model.Activation;
import dev.lottery.nn.model.ImageShape;
import dev.lottery.nn.model.LayerKind;
import dev.lottery.nn.model.LayerSpec;
import dev.lottery.nn.model.ModelSpec;
import dev.lottery.nn.model.Network;
import dev.lottery.nn.model.Padding;
import dev.lottery.nn.model.Parameter;
import dev.lottery.nn.model.Population;
import dev.lottery.nn.model.SyntheticData;
import dev.lottery.nn.rng.KeyedRandom;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.ObjIntConsumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A population's members train to exactly the bits each would reach alone: same final weights, same evaluation
 * series, for dense, convolutional, batch-normalized residual and dropout models, with momentum, weight decay and
 * augmentation, and with members sparse enough for the masked kernels. Members start apart (their own masks and
 * initial values), so a mix-up between members shows.
 */
class PopulationTrainingTest {
    private static final long SEED = 5;
    private static final int MEMBERS = 3;
    /** Two threads, so the crew takes part; the thread-count test compares it with a one-thread backend. */
    private final CpuBackend backend = new CpuBackend(BackendOptions.of(DeviceChoice.CPU).withCpuThreads(2));

    @AfterEach
    void closeBackend() {
        backend.close();
    }

    private static final Initializer WEIGHTS = new Initializer.Normal(0.3), BIASES = new Initializer.Normal(0.05);

    private static LayerSpec.Dense dense(String name, int units, Activation act, LayerKind kind) {
        return new LayerSpec.Dense(name, units, act, kind);
    }

    private static LayerSpec.Conv2d conv(String name, int filters) {
        return new LayerSpec.Conv2d(name, filters, 3, 1, Padding.SAME, Activation.RELU, true);
    }

    /** Model, data shape, optimizer, augmentation. */
    static Stream<Arguments> models() {
        ImageShape image = new ImageShape(2, 8, 8);
        return Stream.of(
                Arguments.of("dense", new ModelSpec("dense", ImageShape.flat(20), List.of(
                        dense("fc1", 12, Activation.RELU, LayerKind.FULLY_CONNECTED),
                        dense("fc2", 8, Activation.RELU, LayerKind.FULLY_CONNECTED),
                        dense("out", 4, Activation.NONE, LayerKind.OUTPUT)), WEIGHTS, BIASES),
                        OptimizerSpec.sgd(0.05), BatchAugmentation.NONE),
                Arguments.of("conv", new ModelSpec("conv", image, List.of(
                        conv("conv1", 3), conv("conv2", 4), new LayerSpec.MaxPool("pool", 2, 2), new LayerSpec.Flatten("flat"),
                        dense("fc", 6, Activation.RELU, LayerKind.FULLY_CONNECTED),
                        dense("out", 4, Activation.NONE, LayerKind.OUTPUT)), WEIGHTS, BIASES),
                        new OptimizerSpec(LearningRateSchedule.constant(0.03), 0.9, 1e-3), BatchAugmentation.FLIP_AND_TRANSLATE),
                Arguments.of("residual", new ModelSpec("residual", image, List.of(
                        new LayerSpec.Conv2d("stem", 3, 3, 1, Padding.SAME, Activation.NONE, false),
                        new LayerSpec.BatchNorm("stem_bn", Activation.RELU),
                        new LayerSpec.ResidualBlock("block1", 3, 1),
                        new LayerSpec.ResidualBlock("block2", 4, 2),
                        new LayerSpec.GlobalAvgPool("gap"),
                        dense("out", 4, Activation.NONE, LayerKind.OUTPUT)), WEIGHTS, BIASES),
                        new OptimizerSpec(LearningRateSchedule.constant(0.05), 0.9, 1e-4), BatchAugmentation.NONE),
                Arguments.of("dropout", new ModelSpec("dropout", ImageShape.flat(20), List.of(
                        dense("fc1", 12, Activation.RELU, LayerKind.FULLY_CONNECTED),
                        new LayerSpec.Dropout("drop", 0.4),
                        dense("out", 4, Activation.NONE, LayerKind.OUTPUT)), WEIGHTS, BIASES),
                        OptimizerSpec.sgd(0.05), BatchAugmentation.NONE));
    }

    private static DataSplit data(ModelSpec model) {
        return model.input().isFlat() ? SyntheticData.split(240, 60, model.inputFeatures(), 4)
                : SyntheticData.imageSplit(240, 60, model.input(), 4);
    }

    /** Member m's own start: fresh values on its own stream and a random mask keeping about (0.5 + 0.15 m) of each weight. */
    private void prepare(Network net, int m) {
        prepare(net, m, 0.5 + 0.15 * m);
    }

    private void prepare(Network net, int m, double keep) {
        net.initialize(SEED, "member-" + m);
        for (Parameter p : net.prunable()) {
            KeyedRandom r = new KeyedRandom(SEED + m, p.name(), "mask");
            float[] mask = new float[Math.toIntExact(p.size())];
            for (int i = 0; i < mask.length; i++) mask[i] = r.uniform(i) < keep ? 1f : 0f;
            p.mask().copyFrom(mask);
            net.backend().applyMask(p.value(), p.mask());
        }
    }

    /** Every parameter's values and masks. */
    private static List<float[]> weights(Network net) {
        List<float[]> out = new ArrayList<>();
        for (Parameter p : net.parameters()) {
            out.add(p.value().toArray());
            if (p.mask() != null) out.add(p.mask().toArray());
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void membersTrainToTheBitsTheyReachAlone(String name, ModelSpec model, OptimizerSpec optimizer, BatchAugmentation augmentation) {
        TrainingSpec spec = new TrainingSpec(optimizer, 20, 24, 12, 30, augmentation);
        try (ResidentData data = ResidentData.upload(backend, data(model))) {
            List<TrainingResult> results = assertMembersTrainAsAlone(name, model, spec, data, Collections.nCopies(MEMBERS, SEED), this::prepare).results();
            // The members really differ (a population that trained one member three times would pass the above
            // only if the starts were equal, which prepare() rules out).
            assertNotEquals(results.get(0).finalTestAccuracy() + "/" + results.get(0).series().getLast().testLoss(),
                    results.get(1).finalTestAccuracy() + "/" + results.get(1).series().getLast().testLoss());
        }
    }

    /** What {@link #assertMembersTrainAsAlone} trained: each member's results together, and its weights alone. */
    private record Trained(List<TrainingResult> results, List<List<float[]>> alone) {}

    /**
     * Trains each member alone (started by {@code start}, with its seed), then all together as one population with
     * {@code seeds}, and asserts every member's evaluations and final weights and masks are the same bits both ways.
     */
    private Trained assertMembersTrainAsAlone(String name, ModelSpec model, TrainingSpec spec, ResidentData data, List<Long> seeds,
                                              ObjIntConsumer<Network> start) {
        List<List<float[]>> alone = new ArrayList<>();
        List<TrainingResult> aloneResults = new ArrayList<>();
        for (int m = 0; m < MEMBERS; m++) {
            try (Network net = Network.create(model, backend, SEED)) {
                start.accept(net, m);
                aloneResults.add(Trainer.train(net, data, spec, seeds.get(m), TrainingListener.NONE));
                alone.add(weights(net));
            }
        }
        try (Population population = Population.create(model, backend, MEMBERS, SEED)) {
            for (int m = 0; m < MEMBERS; m++) start.accept(population.member(m), m);
            List<TrainingResult> results = Trainer.train(population, data, spec, seeds,
                    Collections.nCopies(MEMBERS, TrainingListener.NONE), Collections.nCopies(MEMBERS, null));
            for (int m = 0; m < MEMBERS; m++) {
                // EvalPoint is a record of doubles: equal series are equal to the bit.
                assertEquals(aloneResults.get(m).series(), results.get(m).series(), name + ": member " + m + "'s evaluations");
                List<float[]> together = weights(population.member(m));
                assertEquals(alone.get(m).size(), together.size());
                for (int t = 0; t < together.size(); t++) {
                    assertArrayEquals(alone.get(m).get(t), together.get(t), name + ": member " + m + ", tensor " + t);
                }
            }
            return new Trained(results, alone);
        }
    }

    /** Member m's seed when members come from different trials: member 0 has its own, members 1 and 2 share one. */
    private static long trialSeed(int m) {
        return m == 0 ? SEED : SEED + 100;
    }

    /** The models whose members may have their own seeds: {@link #models()} without dropout and augmentation. */
    static Stream<Arguments> modelsForOwnSeeds() {
        return models().filter(a -> !a.get()[0].equals("dropout")).map(a -> {
            Object[] args = a.get();
            return Arguments.of(args[0], args[1], args[2]);
        });
    }

    /**
     * Members of different trials (their own seeds, so their own mini-batches every step) train to the bits each
     * reaches alone with its seed: the first layer reads each member's batch as later layers read their inputs, and
     * the loss each member's labels. A mix-up of batches or labels between members would move the bits.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("modelsForOwnSeeds")
    void membersWithTheirOwnSeedsTrainToTheBitsTheyReachAlone(String name, ModelSpec model, OptimizerSpec optimizer) {
        TrainingSpec spec = new TrainingSpec(optimizer, 20, 24, 12, 30, BatchAugmentation.NONE);
        List<Long> seeds = List.of(trialSeed(0), trialSeed(1), trialSeed(2));
        try (ResidentData data = ResidentData.upload(backend, data(model))) {
            List<List<float[]>> alone = assertMembersTrainAsAlone(name, model, spec, data, seeds, this::prepare).alone();
            // The seeds matter: member 0 trained on member 1's batches ends elsewhere.
            try (Network net = Network.create(model, backend, SEED)) {
                prepare(net, 0);
                Trainer.train(net, data, spec, seeds.get(1), TrainingListener.NONE);
                assertNotEquals(alone.get(0).stream().map(Arrays::hashCode).toList(), weights(net).stream().map(Arrays::hashCode).toList(),
                        name + ": another seed, other batches");
            }
        }
    }

    /** Sparse members with their own seeds: the masked first-layer products read each member's own batch too. */
    @Test
    void sparseMembersWithTheirOwnSeedsTrainToTheBitsTheyReachAlone() {
        try (ResidentData data = ResidentData.upload(backend, SyntheticData.split(240, 60, 300, 4))) {
            assertMembersTrainAsAlone("sparse", WIDE, SPARSE_RUN, data, List.of(trialSeed(0), trialSeed(1), trialSeed(2)),
                    (net, m) -> prepare(net, m, SPARSE_KEEP[m]));
        }
    }

    /** Dropout masks and augmentation draws follow one seed, so members with different seeds are refused with them. */
    @Test
    void differentSeedsAreRefusedWhereTheSeedKeysMoreThanTheBatches() {
        List<Arguments> all = models().toList();
        ModelSpec dropout = (ModelSpec) all.get(3).get()[1], conv = (ModelSpec) all.get(1).get()[1];
        assertTrue(Trainer.acceptsSeedsPerMember(conv, new TrainingSpec(OptimizerSpec.sgd(0.05), 20, 24, 12, 30, BatchAugmentation.NONE)));
        for (Object[] refused : new Object[][] {{dropout, BatchAugmentation.NONE}, {conv, BatchAugmentation.FLIP_AND_TRANSLATE}}) {
            ModelSpec model = (ModelSpec) refused[0];
            TrainingSpec spec = new TrainingSpec(OptimizerSpec.sgd(0.05), 20, 24, 12, 30, (BatchAugmentation) refused[1]);
            assertFalse(Trainer.acceptsSeedsPerMember(model, spec), model.name());
            try (ResidentData data = ResidentData.upload(backend, data(model));
                 Population population = Population.create(model, backend, 2, SEED)) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Trainer.train(population, data, spec,
                        List.of(SEED, SEED + 1), Collections.nCopies(2, TrainingListener.NONE), Collections.nCopies(2, null)));
                assertTrue(e.getMessage().contains("different seeds"), e.getMessage());
            }
        }
    }

    /** Kept fractions below every masked kernel's crossover, below the products' only, and above them all (fc1 is big enough to gain). */
    private static final double[] SPARSE_KEEP = {0.04, 0.15, 0.9};

    private static final ModelSpec WIDE = new ModelSpec("wide", ImageShape.flat(300), List.of(
            dense("fc1", 40, Activation.RELU, LayerKind.FULLY_CONNECTED),
            dense("fc2", 20, Activation.RELU, LayerKind.FULLY_CONNECTED),
            dense("out", 4, Activation.NONE, LayerKind.OUTPUT)), WEIGHTS, BIASES);

    private static final TrainingSpec SPARSE_RUN = new TrainingSpec(new OptimizerSpec(LearningRateSchedule.constant(0.05), 0.9, 1e-4),
            20, 24, 12, 30, BatchAugmentation.NONE);

    /** Every member of {@link #WIDE} trained alone on {@code on}: its weights and masks, then its results. */
    private List<List<float[]>> trainAlone(Backend on, ResidentData data, List<TrainingResult> results) {
        List<List<float[]>> out = new ArrayList<>();
        for (int m = 0; m < MEMBERS; m++) {
            try (Network net = Network.create(WIDE, on, SEED)) {
                prepare(net, m, SPARSE_KEEP[m]);
                results.add(Trainer.train(net, data, SPARSE_RUN, SEED, TrainingListener.NONE));
                out.add(weights(net));
            }
        }
        return out;
    }

    /** The whole population of {@link #WIDE}, trained together: each member's weights and masks, then its results. */
    private List<List<float[]>> trainTogether(Backend on, ResidentData data, List<TrainingResult> results) {
        try (Population population = Population.create(WIDE, on, MEMBERS, SEED)) {
            for (int m = 0; m < MEMBERS; m++) prepare(population.member(m), m, SPARSE_KEEP[m]);
            results.addAll(Trainer.train(population, data, SPARSE_RUN, SEED, Collections.nCopies(MEMBERS, TrainingListener.NONE),
                    Collections.nCopies(MEMBERS, null)));
            List<List<float[]>> out = new ArrayList<>();
            for (int m = 0; m < MEMBERS; m++) out.add(weights(population.member(m)));
            return out;
        }
    }

    /**
     * Members sparse enough for every masked kernel (and the sparse SGD step), for the masked products only, and too
     * dense for any: each trains to the bits it reaches alone, on a one-thread backend as on a two-thread one. The sparse paths
     * really ran: the two sparse members end elsewhere than on a backend whose products all stay dense (their weight
     * gradients round differently), the dense one at the same bits.
     */
    @Test
    void sparseMembersTrainToTheBitsTheyReachAloneOnAnyNumberOfThreads() {
        assertEquals(2, CrewProbe.threads(backend));
        try (ResidentData data = ResidentData.upload(backend, SyntheticData.split(240, 60, 300, 4));
             Backend denseBackend = new CpuBackend(false);
             Backend oneThread = new CpuBackend(BackendOptions.of(DeviceChoice.CPU).withCpuThreads(1))) {
            List<TrainingResult> aloneResults = new ArrayList<>(), togetherResults = new ArrayList<>(), serialResults = new ArrayList<>();
            List<TrainingResult> denseResults = new ArrayList<>();
            List<List<float[]>> alone = trainAlone(backend, data, aloneResults);
            long crewBefore = CrewProbe.crewTasks(backend);
            List<List<float[]>> together = trainTogether(backend, data, togetherResults);
            assertTrue(CrewProbe.crewTasks(backend) > crewBefore, "the crew ran none of the population's tasks");
            List<List<float[]>> serial = trainTogether(oneThread, data, serialResults);
            List<List<float[]>> dense = trainAlone(denseBackend, data, denseResults);
            for (int m = 0; m < MEMBERS; m++) {
                assertEquals(aloneResults.get(m).series(), togetherResults.get(m).series(), "member " + m + "'s evaluations");
                assertEquals(togetherResults.get(m).series(), serialResults.get(m).series(), "member " + m + " on one thread");
                for (int t = 0; t < alone.get(m).size(); t++) {
                    assertArrayEquals(alone.get(m).get(t), together.get(m).get(t), "member " + m + ", tensor " + t);
                    assertArrayEquals(together.get(m).get(t), serial.get(m).get(t), "member " + m + " on one thread, tensor " + t);
                }
                boolean sameAsDense = alone.get(m).stream().map(Arrays::hashCode).toList()
                        .equals(dense.get(m).stream().map(Arrays::hashCode).toList());
                assertEquals(SPARSE_KEEP[m] >= 0.5, sameAsDense, "member " + m + " (keeps " + SPARSE_KEEP[m] + ") against all-dense products");
            }
        }
    }

    @Test
    void membersResumeOnlyFromCheckpointsOfOneIteration(@TempDir Path dir) {
        ModelSpec model = (ModelSpec) models().findFirst().orElseThrow().get()[1];
        try (ResidentData data = ResidentData.upload(backend, data(model));
             Population population = Population.create(model, backend, 2, SEED)) {
            TrainingSpec shortRun = new TrainingSpec(OptimizerSpec.sgd(0.05), 20, 20, 10, 0);
            Checkpointer a = new Checkpointer(dir.resolve("a.ckpt"), 10);
            Checkpointer b = new Checkpointer(dir.resolve("b.ckpt"), 10);
            // Member 0 alone leaves a checkpoint at iteration 10 (the run stops there).
            try (Network alone = Network.create(model, backend, SEED)) {
                Trainer.train(alone, data, new TrainingSpec(OptimizerSpec.sgd(0.05), 20, 11, 10, 0), SEED, TrainingListener.NONE, a);
            }
            var e = assertThrows(IllegalArgumentException.class, () -> Trainer.train(population, data, shortRun, SEED,
                    Collections.nCopies(2, TrainingListener.NONE), List.of(a, b)));
            assertTrue(e.getMessage().contains("different iterations"), e.getMessage());
        }
    }
}
