package dev.lottery.report;

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
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lottery.experiment.Experiment;
import dev.lottery.experiment.ExperimentSpec;
import dev.lottery.experiment.PruningMode;
import dev.lottery.experiment.ResetMode;
import dev.lottery.experiment.control.Controls;
import dev.lottery.nn.backend.cpu.CpuBackend;
import dev.lottery.nn.data.DataSplit;
import dev.lottery.nn.data.Dataset;
import dev.lottery.nn.data.DatasetName;
import dev.lottery.nn.init.Initializer;
import dev.lottery.nn.model.Activation;
import dev.lottery.nn.model.ImageShape;
import dev.lottery.nn.model.LayerKind;
import dev.lottery.nn.model.LayerSpec;
import dev.lottery.nn.model.ModelSpec;
import dev.lottery.nn.model.Padding;
import dev.lottery.nn.train.LearningRateSchedule;
import dev.lottery.nn.train.OptimizerSpec;
import dev.lottery.nn.train.TrainingSpec;
import dev.lottery.nn.data.augment.BatchAugmentation;
import dev.lottery.prune.PruningStrategy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Figures 4-7 from a results root: tiny conv, dropout and residual networks (named as the presets, so the report
 * finds them) trained for a few dozen iterations on synthetic 1x8x8 images with a validation holdout.
 */
class ComparisonReportTest {
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G'};
    private static final ImageShape SHAPE = new ImageShape(1, 8, 8);
    private static final int CLASSES = 4;

    @TempDir
    static Path root;

    /** Class = which quadrant of the noisy image is a little brighter: learnable, but not perfectly in a few dozen steps. */
    private static Dataset images(String name, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int f = 64;
        float[] x = new float[n * f];
        byte[] y = new byte[n];
        for (int i = 0; i < n; i++) {
            int c = r.nextInt(CLASSES);
            y[i] = (byte) c;
            for (int h = 0; h < 8; h++) {
                for (int w = 0; w < 8; w++) {
                    int quadrant = (h / 4) * 2 + w / 4;
                    x[i * f + h * 8 + w] = (float) (r.nextDouble() + (quadrant == c ? 0.25 : 0));
                }
            }
        }
        return new Dataset(name, x, y, n, 1, 8, 8, CLASSES);
    }

    private static DataSplit data() {
        return new DataSplit(images("train", 240, 1), images("validation", 60, 2), images("test", 100, 3));
    }

    /** conv2 and conv4 stand-ins differ in width, so their curves differ. */
    private static ModelSpec conv(String name, double dropout) {
        int filters = name.contains("conv4") ? 6 : 4;
        List<LayerSpec> layers = new ArrayList<>(List.of(
                new LayerSpec.Conv2d("conv1", filters, 3, 1, Padding.SAME, Activation.RELU, true),
                new LayerSpec.MaxPool("pool1", 2, 2),
                new LayerSpec.Flatten("flatten"),
                new LayerSpec.Dense("fc1", 24, Activation.RELU, LayerKind.FULLY_CONNECTED)));
        if (dropout > 0) layers.add(new LayerSpec.Dropout("dropout1", dropout));
        layers.add(new LayerSpec.Dense("fc2", CLASSES, Activation.NONE, LayerKind.OUTPUT));
        return new ModelSpec(name, SHAPE, layers, new Initializer.XavierNormal(true), new Initializer.Zeros());
    }

    private static ModelSpec resnet() {
        return new ModelSpec("tiny-resnet", SHAPE, List.of(
                new LayerSpec.Conv2d("conv1", 4, 3, 1, Padding.SAME, Activation.NONE, false),
                new LayerSpec.BatchNorm("bn1", Activation.RELU),
                new LayerSpec.ResidualBlock("block1", 4, 1),
                new LayerSpec.GlobalAvgPool("pool"),
                new LayerSpec.Dense("fc", CLASSES, Activation.NONE, LayerKind.OUTPUT)),
                new Initializer.XavierNormal(true), new Initializer.Zeros());
    }

