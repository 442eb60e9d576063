package dev.lottery.nn.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lottery.gpu.RequiresGpu;
import dev.lottery.gpu.TransferCounters;
import dev.lottery.gpu.TransferDirection;
import dev.lottery.gpu.TransferPurpose;
import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.backend.StepRecorder;
import dev.lottery.nn.backend.cpu.CpuBackend;
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
import dev.lottery.nn.model.Presets;
import dev.lottery.nn.model.SyntheticData;
import dev.lottery.nn.tensor.Tensor;
import dev.lottery.nn.train.EvalPoint;
import dev.lottery.nn.train.OptimizerSpec;
import dev.lottery.nn.train.ResidentData;
import dev.lottery.nn.train.Sgd;
import dev.lottery.nn.train.Trainer;
import dev.lottery.nn.train.TrainingListener;
import dev.lottery.nn.train.TrainingResult;
import dev.lottery.nn.train.TrainingSpec;
import dev.lottery.nn.train.TrainingStep;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A population trained on the CUDA backend against each member trained alone on the CUDA backend and against the
 * same population on the CPU (whose members have their lone bits, see {@code PopulationTrainingTest}), for
 * lenet-300-100 (the shared mini-batch as one wide product) and a small convolutional net (a shared-input
 * convolution with members*K filters, then grouped convolutions): the same masks bit for bit, test accuracy within
 * 0.02 and test loss within 2% at every evaluation (cuBLAS and cuDNN round in their own order, so curves agree
 * closely but not to the bit), masked weights exactly +0.0, and no weight bytes copied to the host while the
 * population trains. A recorded population step replays as one CUDA graph and trains as the eager steps do.
 * Members start apart (their own initial draws and masks), so a mix-up between members shows.
 */
@RequiresGpu
@ExtendWith(SharedCudaBackend.class)
class CudaPopulationGpuTest {
    private static final long SEED = 5;
    private static final int MEMBERS = 3;
    private static final double ACCURACY = 0.02, LOSS = 0.02;
    private final CpuBackend cpu = new CpuBackend();
    private CudaBackend gpu;

    @BeforeEach
    void use(CudaBackend shared) {
        gpu = shared;
    }

    /** A model, its data, and the training run. */
    static Stream<Arguments> models() {
        ImageShape image = new ImageShape(1, 12, 12);
        ModelSpec conv = new ModelSpec("conv", image, List.of(
                new LayerSpec.Conv2d("conv1", 6, 5, 1, Padding.SAME, Activation.RELU, true),
                new LayerSpec.MaxPool("pool1", 2, 2),
                new LayerSpec.Conv2d("conv2", 8, 3, 1, Padding.SAME, Activation.RELU, true),
                new LayerSpec.MaxPool("pool2", 2, 2),
                new LayerSpec.Flatten("flatten"),
                new LayerSpec.Dense("fc", 24, Activation.RELU, LayerKind.FULLY_CONNECTED),
                new LayerSpec.Dense("out", 4, Activation.NONE, LayerKind.OUTPUT)),
                new Initializer.TruncatedNormal(0.1), new Initializer.Zeros());
        return Stream.of(
                Arguments.of("lenet-300-100", Presets.get("lenet-300-100").model(), SyntheticData.split(3000, 1000, 784, 10),
                        new TrainingSpec(OptimizerSpec.sgd(0.05), 60, 300, 50, 0)),
                Arguments.of("conv", conv, SyntheticData.imageSplit(1200, 400, image, 4),
                        new TrainingSpec(OptimizerSpec.sgd(0.05), 40, 150, 50, 0)));
    }

    /** Member m's own start: fresh values on its own stream, then (m+1)*15% of every weight tensor pruned by magnitude where it lives. */
    private static void prepare(Network net, int m) {
        Backend b = net.backend();
        net.initialize(SEED, "member-" + m);
        for (Parameter p : net.prunable()) {
            b.pruneSmallestMagnitude(p.value(), p.mask(), p.size() * (m + 1) * 15 / 100);
            b.applyMask(p.value(), p.mask());
        }
    }

    /** One member's results: its evaluations and its masks. */
    private record Trained(List<EvalPoint> series, List<float[]> masks) {}

    private static List<float[]> masks(Network net) {
        return net.prunable().stream().map(p -> p.mask().toArray()).toList();
    }

