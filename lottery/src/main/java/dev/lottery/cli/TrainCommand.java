package dev.lottery.cli;

import dev.lottery.nn.UserError;
import dev.lottery.nn.backend.Backends;
import dev.lottery.nn.data.DatasetName;
import dev.lottery.nn.data.augment.BatchAugmentation;
import dev.lottery.nn.init.Initializer;
import dev.lottery.nn.internal.AtomicFiles;
import dev.lottery.nn.io.Npy;
import dev.lottery.nn.model.ModelSpec;
import dev.lottery.nn.model.Network;
import dev.lottery.nn.model.Parameter;
import dev.lottery.nn.model.Preset;
import dev.lottery.nn.model.Presets;
import dev.lottery.nn.train.LearningRateSchedule;
import dev.lottery.nn.train.Normalization;
import dev.lottery.nn.train.OptimizerSpec;
import dev.lottery.nn.train.ResidentData;
import dev.lottery.nn.train.ResultJson;
import dev.lottery.nn.train.Trainer;
import dev.lottery.nn.train.TrainingResult;
import dev.lottery.nn.train.TrainingSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lottery train}: trains one dense network (no pruning) and reports accuracy and convergence. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a model preset (default: the paper's lenet-300-100 on MNIST) and report test accuracy.")
public final class TrainCommand implements Callable<Integer>, ValidatedOptions {
    @Spec
    CommandSpec spec;

    @Option(names = {"-m", "--model"}, defaultValue = "lenet-300-100", description = "Model preset (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--dataset", description = "mnist or fashion-mnist (default: the preset's).")
    String dataset;

    @Option(names = "--epochs", description = "Passes over the training set (default: the preset's).")
    Integer epochs;

    @Option(names = "--iterations", description = "Training iterations; overrides --epochs.")
    Long iterations;

    @Option(names = "--batch-size", description = "Mini-batch size (default: the preset's).")
    Integer batchSize;

    @Option(names = "--lr", description = "Learning rate, or a schedule like 0.1,20000:0.01 (default: the preset's).")
    String lr;

    @Option(names = "--momentum", description = "SGD momentum (default: the preset's).")
    Double momentum;

    @Option(names = "--weight-decay", description = "L2 weight decay (default: the preset's).")
    Double weightDecay;

    @Option(names = "--init", description = "Weight initializer, for example trunc_normal(0.1) or xavier_normal; a wrong one lists them all (default: the preset's).")
    String init;

    @Option(names = "--seed", defaultValue = "0", description = "Random seed for initialization and data order (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--eval-every", defaultValue = "100", description = "Evaluate every N iterations (default: ${DEFAULT-VALUE}).")
    int evalEvery;

    @Option(names = "--validation", description = "Training examples held out for validation (default: the preset's).")
    Integer validation;

    @Option(names = "--augment", negatable = true,
            description = "Random flips and 4-pixel translations of training images (default: the preset's; on for resnet20).")
    Boolean augment;

    @Option(names = "--device", defaultValue = "auto", description = "auto, cpu or cuda (default: ${DEFAULT-VALUE}).")
    String device;

    @Mixin
    ThreadsOption threads = new ThreadsOption();

    @Option(names = "--data-dir", description = "Data cache directory (default: $LOTTERY_DATA or ~/.cache/lottery/data).")
    Path dataDir;

    @Option(names = "--out", description = "Write metrics.json and the final weights and masks as .npy files here.")
    Path out;

    @Override
    public void validateOptions() {
        Preset preset = Presets.get(model);
        modelSpec(preset, dataset());
        optimizer(preset);
        threads.backendOptions(device);
        if (epochs != null) OptionChecks.positive("--epochs", epochs);
        if (iterations != null) OptionChecks.positive("--iterations", iterations);
        if (batchSize != null) OptionChecks.positive("--batch-size", batchSize);
        OptionChecks.positive("--eval-every", evalEvery);
        if (validation != null) OptionChecks.nonNegative("--validation", validation);
        if (dataDir != null) OptionChecks.directoryOrCreatable("--data-dir", dataDir);
        if (out != null) OptionChecks.writableDirectory("--out", out);
    }

    private DatasetName dataset() {
        return dataset == null ? Presets.get(model).dataset() : DatasetName.parse(dataset);
    }

    /** The same architecture over the chosen data set's examples (e.g. conv2 on 1x28x28 Fashion-MNIST). */
    private ModelSpec modelSpec(Preset preset, DatasetName data) {
        return init == null ? preset.modelFor(data) : preset.modelFor(data).withWeightInit(Initializer.parse(init));
    }

    private OptimizerSpec optimizer(Preset preset) {
        OptimizerSpec optimizer = preset.optimizer();
        if (lr != null) optimizer = optimizer.withLearningRate(LearningRateSchedule.parse(lr));
        if (momentum != null || weightDecay != null) {
            optimizer = new OptimizerSpec(optimizer.learningRate(),
                    momentum == null ? optimizer.momentum() : momentum,
                    weightDecay == null ? optimizer.weightDecay() : weightDecay);
        }
        return optimizer;
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        Preset preset = Presets.get(model);
        DatasetName data = dataset();
        ModelSpec modelSpec = modelSpec(preset, data);
        OptimizerSpec optimizer = optimizer(preset);
        int batch = batchSize == null ? preset.batchSize() : batchSize;
        int validationSize = validation == null ? preset.validationSize() : validation;

        BatchAugmentation augmentation = augment == null ? preset.augmentation()
                : augment ? BatchAugmentation.FLIP_AND_TRANSLATE : BatchAugmentation.NONE;

        Backends.Selection selection = Backends.select(threads.backendOptions(device));
        System.err.println(selection.describe());
        try (var backend = selection.backend();
             ResidentData resident = ResidentData.load(backend, data, dataDir, validationSize, seed);
             Network network = Network.create(modelSpec, backend, seed)) {
            long total = iterations != null ? iterations
                    : TrainingSpec.iterationsFor(epochs == null ? preset.epochs() : epochs, resident.train().count(), batch);
            TrainingSpec training = new TrainingSpec(optimizer, batch, total, evalEvery, validationSize, augmentation);
            System.err.println("training " + modelSpec.name() + " on " + data.cliName()
                    + ": " + training.canonical() + ", seed " + seed);
            TrainingResult result = Trainer.train(network, resident, training, seed, new ProgressBar(System.err, modelSpec.name()));
            report(stdout, result);
            if (out != null) write(out, network, result, modelSpec, data, training);
        }
        return 0;
    }

    private static void report(PrintWriter out, TrainingResult r) {
        out.printf(Locale.ROOT, "final test accuracy %.2f%% (best %.2f%%) after %,d iterations in %.1f s (%,.0f it/s)%n",
                r.finalTestAccuracy() * 100, r.bestTestAccuracy() * 100, r.iterations(), r.seconds(), r.iterations() / r.seconds());
        if (r.earlyStop() != null) {
            out.printf(Locale.ROOT, "early-stop iteration %,d (test accuracy %.2f%% there)%n", r.earlyStop().iteration(), r.earlyStop().testAccuracy() * 100);
        } else {
            out.println("early-stop criterion not met within the run");
        }
        out.printf(Locale.ROOT, "minimum-loss iteration %,d (test accuracy %.2f%% there)%n", r.minimumLoss().iteration(), r.minimumLoss().testAccuracy() * 100);
        out.flush();
    }

    private void write(Path dir, Network network, TrainingResult result, ModelSpec modelSpec, DatasetName data, TrainingSpec training)
            throws IOException {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UserError("cannot create output directory " + dir + ": " + e.getMessage());
        }
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("model", modelSpec.canonical());
        settings.put("dataset", data.cliName());
        settings.put("training", training.canonical());
        settings.put("normalization", Normalization.standard(data).canonical());
        settings.put("seed", Long.toString(seed));
        settings.put("backend", network.backend().name());
        for (Parameter p : network.parameters()) {
            Npy.write(dir.resolve(p.name() + ".npy"), p.value().toArray(), p.value().shape());
            if (p.mask() != null) Npy.write(dir.resolve(p.name() + ".mask.npy"), p.mask().toArray(), p.mask().shape());
        }
        Path json = dir.resolve("metrics.json");
        AtomicFiles.writeString(json, ResultJson.toJson(result, settings));
        System.err.println("wrote " + json + " and " + network.parameters().size() + " weight files");
    }
}
