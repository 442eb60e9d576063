package dev.lottery.nn.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.backend.cpu.CpuBackend;
import dev.lottery.nn.init.Initializer;
import dev.lottery.nn.model.Activation;
import dev.lottery.nn.model.ImageShape;
import dev.lottery.nn.model.LayerKind;
import dev.lottery.nn.model.LayerSpec;
import dev.lottery.nn.model.ModelSpec;
import dev.lottery.nn.model.Mode;
import dev.lottery.nn.model.Network;
import dev.lottery.nn.model.Padding;
import dev.lottery.nn.model.Parameter;
import dev.lottery.nn.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Finite-difference checks of every layer's backward pass, through small networks on the CPU backend: each layer
 * under test sits between a parameterized layer (whose gradients test the layer's input gradient) and a dense
 * output (whose gradients test its output). Every parameter element's analytic gradient is compared with the
 * central difference of the mean loss, evaluated in double from the float32 logits, as in NetworkGradientTest.
 */
class LayerGradientTest {
    private final Backend backend = new CpuBackend();
    private static final Initializer WEIGHTS = new Initializer.Normal(0.4);
    private static final Initializer BIASES = new Initializer.Normal(0.1);

    private static LayerSpec.Dense out(int classes) {
        return new LayerSpec.Dense("out", classes, Activation.NONE, LayerKind.OUTPUT);
    }

    private static LayerSpec.Conv2d conv(String name, int filters, int kernel, int stride, Padding padding, Activation act, boolean bias) {
        return new LayerSpec.Conv2d(name, filters, kernel, stride, padding, act, bias);
    }

    @Test
    void convolutionSameStrideOneWithBiasAndRelu() {
        check(new ImageShape(2, 6, 6), 3, Mode.training(0),
                conv("conv1", 3, 3, 1, Padding.SAME, Activation.RELU, true),
                conv("conv2", 2, 5, 1, Padding.SAME, Activation.NONE, true),
                new LayerSpec.Flatten("flat"), out(3));
    }

    @Test
    void convolutionValidStrideTwoAndPointwise() {
        check(new ImageShape(3, 7, 7), 2, Mode.training(0),
                conv("conv1", 4, 3, 2, Padding.VALID, Activation.NONE, false),
                conv("conv2", 3, 1, 1, Padding.VALID, Activation.RELU, true),
                conv("conv3", 2, 1, 2, Padding.VALID, Activation.NONE, true),
                new LayerSpec.Flatten("flat"), out(3));
    }

    @Test
    void convolutionWideEnoughForWinograd() {
        // 32 channels into 32 filters, 3x3: forward and data gradient take Winograd F(2x2, 3x3).
        check(new ImageShape(2, 4, 4), 2, Mode.training(0),
                conv("conv1", 32, 1, 1, Padding.VALID, Activation.NONE, true),
                conv("conv2", 32, 3, 1, Padding.VALID, Activation.NONE, true),
                new LayerSpec.Flatten("flat"), out(3));
    }

    @Test
    void convolutionOnImagesLargeEnoughForOneImagePerProduct() {
        // 1x33x33 SAME: 1089 output positions per image exceed CpuConvolution.TARGET_COLUMNS, so images go one by one.
        check(new ImageShape(1, 33, 33), 2, Mode.training(0),
                conv("conv1", 2, 3, 1, Padding.SAME, Activation.RELU, true),
                conv("conv2", 1, 1, 1, Padding.VALID, Activation.NONE, false),
                new LayerSpec.MaxPool("pool", 11, 11),
                new LayerSpec.Flatten("flat"), out(2));
    }

    @Test
    void maxPoolingDisjointAndOverlappingWindows() {
        check(new ImageShape(2, 7, 7), 2, Mode.training(0),
                conv("conv1", 3, 3, 1, Padding.SAME, Activation.NONE, true),
                new LayerSpec.MaxPool("pool1", 3, 2),
                new LayerSpec.MaxPool("pool2", 2, 1),
                new LayerSpec.Flatten("flat"), out(3));
    }

    @Test
    void dropoutInTraining() {
        check(ImageShape.flat(6), 4, Mode.training(7),
                new LayerSpec.Dense("fc1", 10, Activation.RELU, LayerKind.FULLY_CONNECTED),
                new LayerSpec.Dropout("drop", 0.5),
                new LayerSpec.Dense("fc2", 5, Activation.NONE, LayerKind.FULLY_CONNECTED),
                out(3));
    }

    @Test
    void batchNormInTrainingModeOnImagesAndOnFlatActivations() {
        check(new ImageShape(2, 5, 5), 3, Mode.training(0),
                conv("conv1", 3, 3, 1, Padding.SAME, Activation.NONE, false),
                new LayerSpec.BatchNorm("bn1", Activation.RELU),
                new LayerSpec.Flatten("flat"),
                new LayerSpec.Dense("fc1", 6, Activation.NONE, LayerKind.FULLY_CONNECTED),
                new LayerSpec.BatchNorm("bn2", Activation.NONE),
                out(3));
    }

    @Test
    void residualBlocksWithIdentityAndProjectionShortcutsAndGlobalAveragePooling() {
        check(new ImageShape(2, 4, 4), 3, Mode.training(0),
                conv("stem", 3, 3, 1, Padding.SAME, Activation.NONE, true),
                new LayerSpec.ResidualBlock("block1", 3, 1),
                new LayerSpec.ResidualBlock("block2", 4, 2),
                new LayerSpec.GlobalAvgPool("gap"),
                out(3));
    }

    @Test
    void batchNormInEvaluationModeIsAnAffineMapOfTheRunningStatistics() {
        // Evaluation-mode gradients are not used for training, but the transform must still be smooth and consistent.
        ModelSpec spec = new ModelSpec("eval", new ImageShape(2, 4, 4), List.of(
                conv("conv1", 2, 3, 1, Padding.SAME, Activation.NONE, true),
                new LayerSpec.BatchNorm("bn", Activation.NONE),
                new LayerSpec.Flatten("flat"), out(2)), WEIGHTS, BIASES);
        try (Network net = Network.create(spec, backend, 5); Tensor x = input(2, spec.inputFeatures())) {
            float[] before = net.forward(x, Mode.EVALUATION).toArray();
            net.forward(x, Mode.training(0));
            float[] after = net.forward(x, Mode.EVALUATION).toArray();
            float[] again = net.forward(x, Mode.EVALUATION).toArray();
            assertTrue(!java.util.Arrays.equals(before, after), "a training pass moves the running statistics");
            assertEquals(java.util.Arrays.toString(after), java.util.Arrays.toString(again), "evaluation changes no state");
        }
    }

    private Tensor input(int batch, int features) {
        SplittableRandom r = new SplittableRandom(11);
        float[] xs = new float[batch * features];
        for (int i = 0; i < xs.length; i++) xs[i] = (float) r.nextGaussian();
        return backend.upload("x", xs, batch, features);
    }

    private void check(ImageShape in, int batch, Mode mode, LayerSpec... layers) {
        ModelSpec spec = new ModelSpec("check", in, List.of(layers), WEIGHTS, BIASES);
        float[] labels = new float[batch];
        for (int i = 0; i < batch; i++) labels[i] = i % spec.classes();
        try (Network net = Network.create(spec, backend, 77);
             Tensor x = input(batch, in.features()); Tensor y = backend.upload("y", labels, batch)) {
            Tensor logits = net.forward(x, mode);
            backend.softmaxCrossEntropy(logits, y, net.logitsGradient(), null);
            net.backward();
            List<String> failures = new ArrayList<>();
            int checked = 0, kinked = 0;
            double base = loss(net, x, y, batch, mode);
            for (Parameter p : net.parameters()) {
                float[] values = p.value().toArray();
                float[] grad = p.grad().toArray();
                for (int i = 0; i < values.length; i++) {
                    boolean agrees = false, smooth = true;
                    double numeric = Double.NaN;
                    for (float h : STEPS) {
                        double[] d = differences(net, p, values, i, h, x, y, batch, mode, base);
                        numeric = (d[0] + d[1]) / 2;
                        agrees |= close(numeric, grad[i]);
                        smooth &= close(d[0], d[1]);
                        if (agrees) break; // smoothness only decides elements that agree at no step
                    }
                    checked++;
                    if (agrees) continue;
                    if (!smooth) {
                        kinked++;
                        continue;
                    }
                    failures.add(p.name() + "[" + i + "]: analytic " + grad[i] + ", numeric " + numeric);
                }
            }
            long expected = spec.parameterCount().total();
            assertEquals(expected, checked, "every parameter element checked");
            assertTrue(kinked <= Math.max(1, checked / 50), kinked + " of " + checked + " elements have no stable finite difference");
            assertTrue(failures.isEmpty(), failures.size() + " of " + checked + " gradients differ: " + failures.subList(0, Math.min(10, failures.size())));
        }
    }

    /**
     * Steps for the central differences. A float32 network has two enemies of finite differences: a ReLU or max-pool
     * kink crossed inside [-h, h] (likelier for large h) and rounding noise amplified by batch norm (larger for
     * small h). An element passes when the central difference at one of these steps agrees with the backward pass.
     * When none does, the forward pass alone tells a wrong gradient from a kink: if at every step the one-sided
     * quotients (L(w+h) - L(w))/h and (L(w) - L(w-h))/h agree, the loss is smooth there and the analytic gradient is
     * wrong (a failure); otherwise a kink lies within the steps and the element is skipped. At most 2% of the
     * elements may be skipped.
     */
    private static final float[] STEPS = {1e-2f, 3e-3f, 1e-3f};

    private static boolean close(double numeric, double analytic) {
        return Math.abs(numeric - analytic) <= 2e-3 + 2e-2 * Math.abs(numeric);
    }

    /** The one-sided difference quotients {(L(w+h) - L(w)) / h, (L(w) - L(w-h)) / h} for element i. */
    private double[] differences(Network net, Parameter p, float[] values, int i, float h, Tensor x, Tensor y, int batch, Mode mode,
                                 double base) {
        float saved = values[i];
        values[i] = saved + h;
        p.value().copyFrom(values);
        double plus = loss(net, x, y, batch, mode);
        values[i] = saved - h;
        p.value().copyFrom(values);
        double minus = loss(net, x, y, batch, mode);
        values[i] = saved;
        p.value().copyFrom(values);
        return new double[] {(plus - base) / h, (base - minus) / h};
    }

    private double loss(Network net, Tensor x, Tensor y, int batch, Mode mode) {
        try (Tensor stats = backend.zeros("s", 2)) {
            backend.softmaxCrossEntropy(net.forward(x, mode), y, null, stats);
            return stats.toArray()[0] / batch;
        }
    }
}
