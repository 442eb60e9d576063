package dev.lottery.nn.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.backend.BackendOptions;
import dev.lottery.nn.backend.Backends;
import dev.lottery.nn.backend.DeviceChoice;
import dev.lottery.nn.init.Initializer;
import dev.lottery.nn.model.Activation;
import dev.lottery.nn.model.ImageShape;
import dev.lottery.nn.model.LayerKind;
import dev.lottery.nn.model.LayerSpec;
import dev.lottery.nn.model.ModelSpec;
import dev.lottery.nn.model.Network;
import dev.lottery.nn.model.Padding;
import dev.lottery.nn.model.Parameter;
import dev.lottery.nn.model.SyntheticData;
import dev.lottery.nn.train.OptimizerSpec;
import dev.lottery.nn.train.ResidentData;
import dev.lottery.nn.train.Trainer;
import dev.lottery.nn.train.TrainingListener;
import dev.lottery.nn.train.TrainingResult;
import dev.lottery.nn.tensor.Tensor;
import dev.lottery.nn.train.TrainingSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The thread count is a setting of each CPU backend: a backend on one thread and one on two, in one JVM and training
 * at the same time, reach the same bits, also where the two-thread backend runs its steps alone; the two-thread backend
 * really ran work on its second thread; closing a backend ends its threads.
 */
class CpuBackendThreadsTest {
    private static final ModelSpec MODEL = new ModelSpec("conv-bn", new ImageShape(2, 12, 12), List.of(
            new LayerSpec.Conv2d("conv", 8, 3, 1, Padding.SAME, Activation.NONE, false),
            new LayerSpec.BatchNorm("bn", Activation.RELU),
            new LayerSpec.MaxPool("pool", 2, 2),
            new LayerSpec.Flatten("flat"),
            new LayerSpec.Dense("fc", 64, Activation.RELU, LayerKind.FULLY_CONNECTED),
            new LayerSpec.Dense("out", 4, Activation.NONE, LayerKind.OUTPUT)),
            new Initializer.Normal(0.2), new Initializer.Normal(0.05));
    private static final TrainingSpec RUN = TrainingSpec.builder(OptimizerSpec.sgd(0.05)).batchSize(40).iterations(16).evalEvery(8).build();

    private record Trained(TrainingResult result, List<float[]> weights) {}

    private static Trained train(Backend backend) {
        return train(backend, RUN);
    }

    private static Trained train(Backend backend, TrainingSpec run) {
        try (ResidentData data = ResidentData.upload(backend, SyntheticData.imageSplit(200, 60, MODEL.input(), 4));
             Network net = Network.create(MODEL, backend, 7)) {
            TrainingResult result = Trainer.train(net, data, run, 7, TrainingListener.NONE);
            List<float[]> weights = new ArrayList<>();
            for (Parameter p : net.parameters()) weights.add(p.value().toArray());
            return new Trained(result, weights);
        }
    }

    private static CpuBackend cpu(int threads) {
        return (CpuBackend) Backends.select(BackendOptions.of(DeviceChoice.CPU).withCpuThreads(threads)).backend();
    }

    @Test
    void backendsOnOneAndTwoThreadsTrainSideBySideToTheSameBits() {
        try (CpuBackend one = cpu(1); CpuBackend two = cpu(2)) {
            assertEquals(1, CrewProbe.threads(one));
            assertEquals(2, CrewProbe.threads(two));
            CompletableFuture<Trained> alone = CompletableFuture.supplyAsync(() -> train(one));
            CompletableFuture<Trained> crew = CompletableFuture.supplyAsync(() -> train(two));
            Trained a = alone.join(), b = crew.join();
            assertEquals(a.result().series(), b.result().series(), "evaluations");
            for (int t = 0; t < a.weights().size(); t++) assertArrayEquals(a.weights().get(t), b.weights().get(t), "parameter " + t);
            assertEquals(0, CrewProbe.crewTasks(one), "a one-thread backend has no crew");
            assertTrue(CrewProbe.crewTasks(two) > 0, "the two-thread backend's second thread ran none of the work");
        }
    }

    /**
     * A run long enough for the two-thread backend to time its steps on the crew and alone and then keep one place
     * ({@link StepPlacement}) trains to the one-thread backend's bits, whichever place it keeps.
     */
    @Test
    void stepsPlacedOnTheCrewOrAloneTrainToTheSameBits() {
        TrainingSpec run = TrainingSpec.builder(OptimizerSpec.sgd(0.05)).batchSize(40)
                .iterations(StepPlacement.WARM_UP + 2 * StepPlacement.SAMPLES + 20).evalEvery(100).build();
        try (CpuBackend one = cpu(1); CpuBackend two = cpu(2)) {
            Trained a = train(one, run), b = train(two, run);
            assertEquals(a.result().series(), b.result().series(), "evaluations");
            for (int t = 0; t < a.weights().size(); t++) assertArrayEquals(a.weights().get(t), b.weights().get(t), "parameter " + t);
        }
    }

    /**
     * ReLU, its gradient, element-wise sums and products and copies of a tensor above the parallel threshold (an odd
     * size, so that the last range ends in a scalar tail) run one range per thread on a two-thread backend: exactly
     * what a plain loop gives, every time, and the crew took part (the caller may take both ranges of an op while the
     * worker wakes, so the ops repeat until the worker has run some).
     */
    @Test
    void elementWiseOpsSplitOverTheCrewGiveThePlainLoopsBits() {
        int n = 100_003;
        SplittableRandom rnd = new SplittableRandom(5);
        float[] a = new float[n], b = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rnd.nextGaussian();
            b[i] = (float) rnd.nextGaussian();
        }
        float[] relu = new float[n], reluGrad = new float[n], sum = new float[n], product = new float[n];
        for (int i = 0; i < n; i++) {
            relu[i] = Math.max(a[i], 0f);
            reluGrad[i] = relu[i] > 0f ? b[i] : 0f;
            sum[i] = a[i] + b[i];
            product[i] = a[i] * b[i];
        }
        try (CpuBackend two = cpu(2)) {
            long before = CrewProbe.crewTasks(two);
            for (int round = 0; round < 100 && CrewProbe.crewTasks(two) == before; round++) {
                Tensor y = two.upload("y", a, n), x = two.upload("x", b, n), copy = two.zeros("copy", n);
                two.copy(y, copy);
                assertArrayEquals(a, copy.toArray(), "copy");
                two.add(copy, x);
                assertArrayEquals(sum, copy.toArray(), "add");
                two.copy(y, copy);
                two.multiply(copy, x);
                assertArrayEquals(product, copy.toArray(), "multiply");
                two.relu(y);
                assertArrayEquals(relu, y.toArray(), "relu");
                two.reluBackward(y, x);
                assertArrayEquals(reluGrad, x.toArray(), "relu gradient");
                for (Tensor t : new Tensor[] {y, x, copy}) t.close();
            }
            assertTrue(CrewProbe.crewTasks(two) > before, "the two-thread backend's second thread ran none of the ranges");
        }
    }

    @Test
    void closingTheBackendEndsItsThreads() throws InterruptedException {
        CpuBackend backend = cpu(3);
        GemmWorkers crew = backend.workers();
        assertTrue(!crew.stopped(), "the crew runs while the backend is open");
        backend.close();
        for (int wait = 0; wait < 500 && !crew.stopped(); wait++) Thread.sleep(10);
        assertTrue(crew.stopped(), "the crew's threads ended within 5 s of close");
    }
}
