package dev.lottery.nn.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.lottery.nn.backend.MaskedOperand;
import dev.lottery.nn.backend.MatrixBatch;
import dev.lottery.nn.backend.PreparedMask;
import dev.lottery.nn.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The CPU backend's masked products and SGD step against the dense ones: the forward product and the input gradient
 * give the dense product's bits, the weight gradient the documented sixteen-partial sums (close to the dense values),
 * the SGD step the dense step's bits; whatever the member count, the other members' densities and the threads.
 * Members span the crossovers: very sparse (every masked kernel), middling (masked products, dense SGD) and dense;
 * shapes too small to gain ({@link MaskedProducts#MIN_SPARSE_WEIGHTS}) check the dense fallback.
 */
class MaskedProductsTest {
    private static final double[] DENSITIES = {0.02, 0.3, 0.6, 0.9};
    /** Two threads, so the crew takes part; {@link #oneThreadAndTheCrewGiveTheSameBits} compares it with one. */
    private final CpuBackend backend = new CpuBackend(2, true);

    @AfterEach
    void closeBackend() {
        backend.close();
    }

    /** A stacked weight with its mask: member n keeps about {@code densities[n]} of its entries. */
    private record Weight(Tensor value, Tensor mask, int rows, int cols) implements AutoCloseable {
        static Weight random(CpuBackend backend, SplittableRandom rnd, int rows, int cols, double... densities) {
            int members = densities.length;
            float[] w = new float[members * rows * cols], m = new float[w.length];
            for (int n = 0; n < members; n++) {
                for (int i = 0; i < rows * cols; i++) {
                    int at = n * rows * cols + i;
                    boolean kept = rnd.nextDouble() < densities[n];
                    m[at] = kept ? 1f : 0f;
                    w[at] = kept ? (float) rnd.nextGaussian() : 0f;
                }
            }
            return new Weight(backend.upload("w", w, members, rows, cols), backend.upload("m", m, members, rows, cols), rows, cols);
        }

        int members() {
            return value.dim(0);
        }

        MatrixBatch batch() {
            return MatrixBatch.stacked(value, rows, cols);
        }

        @Override
        public void close() {
            value.close();
            mask.close();
        }
    }

    /** Activations with exact zeros among them, as after a ReLU. */
    private Tensor activations(SplittableRandom rnd, int rows, int cols) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) v[i] = rnd.nextInt(4) == 0 ? 0f : (float) rnd.nextGaussian();
        return backend.upload("x", v, rows, cols);
    }

    @ParameterizedTest(name = "batch {0}, {1} units, {2} inputs, shared input {3}")
    @CsvSource({
            "60, 300, 784, true",    // lenet's first layer: four slabs along the inputs
            "60, 100, 300, false",   // its second: two slabs
            "60, 10, 100, false",    // its output layer
            "7, 29, 261, true",      // odd sizes, a ragged last slab
            "1000, 50, 90, true",    // an evaluation pass: many chunks of the batch
            "130, 57, 80, false"})
    void forwardProductSkipsPrunedWeightsWithTheDenseBits(int batch, int units, int inputs, boolean shared) {
        SplittableRandom rnd = new SplittableRandom(batch * 31L + units);
        int members = DENSITIES.length;
        try (Weight w = Weight.random(backend, rnd, units, inputs, DENSITIES);
             Tensor x = activations(rnd, batch, shared ? inputs : members * inputs);
             Tensor dense = backend.zeros("dense", batch, members * units);
             Tensor masked = backend.zeros("masked", batch, members * units);
             PreparedMask plan = backend.prepareMask(w.mask(), units, inputs)) {
            MatrixBatch xb = shared ? MatrixBatch.shared(x, inputs) : MatrixBatch.columnBlocks(x, members, inputs);
            backend.gemm(members, false, true, 1f, xb, w.batch(), 0f, MatrixBatch.columnBlocks(dense, members, units));
            backend.maskedGemm(members, false, true, 1f, xb, w.batch(), 0f, MatrixBatch.columnBlocks(masked, members, units), MaskedOperand.B, plan);
            assertArrayEquals(dense.toArray(), masked.toArray());
        }
    }

    @ParameterizedTest(name = "batch {0}, {1} units, {2} inputs")
    @CsvSource({
            "60, 100, 300", "60, 300, 100", "60, 10, 100", "9, 270, 31", "70, 5, 3", "61, 17, 300",
            "1000, 90, 50"})         // a long batch: many chunks, one task each
    void inputGradientSkipsPrunedWeightsWithTheDenseBits(int batch, int units, int inputs) {
        SplittableRandom rnd = new SplittableRandom(batch * 17L + units);
        int members = DENSITIES.length;
        try (Weight w = Weight.random(backend, rnd, units, inputs, DENSITIES);
             Tensor dy = activations(rnd, batch, members * units);
             Tensor dense = backend.zeros("dense", batch, members * inputs);
             Tensor masked = backend.zeros("masked", batch, members * inputs);
             PreparedMask plan = backend.prepareMask(w.mask(), units, inputs)) {
            MatrixBatch dyb = MatrixBatch.columnBlocks(dy, members, units);
            backend.gemm(members, false, false, 1f, dyb, w.batch(), 0f, MatrixBatch.columnBlocks(dense, members, inputs));
            backend.maskedGemm(members, false, false, 1f, dyb, w.batch(), 0f, MatrixBatch.columnBlocks(masked, members, inputs), MaskedOperand.B, plan);
            assertArrayEquals(dense.toArray(), masked.toArray());
        }
    }

    @ParameterizedTest(name = "batch {0}, {1} units, {2} inputs, shared input {3}")
    @CsvSource({"60, 300, 784, true", "60, 100, 300, false", "60, 10, 100, false", "13, 70, 61, true", "33, 45, 100, false",
            "70, 7, 29, true"})
    void weightGradientAtKeptEntriesSumsInSixteenPartials(int batch, int units, int inputs, boolean shared) {
        SplittableRandom rnd = new SplittableRandom(batch * 7L + inputs);
        int members = DENSITIES.length;
        try (Weight w = Weight.random(backend, rnd, units, inputs, DENSITIES);
             Tensor dy = activations(rnd, batch, members * units);
             Tensor x = activations(rnd, batch, shared ? inputs : members * inputs);
             Tensor dense = backend.zeros("dense", members, units, inputs);
             Tensor masked = backend.zeros("masked", members, units, inputs);
             PreparedMask plan = backend.prepareMask(w.mask(), units, inputs)) {
            MatrixBatch dyb = MatrixBatch.columnBlocks(dy, members, units);
            MatrixBatch xb = shared ? MatrixBatch.shared(x, inputs) : MatrixBatch.columnBlocks(x, members, inputs);
            backend.gemm(members, true, false, 1f, dyb, xb, 0f, MatrixBatch.stacked(dense, units, inputs));
            backend.maskedGemm(members, true, false, 1f, dyb, xb, 0f, MatrixBatch.stacked(masked, units, inputs), MaskedOperand.C, plan);
            float[] d = dense.toArray(), s = masked.toArray(), m = w.mask().toArray(), dys = dy.toArray(), xs = x.toArray();
            for (int n = 0; n < members; n++) {
                boolean sampled = DENSITIES[n] < MaskedProducts.WEIGHT_GRADIENT_MAX_DENSITY && units * inputs >= MaskedProducts.MIN_SPARSE_WEIGHTS;
                for (int j = 0; j < units; j++) {
                    for (int i = 0; i < inputs; i++) {
                        int at = (n * units + j) * inputs + i;
                        if (m[at] == 0f) continue;
                        if (!sampled) {
                            assertEquals(d[at], s[at], 0f, "member " + n + " (dense path) at " + j + "," + i);
                            continue;
                        }
                        int xld = shared ? inputs : members * inputs, xcol = (shared ? 0 : n * inputs) + i;
                        float want = sixteenPartials(batch, dys, members * units, n * units + j, xs, xld, xcol);
                        assertEquals(want, s[at], 0f, "member " + n + " at " + j + "," + i);
                        assertEquals(d[at], s[at], 1e-5 * (1 + Math.abs(d[at])), "close to the dense product");
                    }
                }
            }
        }
    }

    /**
     * The documented order of a masked weight gradient, {@code sum over b of a[b, ac] * x[b, xc]}: partials by b mod 16
     * (FMA chains), then folds by 8, 4, 2 and 1.
     */
    private static float sixteenPartials(int batch, float[] a, int lda, int ac, float[] x, int ldx, int xc) {
        float[] p = new float[16];
        for (int b = 0; b < batch; b++) p[b % 16] = Math.fma(a[b * lda + ac], x[b * ldx + xc], p[b % 16]);
        for (int fold = 8; fold >= 1; fold /= 2) {
            for (int l = 0; l < fold; l++) p[l] = p[l] + p[l + fold];
        }
        return p[0];
    }

    @Test
    void maskedSgdStepGivesTheDenseStepsBits() {
        SplittableRandom rnd = new SplittableRandom(3);
        int units = 70, inputs = 130;
        try (Weight w = Weight.random(backend, rnd, units, inputs, DENSITIES);
             Tensor w2 = backend.zeros("w2", w.members(), units, inputs);
             Tensor grad = activations(rnd, w.members() * units, inputs);
             Tensor v = backend.zeros("v", w.members(), units, inputs);
             Tensor v2 = backend.zeros("v2", w.members(), units, inputs);
             PreparedMask plan = backend.prepareMask(w.mask(), units, inputs)) {
            backend.copy(w.value(), w2);
            for (int step = 0; step < 3; step++) {
                backend.sgdStep(w.value(), grad, plan, v, 0.1f, 0.9f, 1e-3f);
                backend.sgdStep(w2, grad, w.mask(), v2, 0.1f, 0.9f, 1e-3f);
            }
            assertArrayEquals(w2.toArray(), w.value().toArray());
            assertArrayEquals(v2.toArray(), v.toArray());
            assertEquals(0, backend.countMaskViolations(w.value(), w.mask()));
        }
    }

    /** Each member computes the bits it computes alone, next to members of other densities. */
    @Test
    void aMemberGetsTheBitsItGetsAlone() {
        SplittableRandom rnd = new SplittableRandom(11);
        int batch = 60, units = 40, inputs = 300, members = DENSITIES.length;
        try (Weight all = Weight.random(backend, rnd, units, inputs, DENSITIES);
             Tensor x = activations(rnd, batch, inputs);
             Tensor dy = activations(rnd, batch, members * units);
             PreparedMask plan = backend.prepareMask(all.mask(), units, inputs)) {
            List<float[]> together = products(backend, members, x, dy, all.value(), plan);
            for (int n = 0; n < members; n++) {
                try (Tensor w = backend.upload("w", all.value().slice(n).toArray(), 1, units, inputs);
                     Tensor mask = backend.upload("m", all.mask().slice(n).toArray(), 1, units, inputs);
                     Tensor dyAlone = backend.zeros("dy", batch, units);
                     PreparedMask alone = backend.prepareMask(mask, units, inputs)) {
                    float[] dys = dy.toArray(), own = new float[batch * units];
                    for (int b = 0; b < batch; b++) System.arraycopy(dys, b * members * units + n * units, own, b * units, units);
                    dyAlone.copyFrom(own);
                    List<float[]> single = products(backend, 1, x, dyAlone, w, alone);
                    int member = n;
                    assertArrayEquals(single.get(0), block(together.get(0), batch, members, units, member), "forward, member " + n);
                    assertArrayEquals(single.get(1), block(together.get(1), batch, members, inputs, member), "input gradient, member " + n);
                    float[] dw = new float[units * inputs];
                    System.arraycopy(together.get(2), n * units * inputs, dw, 0, dw.length);
                    float[] m = mask.toArray(), singleDw = single.get(2);
                    for (int i = 0; i < dw.length; i++) if (m[i] != 0f) assertEquals(singleDw[i], dw[i], 0f, "weight gradient, member " + n);
                }
            }
        }
    }

    /** Forward, input gradient and weight gradient of a dense layer over the shared input x. */
    private static List<float[]> products(CpuBackend on, int members, Tensor x, Tensor dy, Tensor w, PreparedMask plan) {
        int batch = x.dim(0), inputs = x.dim(1), units = w.dim(1);
        try (Tensor y = on.zeros("y", batch, members * units);
             Tensor dx = on.zeros("dx", batch, members * inputs);
             Tensor dw = on.zeros("dw", members, units, inputs)) {
            MatrixBatch wb = MatrixBatch.stacked(w, units, inputs), dyb = MatrixBatch.columnBlocks(dy, members, units);
            on.maskedGemm(members, false, true, 1f, MatrixBatch.shared(x, inputs), wb, 0f, MatrixBatch.columnBlocks(y, members, units), MaskedOperand.B, plan);
            on.maskedGemm(members, false, false, 1f, dyb, wb, 0f, MatrixBatch.columnBlocks(dx, members, inputs), MaskedOperand.B, plan);
            on.maskedGemm(members, true, false, 1f, dyb, MatrixBatch.shared(x, inputs), 0f, MatrixBatch.stacked(dw, units, inputs), MaskedOperand.C, plan);
            return List.of(y.toArray(), dx.toArray(), dw.toArray());
        }
    }

    /** Member n's column block of {@code [rows, members*cols]} values. */
    private static float[] block(float[] all, int rows, int members, int cols, int n) {
        float[] out = new float[rows * cols];
        for (int r = 0; r < rows; r++) System.arraycopy(all, r * members * cols + n * cols, out, r * cols, cols);
        return out;
    }

    /** A backend on one thread and one on two: the same bits, and the second thread really took part. */
    @Test
    void oneThreadAndTheCrewGiveTheSameBits() {
        assertEquals(2, backend.workers().threads());
        SplittableRandom rnd = new SplittableRandom(5);
        int units = 120, inputs = 300, members = DENSITIES.length;
        try (Weight w = Weight.random(backend, rnd, units, inputs, DENSITIES);
             Tensor train = activations(rnd, 60, inputs);
             Tensor eval = activations(rnd, 1000, inputs);
             Tensor dy = activations(rnd, 60, members * units);
             PreparedMask plan = backend.prepareMask(w.mask(), units, inputs)) {
            Function<CpuBackend, List<float[]>> work = on -> {
                List<float[]> out = new ArrayList<>(products(on, members, train, dy, w.value(), plan));
                try (Tensor y = on.zeros("y", 1000, members * units); Tensor w2 = on.zeros("w2", members, units, inputs);
                     Tensor grad = on.zeros("g", members, units, inputs)) {
                    on.maskedGemm(members, false, true, 1f, MatrixBatch.shared(eval, inputs), w.batch(), 0f,
                            MatrixBatch.columnBlocks(y, members, units), MaskedOperand.B, plan);
                    out.add(y.toArray());
                    on.copy(w.value(), w2);
                    grad.copyFrom(out.get(2));
                    on.sgdStep(w2, grad, plan, null, 0.5f, 0f, 0f);
                    out.add(w2.toArray());
                }
                return out;
            };
            List<float[]> alone;
            try (CpuBackend oneThread = new CpuBackend(1, true)) {
                alone = work.apply(oneThread);
            }
            List<float[]> crew = null;
            for (int attempt = 0; attempt < 20 && backend.workers().crewTasks() == 0; attempt++) {
                List<float[]> again = work.apply(backend);
                if (crew != null) for (int i = 0; i < crew.size(); i++) assertArrayEquals(crew.get(i), again.get(i));
                crew = again;
            }
            assertTrue(backend.workers().crewTasks() > 0, "the crew ran none of the tasks");
            String[] names = {"forward", "input gradient", "weight gradient", "evaluation forward", "sgd"};
            for (int i = 0; i < names.length; i++) assertArrayEquals(alone.get(i), crew.get(i), names[i]);
        }
    }

    @Test
    void refusesAMaskOfAnotherShape() {
        try (Tensor mask = backend.zeros("m", 2, 3, 4); Tensor x = backend.zeros("x", 5, 3); Tensor y = backend.zeros("y", 5, 8);
             Tensor w = backend.zeros("w", 2, 3, 4); PreparedMask plan = backend.prepareMask(mask, 3, 4)) {
            try {
                backend.maskedGemm(2, false, true, 1f, MatrixBatch.shared(x, 3), MatrixBatch.stacked(w, 4, 3), 0f,
                        MatrixBatch.columnBlocks(y, 2, 4), MaskedOperand.B, plan);
                fail("a 4x3 operand with a 3x4 mask");
            } catch (IllegalArgumentException expected) {
                assertTrue(expected.getMessage().contains("mask"), expected.getMessage());
            }
        }
    }
}
