package dev.lottery.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lottery.experiment.Arm;
import dev.lottery.experiment.Experiment;
import dev.lottery.experiment.PopulationSize;
import dev.lottery.experiment.ExperimentListener;
import dev.lottery.experiment.ExperimentSpec;
import dev.lottery.experiment.PruningMode;
import dev.lottery.experiment.ResetMode;
import dev.lottery.experiment.Unit;
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
        return new ExperimentSpec("report-test", Presets.lenet("tiny", 24, 12).withInput(32), DatasetName.MNIST,
                new TrainingSpec(OptimizerSpec.sgd(0.05), 20, 45, 15, 0), PruningStrategy.LayerwiseMagnitude.fullyConnected(0.5),
                List.of(PruningMode.ITERATIVE, PruningMode.ONESHOT), List.of(Arm.values()), 2, 2, 1, new ResetMode.ToInit());
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
        // dense row, then every arm at every level, 2 trials each
        assertTrue(md.contains("| 0 | 100.00 | dense | 2 |"), md);
        for (String arm : List.of("ticket", "reinit", "rearrange")) {
            assertTrue(md.matches("(?s).*\\| 2 \\| 2[0-9]\\.[0-9]{2} \\| " + arm + " \\| 2 \\|.*"), arm + " at level 2:\n" + md);
        }
        ExperimentResults r = ExperimentResults.load(dir);
        assertEquals(2 + 2 * 2 * 3 * 2, r.units().size());
        assertEquals(2, r.trials("oneshot", "rearrange", 2).size());
        assertEquals(List.of(0, 1, 2), r.levels("iterative", "reinit"));
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
        Path dir = root.resolve(spec().directoryName());
        List<Path> files = Report.write(dir);
        assertEquals(4, files.size());
        String md = Files.readString(files.getLast());
        // units 0-4 of trial 0: dense, then level 1 of both modes (iterative ticket/reinit/rearrange, one-shot ticket)
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
