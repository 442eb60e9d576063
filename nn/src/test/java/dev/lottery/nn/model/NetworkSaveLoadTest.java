package dev.lottery.nn.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lottery.nn.UserError;
import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.backend.cpu.CpuBackend;
import dev.lottery.nn.data.DataSplit;
import dev.lottery.nn.data.Dataset;
import dev.lottery.nn.init.Initializer;
import dev.lottery.nn.io.Npy;
import dev.lottery.nn.io.NpyArray;
import dev.lottery.nn.tensor.Tensor;
import dev.lottery.nn.train.OptimizerSpec;
import dev.lottery.nn.train.ResidentData;
import dev.lottery.nn.train.Trainer;
import dev.lottery.nn.train.TrainingResult;
import dev.lottery.nn.train.TrainingSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A custom model trained on in-memory arrays, saved, loaded and asked for predictions. */
class NetworkSaveLoadTest {
    private static final int FEATURES = 8, CLASSES = 3;
    private final Backend backend = new CpuBackend();
    @TempDir
    Path tmp;

    private static final ModelSpec MODEL = new ModelSpec("tiny", FEATURES, List.of(
            new LayerSpec.Dense("hidden", 16, Activation.RELU, LayerKind.FULLY_CONNECTED),
            new LayerSpec.Dense("out", CLASSES, Activation.NONE, LayerKind.OUTPUT)),
            new Initializer.TruncatedNormal(0.1), new Initializer.Zeros());

