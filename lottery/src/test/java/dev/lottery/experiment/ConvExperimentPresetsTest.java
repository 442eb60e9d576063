package dev.lottery.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lottery.experiment.control.Controls;
import dev.lottery.nn.data.DatasetName;
import dev.lottery.nn.data.augment.BatchAugmentation;
import dev.lottery.nn.model.ImageShape;
import dev.lottery.nn.model.LayerKind;
import dev.lottery.nn.model.LayerSpec;
import dev.lottery.nn.train.LearningRateSchedule;
import dev.lottery.nn.train.Normalization;
import dev.lottery.prune.PruningStrategy.LayerwiseMagnitude;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import dev.lottery.cli.LotteryCli;
import dev.lottery.nn.train.TrainingSpec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The conv and resnet presets of Sections 4-5 (Figures 4-7): the paper's settings, and distinct results directories. */
class ConvExperimentPresetsTest {
    private static final List<String> NEW = List.of("conv2-q1", "conv4-q1", "conv2-q3-conv", "conv2-q3-fc", "conv2-q3-both",
            "conv4-q3-conv", "conv4-q3-fc", "conv4-q3-both", "conv4-dropout", "resnet20-momentum", "resnet20-sgd");

    @Test
    void everyNewPresetIsListedAndHashesDifferently() {
        assertTrue(ExperimentPresets.names().containsAll(NEW), ExperimentPresets.names().toString());
        Set<String> hashes = new HashSet<>();
        for (String n : ExperimentPresets.names()) {
            ExperimentSpec s = ExperimentPresets.get(n);
            assertEquals(n, s.name());
            assertTrue(hashes.add(s.hash()), n + " shares a hash");
            assertFalse(ExperimentPresets.description(n).isBlank());
        }
    }

    @Test
    void theCpuSizedFashionMnistRunIsConv2OnOneChannelWithDoubledRates() {
        ExperimentSpec s = ExperimentPresets.get("conv2-fashion-quick");
        assertEquals(new DataSource.BuiltIn(DatasetName.FASHION_MNIST), s.dataset());
        assertEquals(new ImageShape(1, 28, 28), s.model().input());
        assertEquals("conv2", s.model().name());
        // conv 1x5x5x64 + 64x5x5x64, fc 7*7*64 -> 384 -> 192, output 192 -> 10
        assertEquals(1_600 + 102_400, s.model().weightsOfKind(LayerKind.CONVOLUTIONAL));
        assertEquals(new LayerwiseMagnitude(0.4, 0.2, 0.2), s.strategy());
        assertEquals(List.of(Controls.TICKET, Controls.REINIT), s.arms());
        assertEquals(5000, s.training().validationSize());
        assertEquals(50, s.training().batchSize());
        assertEquals(1_000, s.training().iterations());
        // dense level, then 5 ticket and 5 reinit networks
        assertEquals(11, Unit.plan(s).size());
        assertEquals(0.078, Math.pow(0.6, s.levels()), 1e-3);
    }

    @Test
    void questionOneAsSectionFour() {
        for (String n : List.of("conv2-q1", "conv4-q1", "conv4-dropout")) {
            ExperimentSpec s = ExperimentPresets.get(n);
            assertEquals(new LayerwiseMagnitude(0.2, 0.1, 0.1), s.strategy(), n);
            assertEquals(List.of(PruningMode.ITERATIVE), s.modes(), n);
            assertEquals(List.of(Controls.TICKET, Controls.REINIT), s.arms(), n);
            assertEquals(new DataSource.BuiltIn(DatasetName.CIFAR10), s.dataset(), n);
            assertEquals(5000, s.training().validationSize(), n);
            assertEquals(50, s.training().batchSize(), n);
            assertEquals(100, s.training().evalEvery(), n);
            assertEquals(15, s.levels(), n);
            assertEquals(5, s.trials(), n);
            assertTrue(s.training().augmentation().isNone(), n);
            assertTrue(s.canonical().contains("validation=5000"), s.canonical());
        }
        // the paper's epochs over the 45,000 training examples left after the holdout: 900 iterations per epoch
        assertEquals(30 * 900, ExperimentPresets.get("conv2-q1").training().iterations());
        assertEquals(20 * 900, ExperimentPresets.get("conv4-q1").training().iterations());
        assertEquals(0.01, ExperimentPresets.get("conv2-q1").training().optimizer().learningRate().initial());
        assertEquals(0.003, ExperimentPresets.get("conv4-q1").training().optimizer().learningRate().initial());
        long dropouts = ExperimentPresets.get("conv4-dropout").model().layers().stream().filter(l -> l instanceof LayerSpec.Dropout).count();
        assertEquals(2, dropouts);
        assertEquals(0, ExperimentPresets.get("conv4-q1").model().layers().stream().filter(l -> l instanceof LayerSpec.Dropout).count());
    }

