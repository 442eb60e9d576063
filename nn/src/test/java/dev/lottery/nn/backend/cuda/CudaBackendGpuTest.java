package dev.lottery.nn.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lottery.gpu.DeviceBuffer;
import dev.lottery.gpu.RequiresGpu;
import dev.lottery.gpu.TransferCounters;
import dev.lottery.gpu.TransferDirection;
import dev.lottery.gpu.TransferPurpose;
import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.backend.StepRecorder;
import dev.lottery.nn.backend.cpu.CpuBackend;
import dev.lottery.nn.model.Network;
import dev.lottery.nn.model.Parameter;
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
 * The CUDA backend against the CPU backend on a real GPU: identical initial weights and pruning masks, every op
 * within a stated tolerance, a short lenet run whose accuracy curve follows the CPU's, masked weights exactly
 * +0.0, and no weight bytes copied to the host while training and pruning. Skips, per test with the probe's
 * reason, where there is no GPU.
 */
@RequiresGpu
@ExtendWith(SharedCudaBackend.class)
class CudaBackendGpuTest {
    private static final CpuBackend cpu = new CpuBackend();
    private CudaBackend gpu;

    @BeforeEach
    void use(CudaBackend shared) {
        gpu = shared;
    }

    private static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian();
        return x;
    }

    private static void assertClose(float[] expected, float[] actual, float tolerance, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            float e = expected[i], a = actual[i];
            assertTrue(Math.abs(e - a) <= tolerance * Math.max(1f, Math.abs(e)), what + "[" + i + "]: " + e + " vs " + a);
        }
    }

    /** Runs {@code op} on the same inputs on both backends and returns {cpu outputs, gpu outputs}. */
    private interface Op {
        void run(Backend b, List<Tensor> t);
    }

    private List<float[]>[] onBoth(List<float[]> inputs, List<int[]> shapes, Op op) {
        @SuppressWarnings("unchecked") List<float[]>[] out = new List[2];
        Backend[] backends = {cpu, gpu};
        for (int k = 0; k < 2; k++) {
            List<Tensor> ts = new ArrayList<>();
            for (int i = 0; i < inputs.size(); i++) ts.add(backends[k].upload("t" + i, inputs.get(i), shapes.get(i)));
            op.run(backends[k], ts);
            out[k] = ts.stream().map(Tensor::toArray).toList();
            ts.forEach(Tensor::close);
        }
        return out;
    }

    @Test
    void sameSeedGivesBitwiseIdenticalInitialWeightsOnBothBackends() {
        for (String preset : List.of("lenet-300-100")) {
            try (Network c = Network.create(Presets.get(preset).model(), cpu, 17); Network g = Network.create(Presets.get(preset).model(), gpu, 17)) {
                for (int i = 0; i < c.parameters().size(); i++) {
                    Parameter pc = c.parameters().get(i), pg = g.parameters().get(i);
                    float[] a = pc.value().toArray(), b = pg.value().toArray();
                    for (int j = 0; j < a.length; j++) {
                        assertEquals(Float.floatToRawIntBits(a[j]), Float.floatToRawIntBits(b[j]), pc.name() + "[" + j + "]");
                    }
                }
                c.initialize(17, "reinit/level-3");
                g.initialize(17, "reinit/level-3");
                for (int i = 0; i < c.parameters().size(); i++) {
                    assertArrayEquals(c.parameters().get(i).value().toArray(), g.parameters().get(i).value().toArray(), "reinit draws");
                }
            }
        }
    }

    @Test
    void opsAgreeWithTheCpuWithinTolerance() {
        int rows = 60, k = 784, n = 300;
        List<float[]>[] r = onBoth(List.of(random(rows * k, 1), random(n * k, 2), new float[rows * n], random(n, 3)),
                List.of(new int[] {rows, k}, new int[] {n, k}, new int[] {rows, n}, new int[] {n}), (b, t) -> {
                    b.gemm(false, true, 1f, t.get(0), t.get(1), 0f, t.get(2));
                    b.addBiasRelu(t.get(2), t.get(3));
                });
        assertClose(r[0].get(2), r[1].get(2), 1e-4f, "gemm + bias + relu (pedantic FP32; summation order differs)");

        List<float[]>[] g = onBoth(List.of(random(rows * n, 4), random(rows * n, 5), random(rows * k, 6), new float[n * k], new float[n]),
                List.of(new int[] {rows, n}, new int[] {rows, n}, new int[] {rows, k}, new int[] {n, k}, new int[] {n}), (b, t) -> {
                    b.relu(t.get(0));
                    b.reluBackward(t.get(0), t.get(1));
                    b.gemm(true, false, 1f, t.get(1), t.get(2), 0f, t.get(3));
                    b.sumRows(t.get(1), t.get(4));
                });
        assertArrayEquals(g[0].get(1), g[1].get(1), "relu backward is exact");
        assertClose(g[0].get(3), g[1].get(3), 1e-4f, "weight gradient gemm");
        assertArrayEquals(g[0].get(4), g[1].get(4), "sumRows sums in the same order");

        float[] labels = new float[rows];
        for (int i = 0; i < rows; i++) labels[i] = i % 10;
        List<float[]>[] s = onBoth(List.of(random(rows * 10, 7), labels, new float[rows * 10], new float[2]),
                List.of(new int[] {rows, 10}, new int[] {rows}, new int[] {rows, 10}, new int[] {2}),
                (b, t) -> b.softmaxCrossEntropy(t.get(0), t.get(1), t.get(2), t.get(3)));
        assertClose(s[0].get(2), s[1].get(2), 1e-6f, "softmax gradient");
        assertClose(s[0].get(3), s[1].get(3), 1e-5f, "loss sum and correct count");

        float[] mask = new float[1000];
        for (int i = 0; i < mask.length; i++) mask[i] = i % 3 == 0 ? 0f : 1f;
        List<float[]>[] u = onBoth(List.of(random(1000, 8), random(1000, 9), mask, random(1000, 10)),
                List.of(new int[] {1000}, new int[] {1000}, new int[] {1000}, new int[] {1000}),
                (b, t) -> b.sgdStep(t.get(0), t.get(1), t.get(2), t.get(3), 0.1f, 0.9f, 5e-4f));
        for (int i = 0; i < 1000; i++) {
            assertEquals(Float.floatToRawIntBits(u[0].get(0)[i]), Float.floatToRawIntBits(u[1].get(0)[i]), "sgd w[" + i + "] bitwise (same fmas)");
            assertEquals(Float.floatToRawIntBits(u[0].get(3)[i]), Float.floatToRawIntBits(u[1].get(3)[i]), "sgd v[" + i + "] bitwise");
            if (mask[i] == 0f) assertEquals(0, Float.floatToRawIntBits(u[1].get(0)[i]), "masked weight is +0.0");
        }
    }

    @Test
    void devicePruningEqualsTheCpusExactly() {
        SplittableRandom r = new SplittableRandom(3);
        int[] sizes = {784 * 300, 300 * 100, 1000};
        List<float[]> ws = new ArrayList<>(), ms = new ArrayList<>();
        for (int n : sizes) {
            float[] w = new float[n], m = new float[n];
            for (int i = 0; i < n; i++) {
                w[i] = (r.nextInt(2000) - 1000) * 1e-3f; // many ties
                m[i] = r.nextInt(5) == 0 ? 0f : 1f;
                if (m[i] == 0f) w[i] = 0f;
            }
            ws.add(w);
            ms.add(m);
        }
        for (long count : new long[] {1, 1234, 50_000, 150_000}) {
            List<float[]>[] global = onBoth(interleave(ws, ms), shapes(sizes), (b, t) -> b.pruneSmallestMagnitudeGlobal(
                    List.of(t.get(0), t.get(2), t.get(4)), List.of(t.get(1), t.get(3), t.get(5)), count));
            for (int t = 1; t < 6; t += 2) assertArrayEquals(global[0].get(t), global[1].get(t), "global masks, count " + count);
            List<float[]>[] local = onBoth(interleave(ws, ms), shapes(sizes), (b, t) -> b.pruneSmallestMagnitude(t.get(0), t.get(1), count / 2));
            assertArrayEquals(local[0].get(1), local[1].get(1), "layer mask, count " + count / 2);
        }
        try (Tensor m = gpu.upload("m", ms.get(2), sizes[2]); Tensor w = gpu.upload("w", random(sizes[2], 4), sizes[2])) {
            assertEquals(cpu.countNonZero(cpu.upload("m", ms.get(2), sizes[2])), gpu.countNonZero(m));
            assertTrue(gpu.countMaskViolations(w, m) > 0);
            gpu.applyMask(w, m);
            assertEquals(0, gpu.countMaskViolations(w, m));
        }
    }

    private static List<float[]> interleave(List<float[]> ws, List<float[]> ms) {
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < ws.size(); i++) {
            out.add(ws.get(i));
            out.add(ms.get(i));
        }
        return out;
    }

    private static List<int[]> shapes(int[] sizes) {
        List<int[]> out = new ArrayList<>();
        for (int n : sizes) {
            out.add(new int[] {n});
            out.add(new int[] {n});
        }
        return out;
    }

    @Test
    void devicePermutationEqualsKeyedRandom() {
        KeyedRandom rng = new KeyedRandom(9, "fc1.weight.mask", "rearrange");
        int n = 784 * 300;
        try (DeviceBuffer perm = gpu.keyedPermutation(n, rng)) {
            assertArrayEquals(rng.permutation(n), gpu.downloadInts(perm, n));
        }
    }

    private static TrainingResult lenet(Backend b, long seed, long iterations, boolean prune, List<float[]> finalWeights) {
        try (ResidentData data = ResidentData.upload(b, SyntheticData.split(3000, 1000, 784, 10));
             Network net = Network.create(Presets.get("lenet-300-100").model(), b, seed)) {
            if (prune) {
                for (Parameter p : net.prunable()) b.pruneSmallestMagnitude(p.value(), p.mask(), p.size() / 2);
                for (Parameter p : net.prunable()) b.applyMask(p.value(), p.mask());
            }
            TrainingSpec spec = new TrainingSpec(OptimizerSpec.sgd(0.05), 60, iterations, 50, 0);
            TrainingResult result = Trainer.train(net, data, spec, seed, TrainingListener.NONE);
            for (Parameter p : net.parameters()) {
                finalWeights.add(p.value().toArray());
                if (p.mask() != null) finalWeights.add(p.mask().toArray());
            }
            return result;
        }
    }

    @Test
    void shortLenetRunFollowsTheCpusAccuracyCurveAndKeepsMaskedWeightsZero() {
        List<float[]> cw = new ArrayList<>(), gw = new ArrayList<>();
        TrainingResult c = lenet(cpu, 5, 300, true, cw);
        TrainingResult g = lenet(gpu, 5, 300, true, gw);
        assertEquals(c.series().size(), g.series().size());
        for (int i = 0; i < c.series().size(); i++) {
            EvalPoint a = c.series().get(i), b = g.series().get(i);
            assertEquals(a.testAccuracy(), b.testAccuracy(), 0.02, "test accuracy at iteration " + a.iteration());
        }
        for (int t = 0; t < gw.size(); t += 3) {
            float[] w = gw.get(t), mask = gw.get(t + 1);
            assertArrayEquals(cw.get(t + 1), mask, "same masks");
            for (int i = 0; i < w.length; i++) if (mask[i] == 0f) assertEquals(0, Float.floatToRawIntBits(w[i]), "pruned weight is +0.0");
        }
    }

    @Test
    void aLevelCopiesNoWeightBytesToTheHostAndReplaysGraphsWithoutAllocating() {
        try (ResidentData data = ResidentData.upload(gpu, SyntheticData.split(3000, 1000, 784, 10));
             Network net = Network.create(Presets.get("lenet-300-100").model(), gpu, 1)) {
            TrainingSpec spec = new TrainingSpec(OptimizerSpec.sgd(0.05), 60, 200, 100, 0);
            Trainer.train(net, data, spec, 1, TrainingListener.NONE); // warm: workspaces, cuBLAS, pool
            long allocationsBefore = gpu.poolStats().driverAllocations();
            TransferCounters.Snapshot before = gpu.transfers().snapshot();
            // One lottery level: train, prune 20% per layer, reset to θ0 (re-drawn on the device), train again.
            Trainer.train(net, data, spec, 1, TrainingListener.NONE);
            for (Parameter p : net.prunable()) gpu.pruneSmallestMagnitude(p.value(), p.mask(), gpu.countNonZero(p.mask()) / 5);
            net.initialize(1, "init");
            Trainer.train(net, data, spec, 1, TrainingListener.NONE);
            gpu.synchronize();
            TransferCounters.Snapshot d = gpu.transfers().snapshot().minus(before);
            for (TransferPurpose p : List.of(TransferPurpose.WEIGHTS, TransferPurpose.SNAPSHOT)) {
                assertEquals(0, d.bytes(TransferDirection.DEVICE_TO_HOST, p), "no " + p + " bytes to the host: " + d);
            }
            assertEquals(0, d.bytes(TransferDirection.HOST_TO_DEVICE, TransferPurpose.SNAPSHOT), d.toString());
            // θ0 is re-drawn on the device. The only uploads are each run's first clear of its fresh evaluation
            // accumulator (8 bytes, before the backend learns it holds scalars); any weight tensor is >= 40 bytes.
            assertTrue(d.bytes(TransferDirection.HOST_TO_DEVICE, TransferPurpose.WEIGHTS) <= 2 * 8, "no weight uploads: " + d);
            assertTrue(d.bytes(TransferDirection.DEVICE_TO_HOST, TransferPurpose.SCALARS) > 0, "evaluations read scalars: " + d);
            assertEquals(allocationsBefore, gpu.poolStats().driverAllocations(), "steady state allocates nothing from the driver");
        }
        try (StepRecorder steps = gpu.stepRecorder()) {
            assertTrue(steps instanceof CudaStepRecorder);
        }
    }
}