    private static ExperimentSpec spec(String name, ModelSpec model, OptimizerSpec opt, long iterations, int evalEvery,
                                       BatchAugmentation aug, PruningStrategy strategy) {
        return ExperimentSpec.builder().set(NAME, name).set(MODEL, model).dataset(DatasetName.FASHION_MNIST)
                .set(TRAINING, new TrainingSpec(opt, 20, iterations, evalEvery, 60, aug)).set(STRATEGY, strategy)
                .set(MODES, List.of(PruningMode.ITERATIVE)).set(ARMS, List.of(Controls.TICKET, Controls.REINIT))
                .set(LEVELS, 2).set(TRIALS, 1).set(SEED, 7L).set(RESET, new ResetMode.ToInit()).build();
    }

    private static ExperimentSpec convSpec(String name, ModelSpec model, PruningStrategy strategy) {
        return spec(name, model, OptimizerSpec.sgd(0.05), 36, 6, BatchAugmentation.NONE, strategy);
    }

    private static ExperimentSpec resnetSpec(String name, double momentum) {
        // three learning rates over 48 iterations, evaluated every 4: each rate's window holds evaluations
        OptimizerSpec opt = new OptimizerSpec(LearningRateSchedule.parse("0.1,24:0.01,36:0.001"), momentum, 1e-4);
        return spec(name, resnet(), opt, 48, 4, new BatchAugmentation(1, true), new PruningStrategy.LayerwiseMagnitude(0.3, 0.3, 0.15));
    }

    @BeforeAll
    static void runTinyExperiments() {
        PruningStrategy q1 = new PruningStrategy.LayerwiseMagnitude(0.3, 0.15, 0.15);
        List<ExperimentSpec> specs = List.of(
                convSpec("conv2-q1", conv("tiny-conv2", 0), q1),
                convSpec("conv4-q1", conv("tiny-conv4", 0), q1),
                convSpec("conv2-q3-conv", conv("tiny-conv2", 0), new PruningStrategy.LayerwiseMagnitude(0, 0.3, 0)),
                convSpec("conv2-q3-fc", conv("tiny-conv2", 0), new PruningStrategy.LayerwiseMagnitude(0.3, 0, 0.15)),
                convSpec("conv2-q3-both", conv("tiny-conv2", 0), new PruningStrategy.LayerwiseMagnitude(0.3, 0.3, 0.15)),
                convSpec("conv4-dropout", conv("tiny-conv4-dropout", 0.5), q1),
                resnetSpec("resnet20-momentum", 0.9),
                resnetSpec("resnet20-sgd", 0));
        try (CpuBackend cpu = new CpuBackend()) {
            for (ExperimentSpec s : specs) Experiment.of(s).on(cpu).withData(data()).run(root);
        }
    }

    @Test
    void aResultsRootGetsFiguresFourToSeven() throws IOException {
        List<Path> files = Report.write(root);
        assertEquals(List.of("figure4.png", "figure5.png", "figure6.png", "figure7.png", "report.md"),
                files.stream().map(p -> p.getFileName().toString()).toList());
        for (Path f : files.subList(0, 4)) {
            assertEquals(root.resolve("report").resolve(f.getFileName()), f);
            assertArrayEquals(PNG, Arrays.copyOf(Files.readAllBytes(f), 4), f.toString());
            assertTrue(Files.size(f) > 20_000, f + " has content: " + Files.size(f) + " bytes");
        }
        String md = Files.readString(files.get(4));
        for (String name : List.of("conv2-q1", "conv4-q1", "conv2-q3-both", "conv4-dropout", "resnet20-momentum", "resnet20-sgd")) {
            // dense + 2 levels x 2 arms, 1 trial
            assertTrue(md.matches("(?s).*\\| " + name + " \\| " + name + "-[0-9a-f]{12} \\| 5 \\|.*"), name + ":\n" + md);
        }
        assertFalse(md.contains("not drawn"), md);
    }

