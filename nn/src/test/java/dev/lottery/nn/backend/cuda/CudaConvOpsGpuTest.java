package dev.lottery.nn.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lottery.gpu.RequiresGpu;
import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.backend.cpu.CpuBackend;
import dev.lottery.nn.data.augment.BatchAugmentation;
import dev.lottery.nn.backend.ChannelGeometry;
import dev.lottery.nn.backend.ConvGeometry;
import dev.lottery.nn.backend.PoolGeometry;
import dev.lottery.nn.model.Network;
import dev.lottery.nn.model.Presets;
import dev.lottery.nn.model.SyntheticData;
import dev.lottery.nn.rng.KeyedRandom;
import dev.lottery.nn.tensor.Tensor;
import dev.lottery.nn.train.EvalPoint;
import dev.lottery.nn.train.OptimizerSpec;
import dev.lottery.nn.train.ResidentData;
import dev.lottery.nn.train.Trainer;
import dev.lottery.nn.train.TrainingListener;
import dev.lottery.nn.train.TrainingResult;
import dev.lottery.nn.train.TrainingSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The CUDA backend's convolutional-network ops against the CPU backend on a real GPU. Tolerances: cuDNN
 * convolutions 1e-4 of the tensor's largest magnitude (FMA math, no TF32, but another summation order and maybe
 * Winograd/FFT algorithms); our own kernels bit-identical to {@link ConvOpsKernelReference} (which equals the CPU
 * bit for bit on the reference test's inputs) and within 1e-5 relative of the CPU where they reduce in double
 * (batch norm, bias gradient); pooling, augmentation and dropout masks bitwise equal to the CPU. Skips, per test
 * with the probe's reason, where there is no GPU.
 */
@RequiresGpu
@ExtendWith(SharedCudaBackend.class)
class CudaConvOpsGpuTest {
    private static final CpuBackend cpu = new CpuBackend();
    private CudaBackend gpu;

    @BeforeEach
    void use(CudaBackend shared) {
        gpu = shared;
    }

    private static float[] gaussian(int n, long seed, float offset) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = offset + (float) r.nextGaussian();
        return x;
    }

    private interface Op {
        void run(Backend b, List<Tensor> t);
    }

    /** Runs {@code op} on both backends on the same inputs; returns {cpu tensors' values, gpu tensors' values}. */
    @SuppressWarnings("unchecked")
    private List<float[]>[] onBoth(Op op, float[]... inputs) {
        List<float[]>[] out = new List[2];
        Backend[] backends = {cpu, gpu};
        for (int k = 0; k < 2; k++) {
            List<Tensor> ts = new ArrayList<>();
            for (int i = 0; i < inputs.length; i++) ts.add(backends[k].upload("t" + i, inputs[i], inputs[i].length));
            op.run(backends[k], ts);
            out[k] = ts.stream().map(Tensor::toArray).toList();
            ts.forEach(Tensor::close);
        }
        return out;
    }

    private static void assertBitwise(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]), what + "[" + i + "]: " + expected[i] + " vs " + actual[i]);
        }
    }

    /** |e - a| <= tolerance * max(1, |e|). */
    private static void assertRelative(float[] expected, float[] actual, float tolerance, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertTrue(Math.abs(expected[i] - actual[i]) <= tolerance * Math.max(1f, Math.abs(expected[i])), what + "[" + i + "]: " + expected[i] + " vs " + actual[i]);
        }
    }

    /** |e - a| <= tolerance * max(1, max |e|): the scale of a convolution's rounding errors is the tensor's. */
    private static void assertCloseToScale(float[] expected, float[] actual, float tolerance, String what) {
        assertEquals(expected.length, actual.length, what);
        float scale = 1f;
        for (float e : expected) scale = Math.max(scale, Math.abs(e));
        for (int i = 0; i < expected.length; i++) {
            assertTrue(Math.abs(expected[i] - actual[i]) <= tolerance * scale, what + "[" + i + "]: " + expected[i] + " vs " + actual[i] + " (scale " + scale + ")");
        }
    }

    @Test
    void convolutionForwardAndBothBackwardsAgreeWithTheCpu() {
        for (ConvGeometry g : List.of(new ConvGeometry(4, 3, 32, 32, 16, 3, 1, 1), new ConvGeometry(3, 3, 32, 32, 64, 5, 1, 2),
                new ConvGeometry(5, 16, 16, 16, 32, 3, 2, 1), new ConvGeometry(2, 16, 8, 8, 32, 1, 2, 0), new ConvGeometry(2, 4, 9, 7, 6, 3, 1, 0))) {
            int in = (int) g.inputSize(), out = (int) g.outputSize(), filt = (int) g.filterSize();
            List<float[]>[] r = onBoth((b, t) -> {
                        b.conv2d(t.get(0), t.get(1), t.get(2), t.get(3), g);
                        b.conv2dBackwardData(t.get(4), t.get(1), t.get(5), g);
                        b.conv2dBackwardFilter(t.get(0), t.get(4), t.get(6), t.get(7), g);
                    }, gaussian(in, 1, 0f), gaussian(filt, 2, 0f), gaussian(g.filters(), 3, 0f), new float[out], gaussian(out, 4, 0f),
                    gaussian(in, 5, 0f), gaussian(filt, 6, 0f), gaussian(g.filters(), 7, 0f)); // garbage in dx/dw/dbias: overwritten
            assertCloseToScale(r[0].get(3), r[1].get(3), 1e-4f, "conv forward + bias " + g);
            assertCloseToScale(r[0].get(5), r[1].get(5), 1e-4f, "conv backward data " + g);
            assertCloseToScale(r[0].get(6), r[1].get(6), 1e-4f, "conv backward filter " + g);
            assertRelative(r[0].get(7), r[1].get(7), 1e-5f, "conv bias gradient " + g);
        }
    }

    @Test
    void aWarmConvolutionLoopPlansAndAllocatesNothingNew() {
        ConvGeometry g = new ConvGeometry(8, 16, 16, 16, 16, 3, 1, 1);
        try (Tensor x = gpu.zeros("x", 8, 16, 16, 16); Tensor w = gpu.zeros("w", 16, 16, 3, 3); Tensor bias = gpu.zeros("b", 16);
             Tensor y = gpu.zeros("y", 8, 16, 16, 16); Tensor dx = gpu.zeros("dx", 8, 16, 16, 16); Tensor dw = gpu.zeros("dw", 16, 16, 3, 3);
             Tensor db = gpu.zeros("db", 16)) {
            Runnable step = () -> {
                gpu.conv2d(x, w, bias, y, g);
                gpu.conv2dBackwardData(y, w, dx, g);
                gpu.conv2dBackwardFilter(x, y, dw, db, g);
            };
            step.run();
            int plans = gpu.convolutionPlans();
            long allocations = gpu.poolStats().driverAllocations();
            for (int i = 0; i < 5; i++) step.run();
            gpu.synchronize();
            assertEquals(plans, gpu.convolutionPlans(), "one plan per shape");
            assertEquals(allocations, gpu.poolStats().driverAllocations(), "no driver allocations once warm");
        }
    }

    @Test
    void maxPoolingIsBitwiseTheCpus() {
        for (PoolGeometry g : List.of(new PoolGeometry(4, 16, 32, 32, 2, 2), new PoolGeometry(3, 5, 9, 9, 3, 2), new PoolGeometry(2, 3, 7, 6, 3, 1))) {
            float[] x = gaussian((int) g.inputSize(), 11, 0f);
            for (int i = 0; i < x.length; i += 3) x[i] = Math.round(x[i]); // ties inside windows
            List<float[]>[] r = onBoth((b, t) -> {
                b.maxPool(t.get(0), t.get(1), g);
                b.maxPoolBackward(t.get(0), t.get(1), t.get(2), t.get(3), g);
            }, x, new float[(int) g.outputSize()], gaussian((int) g.outputSize(), 12, 0f), gaussian((int) g.inputSize(), 13, 0f));
            assertBitwise(r[0].get(1), r[1].get(1), "max pool " + g);
            assertBitwise(r[0].get(3), r[1].get(3), "max pool backward " + g);
        }
    }

    @Test
    void globalAveragePoolingIsBitwiseTheCpus() {
        ChannelGeometry g = new ChannelGeometry(16, 64, 64);
        List<float[]>[] r = onBoth((b, t) -> {
            b.globalAvgPool(t.get(0), t.get(1), g);
            b.globalAvgPoolBackward(t.get(2), t.get(3), g);
        }, gaussian((int) g.size(), 21, 0.3f), new float[16 * 64], gaussian(16 * 64, 22, 0f), new float[(int) g.size()]);
        assertBitwise(r[0].get(1), r[1].get(1), "global average pool");
        assertBitwise(r[0].get(3), r[1].get(3), "global average pool backward");
    }

    @Test
    void batchNormMatchesItsReferenceBitwiseAndTheCpuClosely() {
        for (ChannelGeometry g : List.of(new ChannelGeometry(16, 16, 1024), new ChannelGeometry(60, 100, 1), new ChannelGeometry(2, 8, 9))) {
            int c = g.channels(), n = (int) g.size();
            float[] x = gaussian(n, 31, 1.5f), gamma = gaussian(c, 32, 1f), beta = gaussian(c, 33, 0f), rm = gaussian(c, 34, 0f);
            float[] rv = gaussian(c, 35, 0f);
            for (int i = 0; i < c; i++) rv[i] = Math.abs(rv[i]) + 0.5f;
            float[] dy = gaussian(n, 36, 0f);
            // t: 0 x, 1 gamma, 2 beta, 3 runMean, 4 runVar, 5 savedMean, 6 savedInvStd, 7 y, 8 yEval, 9 dy, 10 dx, 11 dgamma, 12 dbeta
            List<float[]>[] r = onBoth((b, t) -> {
                b.batchNormTraining(t.get(0), t.get(1), t.get(2), t.get(3), t.get(4), 0.1f, 1e-5f, t.get(5), t.get(6), t.get(7), g);
                b.batchNormInference(t.get(0), t.get(1), t.get(2), t.get(3), t.get(4), 1e-5f, t.get(8), g);
                b.batchNormBackward(t.get(0), t.get(9), t.get(1), t.get(5), t.get(6), t.get(10), t.get(11), t.get(12), g);
            }, x, gamma, beta, rm, rv, new float[c], new float[c], new float[n], new float[n], dy, new float[n], new float[c], new float[c]);
            String[] names = {"x", "gamma", "beta", "running mean", "running variance", "saved mean", "saved inverse std", "training output",
                    "inference output", "dy", "dx", "dgamma", "dbeta"};
            for (int i = 3; i <= 12; i++) assertRelative(r[0].get(i), r[1].get(i), 1e-5f, "batch norm " + names[i] + " vs CPU " + g);

            float[] rmRef = rm.clone(), rvRef = rv.clone(), mean = new float[c], inv = new float[c], y = new float[n], yEval = new float[n];
            float[] dx = new float[n], dgamma = new float[c], dbeta = new float[c];
            ConvOpsKernelReference.batchNormTraining(x, gamma, beta, rmRef, rvRef, 0.1f, 1e-5f, mean, inv, y, g);
            ConvOpsKernelReference.batchNormInference(x, gamma, beta, rmRef, rvRef, 1e-5f, yEval, g);
            ConvOpsKernelReference.batchNormBackward(x, dy, gamma, mean, inv, dx, dgamma, dbeta, g);
            float[][] ref = {rmRef, rvRef, mean, inv, y, yEval, dy, dx, dgamma, dbeta};
            for (int i = 3; i <= 12; i++) assertBitwise(ref[i - 3], r[1].get(i), "batch norm " + names[i] + " vs reference " + g);
        }
    }

    @Test
    void augmentationAndDropoutMasksAreBitwiseTheCpus() {
        int batch = 32, channels = 3, height = 32, width = 32;
        BatchAugmentation.Draws d = drawsFor(batch);
        float[] src = gaussian(batch * channels * height * width, 41, 0f);
        List<float[]>[] r = onBoth((b, t) -> b.shiftAndFlip(t.get(0), t.get(1), channels, height, width, d.shiftY(), d.shiftX(), d.flip()),
                src, gaussian(src.length, 42, 0f));
        assertBitwise(r[0].get(1), r[1].get(1), "shift and flip");

        KeyedRandom rng = new KeyedRandom(7, "fc1.dropout", "iteration-12");
        List<float[]>[] m = onBoth((b, t) -> {
            b.dropoutMask(t.get(0), 1, rng, 0.5f);
            b.multiply(t.get(1), t.get(0));
        }, new float[100_003], gaussian(100_003, 43, 0f));
        assertBitwise(m[0].get(0), m[1].get(0), "dropout mask");
        assertBitwise(m[0].get(1), m[1].get(1), "dropout applied");
    }

    private static BatchAugmentation.Draws drawsFor(int batch) {
        SplittableRandom r = new SplittableRandom(5);
        int[] sy = new int[batch], sx = new int[batch];
        boolean[] flip = new boolean[batch];
        for (int i = 0; i < batch; i++) {
            sy[i] = r.nextInt(-4, 5);
            sx[i] = r.nextInt(-4, 5);
            flip[i] = r.nextBoolean();
        }
        return new BatchAugmentation.Draws(sy, sx, flip);
    }

    /** resnet20 (conv, batch norm, residual adds, global average pool) with augmentation, a few iterations each. */
    @Test
    void shortAugmentedResnetRunFollowsTheCpu() {
        TrainingResult c = resnet(cpu), g = resnet(gpu);
        assertEquals(c.series().size(), g.series().size());
        for (int i = 0; i < c.series().size(); i++) {
            EvalPoint a = c.series().get(i), b = g.series().get(i);
            assertTrue(Double.isFinite(b.testLoss()), "finite loss at " + b.iteration());
            assertEquals(a.testLoss(), b.testLoss(), 0.05 * Math.max(1, Math.abs(a.testLoss())), "test loss at iteration " + a.iteration());
            assertEquals(a.testAccuracy(), b.testAccuracy(), 0.05, "test accuracy at iteration " + a.iteration());
        }
    }

    private static TrainingResult resnet(Backend b) {
        try (ResidentData data = ResidentData.upload(b, SyntheticData.split(512, 256, 3 * 32 * 32, 10));
             Network net = Network.create(Presets.get("resnet20").model(), b, 3)) {
            TrainingSpec spec = new TrainingSpec(OptimizerSpec.sgd(0.01), 32, 30, 15, 0, BatchAugmentation.FLIP_AND_TRANSLATE);
            return Trainer.train(net, data, spec, 3, TrainingListener.NONE);
        }
    }
}