    /** Class c: feature c is large, the others noise; learnable to near-perfect accuracy in a few hundred steps. */
    private static float[][] examples(int count, long seed, int[] labels) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] x = new float[count][FEATURES];
        for (int i = 0; i < count; i++) {
            labels[i] = i % CLASSES;
            for (int f = 0; f < FEATURES; f++) x[i][f] = (float) r.nextGaussian() * 0.3f;
            x[i][labels[i]] += 2f;
        }
        return x;
    }

    @Test
    void trainedNetworkSavesLoadsAndPredictsTheSame() throws Exception {
        int[] trainLabels = new int[600], testLabels = new int[150];
        float[][] train = examples(600, 1, trainLabels), test = examples(150, 2, testLabels);
        DataSplit split = new DataSplit(Dataset.of("toy", train, trainLabels, CLASSES), null, Dataset.of("toy-test", test, testLabels, CLASSES));
        TrainingSpec spec = TrainingSpec.builder(OptimizerSpec.sgd(0.1)).batchSize(30).iterations(300).evalEvery(100).build();
        Path dir = tmp.resolve("net");
        int[] predicted;
        try (ResidentData data = ResidentData.upload(backend, split);
             Network net = Network.create(MODEL, backend, 3)) {
            // Half of the hidden weights pruned: the mask must survive the round trip.
            Parameter hidden = net.prunable().getFirst();
            float[] mask = new float[Math.toIntExact(hidden.size())];
            for (int i = 0; i < mask.length; i += 2) mask[i] = 1f;
            hidden.mask().copyFrom(mask);
            backend.applyMask(hidden.value(), hidden.mask());
            TrainingResult result = Trainer.train(net, data, spec);
            assertTrue(result.finalTestAccuracy() > 0.9, "accuracy " + result.finalTestAccuracy());
            predicted = net.predict(test);
            net.save(dir);
            net.save(dir); // replacing a saved network leaves only the new one
        }
        int correct = 0;
        for (int i = 0; i < predicted.length; i++) if (predicted[i] == testLabels[i]) correct++;
        assertTrue(correct > 0.9 * predicted.length, correct + " of " + predicted.length + " correct");

        try (var files = Files.list(tmp)) {
            assertEquals(List.of(dir), files.toList(), "no temporary or old folders left beside the saved one");
        }
        NpyArray weights = Npy.read(dir.resolve("hidden.weight.npy"));
        assertArrayEquals(new int[] {16, FEATURES}, weights.shape(), "a dense layer's weights are [units, inputs]");
        boolean[] kept = Npy.read(dir.resolve("hidden.weight.mask.npy")).booleans();
        float[] w = weights.floats();
        for (int i = 0; i < kept.length; i++) {
            assertEquals(i % 2 == 0, kept[i], "mask " + i);
            if (!kept[i]) assertEquals(0f, w[i], "pruned weight " + i + " is exactly zero");
        }
        try (Network loaded = Network.load(dir, backend)) {
            assertEquals(MODEL.canonical(), loaded.spec().canonical());
            assertArrayEquals(predicted, loaded.predict(test));
            assertArrayEquals(w, loaded.parameters().getFirst().value().toArray());
        }
    }

    /**
     * Batch norm's running mean and variance are saved beside the parameters: the loaded network's evaluation logits
     * are the trained network's to the bit, and the same network with the statistics reset (as a load that dropped
     * them would leave it) computes others.
     */
    @Test
    void batchNormRunningStatisticsAreSavedAndLoaded() throws Exception {
        ModelSpec model = new ModelSpec("tiny-bn", FEATURES, List.of(
                new LayerSpec.Dense("hidden", 16, Activation.NONE, LayerKind.FULLY_CONNECTED),
                new LayerSpec.BatchNorm("hidden_bn", Activation.RELU),
                new LayerSpec.Dense("out", CLASSES, Activation.NONE, LayerKind.OUTPUT)),
                new Initializer.TruncatedNormal(0.1), new Initializer.Zeros());
        int[] trainLabels = new int[300], testLabels = new int[60];
        float[][] train = examples(300, 1, trainLabels), test = examples(60, 2, testLabels);
        DataSplit split = new DataSplit(Dataset.of("toy", train, trainLabels, CLASSES), Dataset.of("toy-test", test, testLabels, CLASSES));
        TrainingSpec spec = TrainingSpec.builder(OptimizerSpec.sgd(0.1)).batchSize(30).iterations(40).evalEvery(40).build();
        Path dir = tmp.resolve("bn");
        float[] logits;
        int[] predicted;
        try (ResidentData data = ResidentData.upload(backend, split);
             Network net = Network.create(model, backend, 3);
             Tensor x = backend.upload("x", flatten(test), test.length, FEATURES)) {
            Trainer.train(net, data, spec);
            logits = net.forward(x, Mode.EVALUATION).toArray();
            predicted = net.predict(test);
            net.save(dir);
        }
        assertEquals(List.of("hidden_bn.running_mean", "hidden_bn.running_var"), Files.readAllLines(dir.resolve(Network.STATE_FILE)));
        float[] mean = Npy.read(dir.resolve("hidden_bn.running_mean.npy")).floats();
        assertTrue(IntStream.range(0, mean.length).anyMatch(i -> mean[i] != 0f), "training moved the running mean");
        try (Network loaded = Network.load(dir, backend);
             Tensor x = backend.upload("x", flatten(test), test.length, FEATURES)) {
            assertArrayEquals(logits, loaded.forward(x, Mode.EVALUATION).toArray(), "evaluation logits after the round trip");
            assertArrayEquals(predicted, loaded.predict(test));
            loaded.resetRunningStatistics();
            assertFalse(Arrays.equals(logits, loaded.forward(x, Mode.EVALUATION).toArray()),
                    "without its running statistics the network computes other logits, so the check above can fail");
        }
    }

    private static float[] flatten(float[][] rows) {
        float[] out = new float[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) System.arraycopy(rows[i], 0, out, i * rows[i].length, rows[i].length);
        return out;
    }

    @Test
    void loadingAFolderThatIsNotASavedNetworkIsAUserError() throws Exception {
        Files.createDirectories(tmp.resolve("empty"));
        UserError e = assertThrows(UserError.class, () -> Network.load(tmp.resolve("empty"), backend));
        assertTrue(e.getMessage().contains("not a saved network"), e.getMessage());
    }

    @Test
    void predictRejectsExamplesOfTheWrongWidth() {
        try (Network net = Network.create(MODEL, backend, 0)) {
            assertThrows(IllegalArgumentException.class, () -> net.predict(new float[][] {new float[FEATURES - 1]}));
        }
    }

    @Test
    void builderNamesEverySettingAndChecksThem() {
        OptimizerSpec sgd = OptimizerSpec.sgd(0.05);
        assertEquals(new TrainingSpec(sgd, 60, 1000, 100, 5000),
                TrainingSpec.builder(sgd).batchSize(60).iterations(1000).validationSize(5000).build());
        assertThrows(UserError.class, () -> TrainingSpec.builder(sgd).batchSize(60).build(), "iterations are required");
        assertTrue(TrainingSpec.builder(sgd).batchSize(1).iterations(1).build().augmentation().isNone());
        Preset lenet = Presets.get("lenet-300-100");
        assertEquals(new TrainingSpec(lenet.optimizer(), lenet.batchSize(), 500, 100, lenet.validationSize(), lenet.augmentation()),
                lenet.training().iterations(500).build(), "a preset's training settings, the length given");
    }
}