    @Test
    void curvesFollowTheLevelsAndTheConvergencePoints() {
        ResultsRoot r = ResultsRoot.load(root);
        ExperimentResults conv2 = r.get("conv2-q1").orElseThrow();
        double[][] ticket = RemainingCurves.points(conv2, Controls.TICKET, RemainingCurves.CONVERGENCE_ITERATION);
        // dense, then 2 levels: percent remaining falls, each point is a real minimum-validation-loss iteration
        assertEquals(3, ticket.length);
        assertTrue(ticket[0][0] < ticket[1][0] && ticket[1][0] < ticket[2][0] && ticket[2][0] == 100.0, Arrays.deepToString(ticket));
        for (double[] p : ticket) assertTrue(p[1] > 0 && p[1] <= 36 && p[1] % 6 == 0, Arrays.toString(p));
        // reinit shares the dense point and has both pruned levels
        assertEquals(3, RemainingCurves.points(conv2, Controls.REINIT, RemainingCurves.ACCURACY_AT_CONVERGENCE).length);
        // Question 3: conv-only pruning leaves the fc layers whole, fc-only the convolutions
        Map<String, Double> convOnly = r.get("conv2-q3-conv").orElseThrow().trials(PruningMode.ITERATIVE, Controls.TICKET, 2).getFirst().layerRemaining();
        Map<String, Double> fcOnly = r.get("conv2-q3-fc").orElseThrow().trials(PruningMode.ITERATIVE, Controls.TICKET, 2).getFirst().layerRemaining();
        assertEquals(1.0, convOnly.get("fc1.weight"));
        assertTrue(convOnly.get("conv1.weight") < 0.6, convOnly.toString());
        assertEquals(1.0, fcOnly.get("conv1.weight"));
        assertTrue(fcOnly.get("fc1.weight") < 0.6, fcOnly.toString());
    }

    @Test
    void resnetWindowsAreTheLastEvaluationsOfEachRate() {
        ExperimentResults m = ResultsRoot.load(root).get("resnet20-momentum").orElseThrow();
        List<Figure6.Segment> segments = Figure6.segments(m);
        assertEquals(List.of(new Figure6.Segment(0, 24, 0.1), new Figure6.Segment(24, 36, 0.01), new Figure6.Segment(36, 48, 0.001)), segments);
        UnitResult dense = m.trials(PruningMode.ITERATIVE, Controls.TICKET, 0).getFirst();
        // evaluations at 4, 8, ..., 48: the 0.01 window (24, 36] holds 28, 32, 36
        double want = 0;
        for (int i = 0; i < dense.iterations().length; i++) {
            long it = dense.iterations()[i];
            if (it > 24 && it <= 36) want += dense.testAccuracy()[i] / 3;
        }
        assertEquals(want, segments.get(1).windowAccuracy(dense), 1e-12);
        // a 1,000-iteration window inside a long stretch starts 1,000 before its end
        UnitResult fake = new UnitResult("x", 0, null, Controls.TICKET, 0, 1, Map.of(), new long[] {18_000, 19_100, 19_500, 20_000, 20_100},
                new double[] {0.1, 0.2, 0.4, 0.6, 0.9}, 0.9, 0.9, null, null);
        assertEquals((0.2 + 0.4 + 0.6) / 3, new Figure6.Segment(0, 20_000, 0.1).windowAccuracy(fake), 1e-12);
    }

    @Test
    void missingExperimentsAreNamedNotDrawn(@TempDir Path only) {
        try (CpuBackend cpu = new CpuBackend()) {
            Experiment.of(convSpec("conv4-dropout", conv("tiny-conv4-dropout", 0.5), new PruningStrategy.LayerwiseMagnitude(0.3, 0.15, 0.15)))
                    .on(cpu).withData(data()).run(only);
        }
        List<Path> files = Report.write(only);
        assertEquals(List.of("figure7.png", "report.md"), files.stream().map(p -> p.getFileName().toString()).toList());
        String md;
        try {
            md = Files.readString(files.get(1));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        assertTrue(md.contains("figure4.png: not drawn (needs conv2-q1, conv4-q1)"), md);
        assertTrue(md.contains("figure6.png: not drawn"), md);
    }
}
