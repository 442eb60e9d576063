package dev.lottery.nn.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.backend.cpu.CpuBackend;
import dev.lottery.nn.init.Initializer;
import dev.lottery.nn.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Finite-difference checks of every op's backward pass, op by op and through a whole network: dense (GEMM forward,
 * both GEMM backward products), bias add, ReLU, and the fused softmax cross-entropy. Losses are evaluated in
 * double precision from float32 forward values with central differences.
 */
class NetworkGradientTest {
    private final Backend backend = new CpuBackend();

    @Test
    void softmaxCrossEntropyGradientMatchesFiniteDifferences() {
        int batch = 5, classes = 7;
        SplittableRandom r = new SplittableRandom(3);
        float[] logits = new float[batch * classes];
        for (int i = 0; i < logits.length; i++) logits[i] = (float) (r.nextGaussian() * 2);
        float[] labels = {0, 3, 6, 2, 2};
        try (Tensor l = backend.upload("l", logits, batch, classes); Tensor y = backend.upload("y", labels, batch);
             Tensor g = backend.zeros("g", batch, classes); Tensor stats = backend.zeros("s", 2)) {
            backend.softmaxCrossEntropy(l, y, g, stats);
            float[] grad = g.toArray();
            for (int i = 0; i < logits.length; i++) {
                double h = 1e-2;
                double plus = meanLoss(logits, labels, batch, classes, i, h);
                double minus = meanLoss(logits, labels, batch, classes, i, -h);
                assertEquals((plus - minus) / (2 * h), grad[i], 2e-4, "d loss / d logit " + i);
            }
            assertEquals(meanLoss(logits, labels, batch, classes, 0, 0) * batch, stats.toArray()[0], 1e-4);
        }
    }

    private static double meanLoss(float[] logits, float[] labels, int batch, int classes, int bump, double h) {
        double total = 0;
        for (int b = 0; b < batch; b++) {
            double max = Double.NEGATIVE_INFINITY;
            double[] row = new double[classes];
            for (int c = 0; c < classes; c++) {
                row[c] = logits[b * classes + c] + (b * classes + c == bump ? h : 0);
                max = Math.max(max, row[c]);
            }
            double sum = 0;
            for (double v : row) sum += Math.exp(v - max);
            total += Math.log(sum) + max - row[(int) labels[b]];
        }
        return total / batch;
    }

    @Test
    void reluBackwardPassesGradientOnlyWhereActive() {
        float[] y = {-1f, 0f, 2f, 3f, -0.5f, 4f, 0.1f, -7f, 5f};
        float[] dy = {1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f};
        try (Tensor yt = backend.upload("y", y, 3, 3); Tensor dt = backend.upload("dy", dy, 3, 3)) {
            backend.relu(yt);
            backend.reluBackward(yt, dt);
            assertEquals(List.of(0f, 0f, 3f, 4f, 0f, 6f, 7f, 0f, 9f), boxed(dt.toArray()));
            assertEquals(List.of(0f, 0f, 2f, 3f, 0f, 4f, 0.1f, 0f, 5f), boxed(yt.toArray()));
        }
    }

    @Test
    void biasAddAndRowSumsAreAdjoint() {
        // d/db of sum(G ⊙ (Y + b)) is the column sum of G.
        float[] g = new float[4 * 9];
        for (int i = 0; i < g.length; i++) g[i] = i * 0.25f - 3;
        try (Tensor gt = backend.upload("g", g, 4, 9); Tensor db = backend.zeros("db", 9);
             Tensor y = backend.zeros("y", 4, 9); Tensor b = backend.upload("b", new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 9)) {
            backend.sumRows(gt, db);
            float[] sums = db.toArray();
            for (int j = 0; j < 9; j++) {
                float expect = 0;
                for (int i = 0; i < 4; i++) expect += g[i * 9 + j];
                assertEquals(expect, sums[j], 1e-5);
            }
            backend.addBias(y, b);
            float[] out = y.toArray();
            for (int i = 0; i < 4; i++) for (int j = 0; j < 9; j++) assertEquals(j + 1, out[i * 9 + j]);
        }
    }

