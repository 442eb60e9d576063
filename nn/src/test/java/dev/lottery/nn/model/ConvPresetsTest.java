package dev.lottery.nn.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lottery.nn.backend.cpu.CpuBackend;
import dev.lottery.nn.data.DatasetName;
import dev.lottery.nn.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The convolutional presets against Figure 1 of the paper, and built networks against their specs. */
class ConvPresetsTest {
    private static void assertWithinOnePercent(double expected, double actual, String what) {
        assertTrue(Math.abs(actual - expected) <= 0.01 * expected, what + ": expected about " + expected + ", got " + actual);
    }

    /** Figure 1's "All/Conv Weights" row: conv2 1.75M / 107K, conv4 1.15M / 260K, resnet 271K / 270K. */
    @Test
    void parameterCountsMatchFigure1OnCifar10() {
        assertFigure1("conv2", 1.75e6, 107e3);
        assertFigure1("conv4", 1.15e6, 260e3);
        assertFigure1("conv4-dropout", 1.15e6, 260e3);
        assertFigure1("resnet20", 271e3, 270e3);
        assertWithinOnePercent(266e3, Presets.get("lenet-300-100").model().parameterCount().weights(), "lenet weights");
    }

    private static void assertFigure1(String name, double all, double conv) {
        ModelSpec m = Presets.get(name).model();
        assertEquals(new ImageShape(3, 32, 32), m.input());
        assertWithinOnePercent(all, m.parameterCount().weights(), name + " weights");
        assertWithinOnePercent(all, m.parameterCount().total(), name + " parameters");
        assertWithinOnePercent(conv, m.weightsOfKind(LayerKind.CONVOLUTIONAL), name + " convolutional weights");
    }

    @Test
    void exactCountsFollowFromTheArchitectures() {
        // conv2: 5*5*3*64 + 5*5*64*64 convolution weights; 8*8*64 -> 384 -> 192 -> 10 dense.
        assertEquals(4800 + 102400, Presets.conv2().weightsOfKind(LayerKind.CONVOLUTIONAL));
        assertEquals(4800 + 102400 + 4096 * 384 + 384 * 192 + 192 * 10, Presets.conv2().parameterCount().weights());
        // conv4: VALID 3x3 convolutions leave 5x5x128 = 3200 inputs for fc1.
        assertEquals(1728 + 36864 + 73728 + 147456, Presets.conv4("c", 0).weightsOfKind(LayerKind.CONVOLUTIONAL));
        assertEquals(3200L * 256 + 256 * 256 + 2560, Presets.conv4("c", 0).weightsOfKind(LayerKind.FULLY_CONNECTED)
                + Presets.conv4("c", 0).weightsOfKind(LayerKind.OUTPUT));
        // resnet20: stem, 3 stages of 6 convolutions, two 1x1 projections.
        long stem = 3 * 9 * 16, stage1 = 6L * 9 * 16 * 16, stage2 = 9L * 16 * 32 + 5L * 9 * 32 * 32, stage3 = 9L * 32 * 64 + 5L * 9 * 64 * 64;
        assertEquals(stem + stage1 + stage2 + stage3 + 16 * 32 + 32 * 64, Presets.resnet20().weightsOfKind(LayerKind.CONVOLUTIONAL));
    }

    @Test
    void builtNetworksHoldExactlyTheCountedParametersWithMasksOnEveryWeight() {
        CpuBackend backend = new CpuBackend();
        for (String name : List.of("conv2", "conv4", "conv4-dropout", "resnet20")) {
            for (DatasetName data : List.of(DatasetName.CIFAR10, DatasetName.FASHION_MNIST)) {
                ModelSpec spec = Presets.get(name).modelFor(data);
                try (Network net = Network.create(spec, backend, 1)) {
                    long weights = net.prunable().stream().mapToLong(Parameter::size).sum();
                    long all = net.parameters().stream().mapToLong(Parameter::size).sum();
                    assertEquals(spec.parameterCount().weights(), weights, name + " on " + data);
                    assertEquals(spec.parameterCount().total(), all, name + " on " + data);
                    long conv = net.prunable().stream().filter(p -> p.kind() == LayerKind.CONVOLUTIONAL).mapToLong(Parameter::size).sum();
                    assertEquals(spec.weightsOfKind(LayerKind.CONVOLUTIONAL), conv, name + " conv on " + data);
                    for (Parameter p : net.prunable()) {
                        assertTrue(p.mask() != null && p.mask().size() == p.size(), p.name() + " has a full mask");
                        if (p.value().rank() == 4) assertEquals(LayerKind.CONVOLUTIONAL, p.kind(), p.name());
                    }
                    assertFalse(net.parameters().stream().filter(p -> !p.prunable()).anyMatch(p -> p.mask() != null));
                }
            }
        }
    }

    @Test
    void presetsFollowTheDataSetsInputShape() {
        ModelSpec fashion = Presets.get("conv2").modelFor(DatasetName.FASHION_MNIST);
        assertEquals(new ImageShape(1, 28, 28), fashion.input());
        assertEquals(ImageShape.flat(7 * 7 * 64), fashion.shapes().get(4));
        assertEquals(new ImageShape(128, 4, 4), Presets.get("conv4").modelFor(DatasetName.MNIST).shapes().get(5));
        assertEquals(ImageShape.flat(3072), Presets.get("lenet-300-100").modelFor(DatasetName.CIFAR10).input());
        assertEquals(Presets.get("lenet-300-100").model().canonical(),
                Presets.get("lenet-300-100").modelFor(DatasetName.MNIST).canonical(), "dense models keep their canonical form");
        assertTrue(Presets.get("resnet20").model().canonical().contains("input=3x32x32"));
    }

    @Test
    void shapeMismatchesAreRejectedWhenTheSpecIsMade() {
        assertThrows(IllegalArgumentException.class, () -> Presets.conv2().withInput(new ImageShape(3, 3, 3)));
        assertThrows(IllegalArgumentException.class, () -> new ModelSpec("bad", new ImageShape(1, 8, 8),
                List.of(new LayerSpec.Dense("fc", 10, Activation.NONE, LayerKind.OUTPUT)),
                new dev.lottery.nn.init.Initializer.Zeros(), new dev.lottery.nn.init.Initializer.Zeros()));
    }

    @Test
    void resnetForwardOnABatchGivesLogitsPerExample() {
        CpuBackend backend = new CpuBackend();
        ModelSpec spec = Presets.resnet20().withInput(new ImageShape(3, 8, 8));
        float[] xs = new float[2 * 3 * 64];
        for (int i = 0; i < xs.length; i++) xs[i] = (float) Math.sin(i);
        try (Network net = Network.create(spec, backend, 3); Tensor x = backend.upload("x", xs, 2, 3 * 64)) {
            float[] train = net.forward(x, Mode.training(0)).toArray();
            float[] eval = net.forward(x, Mode.EVALUATION).toArray();
            assertEquals(20, train.length);
            for (float v : train) assertTrue(Float.isFinite(v));
            for (float v : eval) assertTrue(Float.isFinite(v));
        }
    }
}
