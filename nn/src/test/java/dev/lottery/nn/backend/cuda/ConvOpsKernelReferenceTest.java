package dev.lottery.nn.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lottery.nn.backend.cpu.CpuBackend;
import dev.lottery.nn.backend.ChannelGeometry;
import dev.lottery.nn.backend.ConvGeometry;
import dev.lottery.nn.backend.PoolGeometry;
import dev.lottery.nn.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@code conv_ops.cu}'s algorithm ({@link ConvOpsKernelReference}) against {@link CpuBackend}, without a GPU: the
 * same bits for pooling (ties, overlapping windows, NaN, signed zeros), global average pooling, conv bias,
 * augmentation and, for these inputs, batch norm and bias gradients (their double sums run in another order,
 * a tree of 256 strided partials, but round to the same floats here; the GPU test allows 1e-5 relative).
 */
class ConvOpsKernelReferenceTest {
    private final CpuBackend cpu = new CpuBackend();

    private static float[] gaussian(int n, long seed, float offset) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = offset + (float) r.nextGaussian();
        return x;
    }

    /** Few distinct values, so windows have ties; a few -0.0, +0.0 and NaN. */
    private static float[] tied(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        float[] values = {-1f, -0f, 0f, 1f, 2f, Float.NaN};
        for (int i = 0; i < n; i++) x[i] = values[r.nextInt(i % 97 == 0 ? 6 : 5)];
        return x;
    }

    private float[] onCpu(float[] values, java.util.function.Consumer<Tensor[]> op, float[]... others) {
        Tensor[] ts = new Tensor[1 + others.length];
        ts[0] = cpu.upload("a", values, values.length);
        for (int i = 0; i < others.length; i++) ts[i + 1] = cpu.upload("t" + i, others[i], others[i].length);
        op.accept(ts);
        for (int i = 0; i < others.length; i++) others[i] = ts[i + 1].toArray();
        float[] out = ts[0].toArray();
        for (Tensor t : ts) t.close();
        return out;
    }

    private static void assertBitwise(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]), what + "[" + i + "]: " + expected[i] + " vs " + actual[i]);
        }
    }

    @Test
    void maxPoolingForwardAndBackwardEqualTheCpuBitwise() {
        for (PoolGeometry g : new PoolGeometry[] {new PoolGeometry(3, 4, 8, 8, 2, 2), new PoolGeometry(2, 3, 9, 7, 3, 2),
                new PoolGeometry(2, 2, 7, 7, 3, 1), new PoolGeometry(1, 2, 6, 5, 2, 3)}) {
            float[] x = tied((int) g.inputSize(), g.hashCode());
            float[] dy = gaussian((int) g.outputSize(), 7, 0f);
            float[] yCpu = new float[(int) g.outputSize()], dxCpu = new float[(int) g.inputSize()];
            float[][] io = {yCpu, dy, dxCpu};
            onCpu(x, t -> {
                cpu.maxPool(t[0], t[1], g);
                cpu.maxPoolBackward(t[0], t[1], t[2], t[3], g);
            }, io);
            float[] y = new float[yCpu.length], dx = new float[dxCpu.length];
            ConvOpsKernelReference.maxPool(x, y, g);
            ConvOpsKernelReference.maxPoolBackward(x, dy, dx, g);
            assertBitwise(io[0], y, "max pool " + g);
            assertBitwise(io[2], dx, "max pool backward " + g);
        }
    }

    @Test
    void globalAveragePoolingEqualsTheCpuBitwise() {
        ChannelGeometry g = new ChannelGeometry(5, 7, 64);
        float[] x = gaussian((int) g.size(), 3, 0.5f);
        float[][] io = {new float[5 * 7], gaussian(5 * 7, 4, 0f), new float[(int) g.size()]};
        onCpu(x, t -> {
            cpu.globalAvgPool(t[0], t[1], g);
            cpu.globalAvgPoolBackward(t[2], t[3], g);
        }, io);
        float[] y = new float[35], dx = new float[(int) g.size()];
        ConvOpsKernelReference.globalAvgPool(x, y, g);
        ConvOpsKernelReference.globalAvgPoolBackward(io[1], dx, g);
        assertBitwise(io[0], y, "global average pool");
        assertBitwise(io[2], dx, "global average pool backward");
    }

    @Test
    void convolutionBiasAndItsGradientEqualTheCpu() {
        ConvGeometry g = new ConvGeometry(3, 2, 6, 6, 5, 3, 1, 1);
        float[] x = gaussian((int) g.inputSize(), 1, 0f), w = gaussian((int) g.filterSize(), 2, 0f), bias = gaussian(5, 3, 0f);
        float[][] plain = {w, new float[(int) g.outputSize()]};
        onCpu(x, t -> cpu.conv2d(t[0], t[1], null, t[2], g), plain);
        float[][] biased = {w, bias, new float[(int) g.outputSize()]};
        onCpu(x, t -> cpu.conv2d(t[0], t[1], t[2], t[3], g), biased);
        float[] y = plain[1].clone();
        ConvOpsKernelReference.addChannelBias(y, bias, 5, g.outHeight() * g.outWidth());
        assertBitwise(biased[2], y, "conv bias");

        // 5 filters: fewer than one group of sums side by side; 21: two whole groups and a part. Few channels take
        // the direct filter gradient, which sums the bias while it stages dy; 16 take Winograd's and a pass of its own.
        for (ConvGeometry gg : new ConvGeometry[] {g, new ConvGeometry(2, 3, 5, 5, 21, 3, 1, 1), new ConvGeometry(2, 16, 6, 6, 21, 3, 1, 1)}) {
            float[] dy = gaussian((int) gg.outputSize(), 4, 0.3f), gx = gaussian((int) gg.inputSize(), 5, 0f);
            float[][] grads = {dy, new float[(int) gg.filterSize()], new float[gg.filters()]};
            onCpu(gx, t -> cpu.conv2dBackwardFilter(t[0], t[1], t[2], t[3], gg), grads);
            float[] dbias = new float[gg.filters()];
            ConvOpsKernelReference.channelSums(dy, dbias, gg.batch(), gg.filters(), gg.outHeight() * gg.outWidth());
            assertBitwise(grads[2], dbias, "conv bias gradient " + gg);
        }
    }

    @Test
    void batchNormTrainingInferenceAndBackwardEqualTheCpu() {
        // spatial 1 is a batch norm after a dense layer; 300 positions x 3 examples spread over many threads.
        for (ChannelGeometry g : new ChannelGeometry[] {new ChannelGeometry(4, 6, 300), new ChannelGeometry(37, 5, 1), new ChannelGeometry(1, 3, 1)}) {
            int c = g.channels(), n = (int) g.size();
            float[] x = gaussian(n, 11, 2.5f), gamma = gaussian(c, 12, 1f), beta = gaussian(c, 13, 0f);
            float[] rm = gaussian(c, 14, 0f), rv = gaussian(c, 15, 3f);
            for (int i = 0; i < c; i++) rv[i] = Math.abs(rv[i]) + 0.1f;
            float[][] io = {gamma, beta, rm.clone(), rv.clone(), new float[c], new float[c], new float[n]};
            onCpu(x, t -> cpu.batchNormTraining(t[0], t[1], t[2], t[3], t[4], 0.1f, 1e-5f, t[5], t[6], t[7], g), io);
            float[] rmRef = rm.clone(), rvRef = rv.clone(), mean = new float[c], inv = new float[c], y = new float[n];
            ConvOpsKernelReference.batchNormTraining(x, gamma, beta, rmRef, rvRef, 0.1f, 1e-5f, mean, inv, y, g);
            assertBitwise(io[2], rmRef, "running mean " + g);
            assertBitwise(io[3], rvRef, "running variance (unbiased) " + g);
            assertBitwise(io[4], mean, "saved mean " + g);
            assertBitwise(io[5], inv, "saved inverse std " + g);
            assertBitwise(io[6], y, "training output " + g);

            float[][] ev = {gamma, beta, rm, rv, new float[n]};
            onCpu(x, t -> cpu.batchNormInference(t[0], t[1], t[2], t[3], t[4], 1e-5f, t[5], g), ev);
            float[] yEval = new float[n];
            ConvOpsKernelReference.batchNormInference(x, gamma, beta, rm, rv, 1e-5f, yEval, g);
            assertBitwise(ev[4], yEval, "inference output " + g);

            float[] dy = gaussian(n, 16, 0.1f);
            float[][] bw = {dy, gamma, mean, inv, new float[n], new float[c], new float[c]};
            onCpu(x, t -> cpu.batchNormBackward(t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7], g), bw);
            float[] dx = new float[n], dgamma = new float[c], dbeta = new float[c];
            ConvOpsKernelReference.batchNormBackward(x, dy, gamma, mean, inv, dx, dgamma, dbeta, g);
            assertBitwise(bw[5], dgamma, "dgamma " + g);
            assertBitwise(bw[6], dbeta, "dbeta " + g);
            assertBitwise(bw[4], dx, "dx " + g);
        }
    }

    @Test
    void shiftAndFlipEqualsTheCpuBitwise() {
        int batch = 6, channels = 3, height = 5, width = 7;
        int[] shiftY = {-4, 0, 2, 4, -1, 5}, shiftX = {3, -4, 0, 1, -7, 0};
        boolean[] flip = {true, false, true, false, true, true};
        float[] src = gaussian(batch * channels * height * width, 21, 0f);
        float[][] io = {new float[src.length]};
        onCpu(src, t -> cpu.shiftAndFlip(t[0], t[1], channels, height, width, shiftY, shiftX, flip), io);
        float[] dst = new float[src.length];
        ConvOpsKernelReference.shiftAndFlip(src, dst, CudaBackend.packDraws(batch, shiftY, shiftX, flip), batch, channels, height, width);
        assertBitwise(io[0], dst, "shift and flip");
    }
}