    @Test
    void questionThreePrunesConvOnlyFcOnlyOrBothAtTwentyPercent() {
        for (String model : List.of("conv2", "conv4")) {
            assertEquals(new LayerwiseMagnitude(0, 0.2, 0), ExperimentPresets.get(model + "-q3-conv").strategy());
            assertEquals(new LayerwiseMagnitude(0.2, 0, 0.1), ExperimentPresets.get(model + "-q3-fc").strategy());
            assertEquals(new LayerwiseMagnitude(0.2, 0.2, 0.1), ExperimentPresets.get(model + "-q3-both").strategy());
            // everything but the strategy (and name) is Question 1's
            ExperimentSpec q1 = ExperimentPresets.get(model + "-q1");
            ExperimentSpec both = ExperimentPresets.get(model + "-q3-both");
            assertEquals(q1.training(), both.training());
            assertEquals(q1.model(), both.model());
            assertEquals(q1.levels(), both.levels());
        }
    }

    @Test
    void resnetMomentumAgainstPlainSgd() {
        ExperimentSpec m = ExperimentPresets.get("resnet20-momentum");
        ExperimentSpec s = ExperimentPresets.get("resnet20-sgd");
        LearningRateSchedule schedule = new LearningRateSchedule(0.1, List.of(new LearningRateSchedule.Drop(20_000, 0.01),
                new LearningRateSchedule.Drop(25_000, 0.001)));
        for (ExperimentSpec e : List.of(m, s)) {
            assertEquals(schedule, e.training().optimizer().learningRate());
            assertEquals(1e-4, e.training().optimizer().weightDecay());
            assertEquals(30_000, e.training().iterations());
            assertEquals(128, e.training().batchSize());
            assertEquals(BatchAugmentation.FLIP_AND_TRANSLATE, e.training().augmentation());
            assertTrue(e.canonical().contains("augment="), e.canonical());
            assertEquals(List.of(Controls.TICKET, Controls.REINIT), e.arms());
            assertEquals("resnet20", e.model().name());
            assertTrue(e.strategy() instanceof LayerwiseMagnitude l && l.conv() == 0.2 && l.output() == 0.1, e.strategy().canonical());
        }
        assertEquals(0.9, m.training().optimizer().momentum());
        assertEquals(0.0, s.training().optimizer().momentum());
        assertTrue(m.canonical().contains("momentum=0.9") && s.canonical().contains("momentum=0.0"));
        assertNotEquals(m.fields().get("training"), s.fields().get("training"));
        // 5 levels of 20 % leave the paper's 32.9 % (0.8^5) of the convolutions
        assertEquals(0.32768, Math.pow(1 - 0.2, 5), 1e-12);
    }

    @Test
    void anotherDataSetRebuildsTheModelAndChangesTheHash() {
        for (String n : NEW) {
            ExperimentSpec cifar = ExperimentPresets.get(n);
            ExperimentSpec fashion = ExperimentPresets.onDataset(cifar, DatasetName.FASHION_MNIST);
            assertEquals(new DataSource.BuiltIn(DatasetName.FASHION_MNIST), fashion.dataset());
            assertEquals(Normalization.standard(DatasetName.FASHION_MNIST), fashion.normalization());
            assertEquals(new ImageShape(1, 28, 28), fashion.model().input(), n);
            assertEquals(cifar.model().layers(), fashion.model().layers(), n);
            assertEquals(cifar.training(), fashion.training(), n);
            assertEquals(cifar.strategy(), fashion.strategy(), n);
            assertNotEquals(cifar.hash(), fashion.hash(), n);
            assertTrue(fashion.fields().get("dataset").contains("fashion"), fashion.fields().get("dataset"));
            assertEquals(cifar, ExperimentPresets.onDataset(cifar, DatasetName.CIFAR10));
        }
    }

    /** {@code experiment status} names the directory its options decide; with nothing run yet it says so (exit 2). */
    private static String statusError(Path root, String... options) {
        CommandLine cl = LotteryCli.commandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        String[] args = new String[options.length + 4];
        args[0] = "experiment";
        args[1] = "status";
        args[2] = "--results";
        args[3] = root.toString();
        System.arraycopy(options, 0, args, 4, options.length);
        assertEquals(2, cl.execute(args), err.toString());
        return err.toString();
    }

    @Test
    void theCommandLineDatasetAndIterationsOptionsDecideTheDirectory(@TempDir Path root) {
        ExperimentSpec conv = ExperimentPresets.onDataset(ExperimentPresets.get("conv2-q1"), DatasetName.FASHION_MNIST);
        String err = statusError(root, "--preset", "conv2-q1", "--dataset", "fashion-mnist");
        assertTrue(err.contains(conv.directoryName()), err);
        // a shorter resnet run keeps its augmentation (and so its hash) apart from the iteration count
        ExperimentSpec resnet = ExperimentPresets.get("resnet20-sgd");
        TrainingSpec t = resnet.training();
        ExperimentSpec shorter = resnet.with(ExperimentSettings.TRAINING, new TrainingSpec(t.optimizer(), t.batchSize(), 100, t.evalEvery(), t.validationSize(), t.augmentation()));
        err = statusError(root, "--preset", "resnet20-sgd", "--iterations", "100");
        assertTrue(err.contains(shorter.directoryName()), err);
        err = statusError(root, "--preset", "conv4-q1", "--dataset", "imagenet");
        assertTrue(err.lines().count() == 1 && err.contains("imagenet"), err);
    }
}
