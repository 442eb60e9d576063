package dev.lottery.check;

import dev.lottery.experiment.Experiment;
import dev.lottery.experiment.ExperimentPresets;
import dev.lottery.experiment.ExperimentSettings;
import dev.lottery.experiment.ExperimentSpec;
import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.backend.BackendOptions;
import dev.lottery.nn.backend.Backends;
import dev.lottery.nn.backend.DeviceChoice;
import dev.lottery.nn.data.DataSplit;
import dev.lottery.nn.data.Dataset;
import dev.lottery.nn.init.Initializer;
import dev.lottery.nn.model.Activation;
import dev.lottery.nn.model.LayerKind;
import dev.lottery.nn.model.LayerSpec;
import dev.lottery.nn.model.ModelSpec;
import dev.lottery.nn.model.Network;
import dev.lottery.nn.train.Normalization;
import dev.lottery.nn.train.OptimizerSpec;
import dev.lottery.nn.train.ResidentData;
import dev.lottery.nn.train.Trainer;
import dev.lottery.nn.train.TrainingResult;
import dev.lottery.nn.train.TrainingSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Trains a small custom model on in-memory arrays, saves it, loads it back, checks that both predict the same, and
 * runs a one-level lottery experiment on the same data. Exits non-zero with one line on the first failure.
 * Arguments: a scratch folder, and the CPU kernels expected ({@code vector}: the Vector API's, {@code scalar}: the
 * fallback when {@code jdk.incubator.vector} is not resolved).
 */
public final class LibraryCheck {
    private static final int FEATURES = 8, CLASSES = 3;

    public static void main(String[] args) throws IOException {
        Path work = Path.of(args[0]);
        boolean vector = args[1].equals("vector");
        boolean modular = LibraryCheck.class.getModule().isNamed();
        String where = modular ? "module path" : "class path";
        checkNoCliOrPlotting(modular);

        ModelSpec model = new ModelSpec("tiny", FEATURES, List.of(
                new LayerSpec.Dense("hidden", 16, Activation.RELU, LayerKind.FULLY_CONNECTED),
                new LayerSpec.Dense("out", CLASSES, Activation.NONE, LayerKind.OUTPUT)),
                new Initializer.TruncatedNormal(0.1), new Initializer.Zeros());
        int[] trainLabels = new int[600], testLabels = new int[150];
        float[][] train = examples(600, 1, trainLabels), test = examples(150, 2, testLabels);
        DataSplit split = new DataSplit(Dataset.of("toy", train, trainLabels, CLASSES), null,
                Dataset.of("toy-test", test, testLabels, CLASSES));
        TrainingSpec training = TrainingSpec.builder(OptimizerSpec.sgd(0.1)).batchSize(30).iterations(300).build();

        try (Backend backend = Backends.select(BackendOptions.of(DeviceChoice.CPU).withCpuThreads(2)).backend()) {
            require(backend.description().contains("scalar kernels") != vector,
                    "expected the " + (vector ? "Vector API" : "scalar") + " kernels: " + backend.description());
            int[] predicted;
            Path saved = work.resolve("tiny");
            try (ResidentData data = ResidentData.upload(backend, split);
                 Network net = Network.create(model, backend, 1)) {
                TrainingResult result = Trainer.train(net, data, training);
                require(result.finalTestAccuracy() > 0.9, "test accuracy " + result.finalTestAccuracy() + " after training");
                predicted = net.predict(test);
                net.save(saved);
            }
            try (Network loaded = Network.load(saved, backend)) {
                require(Arrays.equals(predicted, loaded.predict(test)), "the loaded network predicts differently");
            }
            require(Files.isRegularFile(saved.resolve("hidden.weight.npy")), "no hidden.weight.npy in " + saved);

            ExperimentSpec spec = ExperimentPresets.get("lenet-quick").toBuilder()
                    .set(ExperimentSettings.NAME, "tiny-lottery")
                    .set(ExperimentSettings.MODEL, model)
                    .set(ExperimentSettings.TRAINING, training)
                    .set(ExperimentSettings.LEVELS, 1)
                    .set(ExperimentSettings.TRIALS, 1)
                    .build();
            Path results = Experiment.of(spec).withData("toy", split, Normalization.NONE).on(backend).run(work.resolve("results"));
            long units;
            try (Stream<Path> files = Files.walk(results)) {
                units = files.filter(f -> f.getFileName().toString().equals("metrics.json")).count();
            }
            require(units >= 2, units + " units with metrics in " + results + ", expected level 0 and level 1");
            System.out.println("library-check (" + where + ", " + backend.description() + "): trained, saved, loaded and predicted a custom model ("
                    + correct(predicted, testLabels) + "/" + testLabels.length + " correct); a one-level experiment wrote "
                    + units + " units");
        }
    }

    /** On the module path, the optional modules stay unresolved; on either path, their classes are absent. */
    private static void checkNoCliOrPlotting(boolean modular) {
        for (String cls : List.of("picocli.CommandLine", "org.knowm.xchart.XYChart", "org.apache.pdfbox.pdmodel.PDDocument", "org.junit.jupiter.api.Test")) {
            try {
                Class.forName(cls, false, LibraryCheck.class.getClassLoader());
                fail(cls + " is on the " + (modular ? "module" : "class") + " path");
            } catch (ClassNotFoundException expected) {
                // as it should be
            }
        }
        if (modular) {
            Module nn = Network.class.getModule();
            require(nn.getName().equals("dev.lottery.nn"), "nn is module " + nn.getName());
            for (String internal : List.of("dev.lottery.nn.layers", "dev.lottery.nn.internal", "dev.lottery.nn.backend.common",
                    "dev.lottery.nn.backend.cpu")) {
                require(!nn.isExported(internal), internal + " is exported");
            }
        }
    }

    /** Class c: feature c is large, the others noise. */
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

    private static int correct(int[] predicted, int[] labels) {
        int n = 0;
        for (int i = 0; i < labels.length; i++) if (predicted[i] == labels[i]) n++;
        return n;
    }

    private static void require(boolean ok, String what) {
        if (!ok) fail(what);
    }

    private static void fail(String what) {
        System.err.println("library-check: " + what);
        System.exit(1);
    }
}
