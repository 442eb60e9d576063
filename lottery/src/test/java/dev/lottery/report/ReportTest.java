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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lottery.experiment.Experiment;
import dev.lottery.experiment.PopulationSize;
import dev.lottery.experiment.ExperimentListener;
import dev.lottery.experiment.ExperimentSpec;
import dev.lottery.experiment.PruningMode;
import dev.lottery.experiment.ResetMode;
import dev.lottery.experiment.Unit;
import dev.lottery.experiment.control.Control;
import dev.lottery.experiment.control.Controls;
import dev.lottery.nn.UserError;
import dev.lottery.nn.backend.cpu.CpuBackend;
import dev.lottery.nn.data.DataSplit;
import dev.lottery.nn.data.Dataset;
import dev.lottery.nn.data.DatasetName;
import dev.lottery.nn.model.Presets;
import dev.lottery.nn.train.OptimizerSpec;
import dev.lottery.nn.train.TrainingListener;
import dev.lottery.nn.train.TrainingSpec;
import dev.lottery.prune.PruningStrategy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G'};

    private static DataSplit data() {
        SplittableRandom r = new SplittableRandom(3);
        int n = 400, f = 32;
        float[] x = new float[n * f];
        byte[] y = new byte[n];
        for (int i = 0; i < n; i++) {
            y[i] = (byte) (i % 4);
            for (int j = 0; j < f; j++) x[i * f + j] = (float) (r.nextDouble() + (j % 4 == y[i] ? 1 : 0));
        }
        Dataset d = new Dataset("synthetic", x, y, n, 1, 1, f, 4);
        return new DataSplit(d.subset(0, 300).named("train"), null, d.subset(300, 400).named("test"));
    }

    private static ExperimentSpec spec() {
        return ExperimentSpec.builder().set(NAME, "report-test").set(MODEL, Presets.lenet("tiny", 24, 12).withInput(32))
                .dataset(DatasetName.MNIST).set(TRAINING, new TrainingSpec(OptimizerSpec.sgd(0.05), 20, 45, 15, 0))
                .set(STRATEGY, PruningStrategy.LayerwiseMagnitude.fullyConnected(0.5))
                .set(MODES, List.of(PruningMode.ITERATIVE, PruningMode.ONESHOT)).set(ARMS, Controls.all())
                .set(LEVELS, 2).set(TRIALS, 2).set(SEED, 1L).set(RESET, new ResetMode.ToInit()).build();
    }

    @Test
    void writesThreeFiguresAndATable(@TempDir Path root) throws IOException {
        Path dir = Experiment.of(spec()).on(new CpuBackend()).withData(data()).run(root);
        List<Path> files = Report.write(dir);
        assertEquals(List.of("figure2.png", "figure3.png", "figure8.png", "report.md"), files.stream().map(p -> p.getFileName().toString()).toList());
        for (Path f : files.subList(0, 3)) {
            assertArrayEquals(PNG, Arrays.copyOf(Files.readAllBytes(f), 4), f.toString());
            assertTrue(Files.size(f) > 10_000, f + " has content");
        }
        String md = Files.readString(files.get(3));
        assertTrue(md.contains("## iterative") && md.contains("## oneshot"), md);
        // a column per arm (the registry's, signs included): final accuracy by level
        assertTrue(md.contains("| level | % weights remaining | ticket | reinit | rearrange | signs |"), md);
        assertTrue(md.matches("(?s).*\\| 2 \\| 2[0-9]\\.[0-9]{2} \\|( [0-9.]+% \\[[0-9., ]+\\] \\|){4}\n.*"), "level 2, every arm:\n" + md);
        // dense row, then every arm at every level, 2 trials each
        assertTrue(md.contains("| 0 | 100.00 | dense | 2 |"), md);
        for (Control arm : Controls.all()) {
            assertTrue(md.matches("(?s).*\\| 2 \\| 2[0-9]\\.[0-9]{2} \\| " + arm.name() + " \\| 2 \\|.*"), arm.name() + " at level 2:\n" + md);
        }
        ExperimentResults r = ExperimentResults.load(dir);
        assertEquals(2 + 2 * 2 * 4 * 2, r.units().size());
        assertEquals(2, r.trials(PruningMode.ONESHOT, Controls.REARRANGE, 2).size());
        assertEquals(List.of(0, 1, 2), r.levels(PruningMode.ITERATIVE, Controls.REINIT));
        assertEquals(Controls.SIGNS, r.trials(PruningMode.ITERATIVE, Controls.SIGNS, 1).getFirst().control());
    }

    @Test
    void worksOnAPartialExperiment(@TempDir Path root) throws IOException {
        ExperimentListener killAtUnit5 = new ExperimentListener() {
            @Override
            public TrainingListener onPopulationStart(List<Unit> units, int done, int total) {
                if (done == 5) throw new IllegalStateException("killed");
                return TrainingListener.NONE;
            }
        };
        assertThrows(IllegalStateException.class, () -> Experiment.of(spec()).on(new CpuBackend()).withData(data())
                .withPopulation(new PopulationSize(1)).run(root, killAtUnit5));
        Path dir = root.resolve(Experiment.of(spec()).withData(data()).spec().directoryName());
        List<Path> files = Report.write(dir);
        assertEquals(4, files.size());
        String md = Files.readString(files.getLast());
        // units 0-4 of trial 0: dense, then level 1 of the iterative ticket, reinit, rearrange and signs
        assertTrue(md.contains("| 1 | 5") && md.contains("| ticket | 1 |"), md);
        assertFalse(md.contains("| 2 |"), "level 2 not run yet:\n" + md);
    }

    @Test
    void histogramIsADensityOverTheSurvivors() {
        float[] v = {-1f, -0.5f, 0f, 0.5f, 1f};
        boolean[] keep = {true, false, true, false, true};
        double[] d = Figure8.histogram(v, keep, -1, 1);
        double width = 2.0 / d.length, integral = 0;
        for (double x : d) integral += x * width;
        assertEquals(1.0, integral, 1e-9);
        assertEquals(0, d[d.length / 4], "-0.5 was pruned");
    }

    @Test
    void aDirectoryWithoutManifestIsAOneLineError(@TempDir Path dir) {
        UserError e = assertThrows(UserError.class, () -> Report.write(dir));
        assertTrue(e.getMessage().contains("not an experiment directory"));
    }
}