    /** The population trained on {@code b}, member m with seed {@code seeds.get(m)}: each member's results. */
    private static List<Trained> population(Backend b, ModelSpec model, DataSplit split, TrainingSpec spec, List<Long> seeds) {
        try (ResidentData data = ResidentData.upload(b, split); Population population = Population.create(model, b, MEMBERS, SEED)) {
            for (int m = 0; m < MEMBERS; m++) prepare(population.member(m), m);
            List<TrainingResult> results = Trainer.train(population, data, spec, seeds, Collections.nCopies(MEMBERS, TrainingListener.NONE),
                    Collections.nCopies(MEMBERS, null));
            List<Trained> out = new ArrayList<>();
            for (int m = 0; m < MEMBERS; m++) out.add(new Trained(results.get(m).series(), masks(population.member(m))));
            return out;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void aPopulationOnTheGpuFollowsEachMemberAloneAndTheCpuKeepsMasksAndCopiesNoWeights(String name, ModelSpec model, DataSplit split,
                                                                                       TrainingSpec spec) {
        List<Trained> onCpu = population(cpu, model, split, spec, Collections.nCopies(MEMBERS, SEED));
        List<Trained> alone = new ArrayList<>();
        for (int m = 0; m < MEMBERS; m++) {
            try (ResidentData data = ResidentData.upload(gpu, split); Network net = Network.create(model, gpu, SEED)) {
                prepare(net, m);
                TrainingResult r = Trainer.train(net, data, spec, SEED, TrainingListener.NONE);
                alone.add(new Trained(r.series(), masks(net)));
            }
        }
        try (ResidentData data = ResidentData.upload(gpu, split); Population population = Population.create(model, gpu, MEMBERS, SEED)) {
            for (int m = 0; m < MEMBERS; m++) prepare(population.member(m), m);
            gpu.synchronize();
            TransferCounters.Snapshot before = gpu.transfers().snapshot();
            List<TrainingResult> results = Trainer.train(population, data, spec, SEED, Collections.nCopies(MEMBERS, TrainingListener.NONE),
                    Collections.nCopies(MEMBERS, null));
            gpu.synchronize();
            TransferCounters.Snapshot moved = gpu.transfers().snapshot().minus(before);
            for (TransferPurpose p : List.of(TransferPurpose.WEIGHTS, TransferPurpose.SNAPSHOT)) {
                assertEquals(0, moved.bytes(TransferDirection.DEVICE_TO_HOST, p), name + ": no " + p + " bytes to the host while training: " + moved);
            }
            // The only upload besides data: the first clear of the evaluation sums, 2 floats per member, before the
            // backend learns they hold scalars. Any weight tensor is larger.
            assertTrue(moved.bytes(TransferDirection.HOST_TO_DEVICE, TransferPurpose.WEIGHTS) <= 8L * MEMBERS, name + ": no weight uploads: " + moved);

            for (int m = 0; m < MEMBERS; m++) {
                Network member = population.member(m);
                String who = name + " member " + m;
                List<float[]> masks = masks(member);
                for (int t = 0; t < masks.size(); t++) {
                    assertArrayEquals(onCpu.get(m).masks().get(t), masks.get(t), who + ": mask " + t + " as on the CPU");
                    assertArrayEquals(alone.get(m).masks().get(t), masks.get(t), who + ": mask " + t + " as alone");
                }
                for (Parameter p : member.prunable()) {
                    float[] w = p.value().toArray(), mask = p.mask().toArray();
                    for (int i = 0; i < w.length; i++) {
                        if (mask[i] == 0f) assertEquals(0, Float.floatToRawIntBits(w[i]), who + ": pruned " + p.name() + "[" + i + "] is +0.0");
                    }
                }
                assertCurvesAgree(alone.get(m).series(), results.get(m).series(), who + " against itself alone on the GPU");
                assertCurvesAgree(onCpu.get(m).series(), results.get(m).series(), who + " against the CPU");
            }
            assertNotEquals(results.get(0).series().getLast(), results.get(1).series().getLast(), name + ": the members differ");
        }
    }

    /** Members of different trials: member 0 with its own seed, members 1 and 2 with another (their own batches). */
    private static final List<Long> OWN_SEEDS = List.of(SEED, SEED + 100, SEED + 100);

    /**
     * Members with their own seeds on the GPU (each step gathers every member's batch from the interleaved order the
     * device holds, and the recorded step replays it) follow the same population on the CPU, whose members have the
     * bits they reach alone: the same masks, curves within the tolerances above.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void membersWithTheirOwnSeedsOnTheGpuFollowTheCpu(String name, ModelSpec model, DataSplit split, TrainingSpec spec) {
        List<Trained> onCpu = population(cpu, model, split, spec, OWN_SEEDS), onGpu = population(gpu, model, split, spec, OWN_SEEDS);
        for (int m = 0; m < MEMBERS; m++) {
            String who = name + " member " + m + " (seed " + OWN_SEEDS.get(m) + ")";
            for (int t = 0; t < onCpu.get(m).masks().size(); t++) {
                assertArrayEquals(onCpu.get(m).masks().get(t), onGpu.get(m).masks().get(t), who + ": mask " + t + " as on the CPU");
            }
            assertCurvesAgree(onCpu.get(m).series(), onGpu.get(m).series(), who + " against the CPU");
        }
    }

    private static void assertCurvesAgree(List<EvalPoint> expected, List<EvalPoint> actual, String what) {
        assertEquals(expected.size(), actual.size(), what + ": evaluations");
        for (int i = 0; i < expected.size(); i++) {
            EvalPoint e = expected.get(i), a = actual.get(i);
            assertEquals(e.iteration(), a.iteration(), what);
            assertEquals(e.testAccuracy(), a.testAccuracy(), ACCURACY, what + ": test accuracy at iteration " + e.iteration());
            assertEquals(e.testLoss(), a.testLoss(), LOSS * Math.max(1, Math.abs(e.testLoss())), what + ": test loss at iteration " + e.iteration());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void aRecordedPopulationStepReplaysAsOneGraphAndTrainsAsTheEagerSteps(String name, ModelSpec model, DataSplit split, TrainingSpec spec) {
        int iterations = 30;
        try (ResidentData data = ResidentData.upload(gpu, split)) {
            List<float[]> eager = steps(model, data, spec, StepRecorder.direct(gpu), iterations, name);
            List<float[]> graphs = steps(model, data, spec, gpu.stepRecorder(), iterations, name);
            for (int t = 0; t < eager.size(); t++) {
                float[] e = eager.get(t), g = graphs.get(t);
                float scale = 1f;
                for (float v : e) scale = Math.max(scale, Math.abs(v));
                for (int i = 0; i < e.length; i++) {
                    // The same kernels replayed; cuBLAS may pick another algorithm under capture, so not to the bit.
                    assertTrue(Math.abs(e[i] - g[i]) <= 1e-4f * scale, name + ": tensor " + t + "[" + i + "] eager " + e[i] + " vs graph " + g[i]);
                }
            }
        }
    }

    /**
     * Every member's weights and masks after {@code iterations} of the trainer's step driven through {@code steps}; on a
     * recording recorder also checks that all but the first two iterations were graph replays, which allocated
     * nothing and copied no weights to the host.
     */
    private List<float[]> steps(ModelSpec model, ResidentData data, TrainingSpec spec, StepRecorder steps, int iterations, String name) {
        ResidentData.Part train = data.train();
        int batch = spec.batchSize();
        try (Population population = Population.create(model, gpu, MEMBERS, SEED); Sgd sgd = new Sgd(spec.optimizer(), population);
             Tensor x = gpu.zeros("batch.x", batch, train.features()); Tensor y = gpu.zeros("batch.y", batch); steps) {
            for (int m = 0; m < MEMBERS; m++) prepare(population.member(m), m);
            TrainingStep step = new TrainingStep(population, sgd, steps, BatchAugmentation.NONE, null, SEED);
            int[] order = Trainer.shuffle(SEED, 0, train.count());
            steps.useOrder(order, 0);
            long allocations = 0;
            TransferCounters.Snapshot before = null;
            for (int it = 0; it < iterations; it++) {
                if (it == 2) { // from here on a recorder replays
                    gpu.synchronize();
                    allocations = gpu.poolStats().driverAllocations();
                    before = gpu.transfers().snapshot();
                }
                step.iterate(spec.optimizer().learningRate().at(it), train.images(), train.labels(), x, y, 0, order, it * batch, it);
            }
            gpu.synchronize();
            if (steps instanceof CudaStepRecorder recorder) {
                assertEquals(iterations - 2, recorder.replays(), name + ": every step after the first two is a graph replay");
                assertEquals(allocations, gpu.poolStats().driverAllocations(), name + ": replays allocate nothing");
                TransferCounters.Snapshot moved = gpu.transfers().snapshot().minus(before);
                assertEquals(0, moved.bytes(TransferDirection.DEVICE_TO_HOST, TransferPurpose.WEIGHTS), name + ": replays copy no weights: " + moved);
            }
            List<float[]> out = new ArrayList<>();
            for (Parameter p : population.parameters()) {
                out.add(p.value().toArray());
                if (p.mask() != null) out.add(p.mask().toArray());
            }
            return out;
        }
    }
}