    /** Whole-network check: every parameter element's analytic gradient against central differences of the loss. */
    @Test
    void denseNetworkGradientsMatchFiniteDifferences() {
        ModelSpec spec = new ModelSpec("tiny", 6, List.of(
                new LayerSpec.Dense("fc1", 5, Activation.RELU, LayerKind.FULLY_CONNECTED),
                new LayerSpec.Dense("fc2", 4, Activation.RELU, LayerKind.FULLY_CONNECTED),
                new LayerSpec.Dense("out", 3, Activation.NONE, LayerKind.OUTPUT)),
                new Initializer.Normal(0.5), new Initializer.Normal(0.1));
        int batch = 4;
        SplittableRandom r = new SplittableRandom(9);
        float[] xs = new float[batch * 6];
        for (int i = 0; i < xs.length; i++) xs[i] = (float) r.nextGaussian();
        float[] ys = {0, 2, 1, 2};
        try (Network net = Network.create(spec, backend, 77);
             Tensor x = backend.upload("x", xs, batch, 6); Tensor y = backend.upload("y", ys, batch)) {
            Tensor logits = net.forward(x, Mode.training(0));
            backend.softmaxCrossEntropy(logits, y, net.logitsGradient(), null);
            net.backward();
            int checked = 0;
            for (Parameter p : net.parameters()) {
                float[] values = p.value().toArray();
                float[] grad = p.grad().toArray();
                for (int i = 0; i < values.length; i++) {
                    float saved = values[i];
                    float h = 1e-2f;
                    values[i] = saved + h;
                    p.value().copyFrom(values);
                    double plus = loss(net, x, y, batch);
                    values[i] = saved - h;
                    p.value().copyFrom(values);
                    double minus = loss(net, x, y, batch);
                    values[i] = saved;
                    p.value().copyFrom(values);
                    double numeric = (plus - minus) / (2 * h);
                    assertEquals(numeric, grad[i], 2e-3 + 2e-2 * Math.abs(numeric), p.name() + "[" + i + "]");
                    checked++;
                }
            }
            assertEquals(6 * 5 + 5 + 5 * 4 + 4 + 4 * 3 + 3, checked);
        }
    }

    private double loss(Network net, Tensor x, Tensor y, int batch) {
        try (Tensor stats = backend.zeros("s", 2)) {
            backend.softmaxCrossEntropy(net.forward(x, Mode.training(0)), y, null, stats);
            return stats.toArray()[0] / batch;
        }
    }

    @Test
    void gemmBackwardProductsAreTheTransposedForms() {
        // For Y = X W^T: dW = dY^T X and dX = dY W. Compare the backend's products with a direct double loop.
        int b = 3, in = 5, out = 4;
        SplittableRandom r = new SplittableRandom(5);
        float[] xs = rand(r, b * in), ws = rand(r, out * in), dys = rand(r, b * out);
        try (Tensor x = backend.upload("x", xs, b, in); Tensor w = backend.upload("w", ws, out, in);
             Tensor dy = backend.upload("dy", dys, b, out); Tensor dw = backend.zeros("dw", out, in); Tensor dx = backend.zeros("dx", b, in)) {
            backend.gemm(true, false, 1f, dy, x, 0f, dw);
            backend.gemm(false, false, 1f, dy, w, 0f, dx);
            float[] dwv = dw.toArray(), dxv = dx.toArray();
            for (int o = 0; o < out; o++) for (int i = 0; i < in; i++) {
                double s = 0;
                for (int k = 0; k < b; k++) s += dys[k * out + o] * xs[k * in + i];
                assertEquals(s, dwv[o * in + i], 1e-5);
            }
            for (int k = 0; k < b; k++) for (int i = 0; i < in; i++) {
                double s = 0;
                for (int o = 0; o < out; o++) s += dys[k * out + o] * ws[o * in + i];
                assertEquals(s, dxv[k * in + i], 1e-5);
            }
        }
    }

    private static float[] rand(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
        return a;
    }

    private static List<Float> boxed(float[] a) {
        java.util.ArrayList<Float> l = new java.util.ArrayList<>();
        for (float v : a) l.add(v);
        return l;
    }
}
