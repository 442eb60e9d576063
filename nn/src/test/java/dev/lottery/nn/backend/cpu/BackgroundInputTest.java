package dev.lottery.nn.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lottery.nn.backend.MaskedOperand;
import dev.lottery.nn.backend.MatrixBatch;
import dev.lottery.nn.backend.PreparedMask;
import dev.lottery.nn.data.DataSplit;
import dev.lottery.nn.data.Dataset;
import dev.lottery.nn.data.DatasetName;
import dev.lottery.nn.model.Network;
import dev.lottery.nn.model.Preset;
import dev.lottery.nn.model.Presets;
import dev.lottery.nn.tensor.HostTensor;
import dev.lottery.nn.tensor.Tensor;
import dev.lottery.nn.train.EvalPoint;
import dev.lottery.nn.train.Normalization;
import dev.lottery.nn.train.ResidentData;
import dev.lottery.nn.train.Trainer;
import dev.lottery.nn.train.TrainingResult;
import dev.lottery.nn.train.TrainingSpec;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Forward products over a constant input with a background value ({@link BackgroundInput}): each value is exactly its
 * documented definition (one FMA chain over the row's departures from the background, plus the background times the
 * weight row's sum), whatever the rows sharing its block, the threads, the member count or the masks; they agree with
 * the dense product to rounding; evaluations of a training run read the test set's form; and inputs without a common
 * background, unmarked inputs and a backend with dense products keep the plain product's bits.
 */
class BackgroundInputTest {
    /** MNIST's black pixel after standardization with its mean and standard deviation. */
    private static final float BACKGROUND = (0f - 0.1307f) / 0.3081f;

    /**
     * {@code rows x cols} values of which about {@code background} are {@link #BACKGROUND}, the rest Gaussian and spread
     * at random: a block of rows departs from the background in nearly every column.
     */
    private static float[] input(SplittableRandom rnd, int rows, int cols, double background) {
        float[] x = new float[rows * cols];
        for (int i = 0; i < x.length; i++) x[i] = rnd.nextDouble() < background ? BACKGROUND : (float) rnd.nextGaussian();
        return x;
    }

    /**
     * {@code rows x cols} values that depart from {@link #BACKGROUND} only in a window of a third of the columns, half of
     * the window's values, the window moving one column every four rows: like images whose strokes lie in a region
     * that varies a little from one to the next, so that a block of rows lists about a third of the columns.
     */
    private static float[] images(SplittableRandom rnd, int rows, int cols) {
        float[] x = new float[rows * cols];
        int span = cols / 3;
        for (int r = 0; r < rows; r++) {
            int from = (r / 4) % (cols - span);
            for (int i = 0; i < cols; i++) {
                boolean departs = i >= from && i < from + span && rnd.nextBoolean();
                x[r * cols + i] = departs ? (float) rnd.nextGaussian() : BACKGROUND;
            }
        }
        return x;
    }

    private static float[] gaussian(SplittableRandom rnd, int size) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) v[i] = (float) rnd.nextGaussian();
        return v;
    }

    /** The definition: {@code sum over departing i of fma((x - c), w)} from +0 in order, plus {@code c * (sum of w's row)}. */
    private static float[] definition(float[] x, float[] w, int rows, int cols, int units) {
        float[] y = new float[rows * units];
        int c = Float.floatToRawIntBits(BACKGROUND);
        for (int o = 0; o < units; o++) {
            float rowSum = 0f;
            for (int i = 0; i < cols; i++) rowSum += w[o * cols + i];
            for (int r = 0; r < rows; r++) {
                float acc = 0f;
                for (int i = 0; i < cols; i++) {
                    float v = x[r * cols + i];
                    if (Float.floatToRawIntBits(v) != c) acc = Math.fma(v - BACKGROUND, w[o * cols + i], acc);
                }
                y[r * units + o] = acc + BACKGROUND * rowSum;
            }
        }
        return y;
    }

    private static void assertBits(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                throw new AssertionError(what + ": value " + i + " is " + actual[i] + ", expected " + expected[i]);
            }
        }
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 2e-4 * (1 + Math.abs(expected[i])), what + ": value " + i);
        }
    }

    /** {@code y = x w^T} on {@code backend}, x marked constant when {@code mark}. */
    private static float[] forward(CpuBackend backend, float[] x, float[] w, int rows, int cols, int units, boolean mark) {
        try (Tensor xt = backend.upload("x", x, rows, cols); Tensor wt = backend.upload("w", w, units, cols);
             Tensor y = backend.zeros("y", rows, units)) {
            if (mark) backend.markConstant(xt);
            backend.gemm(false, true, 1f, xt, wt, 0f, y);
            return y.toArray();
        }
    }

    @Test
    void eachValueIsItsDefinitionAndCloseToTheDenseProduct() {
        SplittableRandom rnd = new SplittableRandom(1);
        // Rows not a multiple of any block height, units spanning two panels and a part, depth of no round size.
        int rows = 301, cols = 93, units = 45;
        float[] x = images(rnd, rows, cols), w = gaussian(rnd, units * cols);
        try (CpuBackend backend = new CpuBackend(2, true)) {
            try (HostTensor t = HostTensor.of("x", x, rows, cols)) {
                BackgroundInput form = BackgroundInput.of(t.segment(), 0, rows, cols);
                assertNotNull(form, "an input that is mostly background");
                assertTrue(form.listedFraction() < 0.5, "listed " + form.listedFraction());
            }
            float[] y = forward(backend, x, w, rows, cols, units, true);
            assertBits(definition(x, w, rows, cols, units), y, "background product");
            float[] plain = forward(backend, x, w, rows, cols, units, false);
            assertClose(plain, y, "background against the dense product");
        }
    }

    @Test
    void oneThreadAndTwoGiveTheSameBits() {
        SplittableRandom rnd = new SplittableRandom(2);
        int rows = 700, cols = 120, units = 70;
        float[] x = images(rnd, rows, cols), w = gaussian(rnd, units * cols);
        try (CpuBackend one = new CpuBackend(1, true); CpuBackend two = new CpuBackend(2, true)) {
            float[] a = forward(one, x, w, rows, cols, units, true);
            // The crew takes tasks when it is free; a caller that finds it busy runs them alone, so repeat until the
            // second thread has taken part.
            long before = CrewProbe.crewTasks(two);
            for (int round = 0; round < 100 && CrewProbe.crewTasks(two) == before; round++) {
                assertBits(a, forward(two, x, w, rows, cols, units, true), "one thread against two");
            }
            assertTrue(CrewProbe.crewTasks(two) > before, "the two-thread backend's crew ran none of the blocks");
        }
    }

    @Test
    void populationMembersGetTheBitsTheyGetAlone() {
        SplittableRandom rnd = new SplittableRandom(3);
        int rows = 130, cols = 80, units = 40, members = 3;
        float[] x = images(rnd, rows, cols);
        // Densities on both sides of the crossover: the sparsest member takes the masked kernel, the middle one the
        // background form although the masked kernel would run for it over a plain input.
        double[] densities = {0.05, 0.25, 1.0};
        float[] w = new float[members * units * cols], mask = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            boolean kept = rnd.nextDouble() < densities[i / (units * cols)];
            mask[i] = kept ? 1f : 0f;
            w[i] = kept ? (float) rnd.nextGaussian() : 0f;
        }
        try (CpuBackend backend = new CpuBackend(2, true);
             Tensor xt = backend.upload("x", x, rows, cols); Tensor wt = backend.upload("w", w, members, units, cols);
             Tensor m = backend.upload("m", mask, members, units, cols);
             Tensor plain = backend.zeros("y", rows, members * units); Tensor masked = backend.zeros("y", rows, members * units)) {
            backend.markConstant(xt);
            MatrixBatch xb = MatrixBatch.shared(xt, cols), wb = MatrixBatch.stacked(wt, units, cols);
            backend.gemm(members, false, true, 1f, xb, wb, 0f, MatrixBatch.columnBlocks(plain, members, units));
            try (PreparedMask plan = backend.prepareMask(m, units, cols)) {
                backend.maskedGemm(members, false, true, 1f, xb, wb, 0f, MatrixBatch.columnBlocks(masked, members, units), MaskedOperand.B, plan);
            }
            float[] all = plain.toArray(), allMasked = masked.toArray();
            for (int n = 0; n < members; n++) {
                float[] wn = Arrays.copyOfRange(w, n * units * cols, (n + 1) * units * cols);
                float[] alone = forward(backend, x, wn, rows, cols, units, true);
                float[] own = new float[rows * units], ownMasked = new float[rows * units];
                for (int r = 0; r < rows; r++) {
                    System.arraycopy(all, r * members * units + n * units, own, r * units, units);
                    System.arraycopy(allMasked, r * members * units + n * units, ownMasked, r * units, units);
                }
                assertBits(alone, own, "member " + n + " of the population's product");
                assertBits(definition(x, wn, rows, cols, units), alone, "member " + n + " alone");
                if (densities[n] >= MaskedProducts.BACKGROUND_FORWARD_MAX_DENSITY) assertBits(alone, ownMasked, "member " + n + ", masked product");
                else assertClose(alone, ownMasked, "member " + n + ", masked kernel");
            }
        }
    }

    @Test
    void evaluationsReadTheTestSetsBackgroundFormAndAgreeWithThePlainProduct() {
        SplittableRandom rnd = new SplittableRandom(5);
        DataSplit split = new DataSplit(strokes(rnd, "train", 300), null, strokes(rnd, "test", 500));
        Preset lenet = Presets.get("lenet-300-100");
        TrainingSpec spec = new TrainingSpec(lenet.optimizer(), lenet.batchSize(), 20, 10, 0);
        EvalPoint[] points = new EvalPoint[2];
        for (boolean sparse : new boolean[] {true, false}) {
            try (CpuBackend backend = new CpuBackend(2, sparse);
                 ResidentData data = ResidentData.upload(backend, split, Normalization.standard(DatasetName.MNIST));
                 Network network = Network.create(lenet.model(), backend, 3)) {
                TrainingResult result = Trainer.train(network, data, spec);
                assertEquals(sparse, backend.backgroundForm(data.test().images()) != null, "the test set's background form");
                points[sparse ? 0 : 1] = result.series().getLast();
            }
        }
        assertEquals(points[1].testLoss(), points[0].testLoss(), 1e-5 * points[1].testLoss(), "test loss");
        assertEquals(points[1].testAccuracy(), points[0].testAccuracy(), 0.0021, "test accuracy (one example in 500)");
    }

    /** MNIST-like images: black but for random strokes in a 14 x 14 window near the middle. */
    private static Dataset strokes(SplittableRandom rnd, String name, int count) {
        float[] images = new float[count * 28 * 28];
        byte[] labels = new byte[count];
        for (int n = 0; n < count; n++) {
            int top = 4 + rnd.nextInt(7), left = 4 + rnd.nextInt(7);
            for (int y = top; y < top + 14; y++) {
                for (int x = left; x < left + 14; x++) if (rnd.nextBoolean()) images[n * 784 + y * 28 + x] = (float) rnd.nextDouble();
            }
            labels[n] = (byte) rnd.nextInt(10);
        }
        return new Dataset(name, images, labels, count, 1, 28, 28, 10);
    }

    @Test
    void plainProductWhereNothingIsGained() {
        SplittableRandom rnd = new SplittableRandom(4);
        int rows = 90, cols = 64, units = 33;
        float[] w = gaussian(rnd, units * cols);
        try (CpuBackend backend = new CpuBackend(2, true); CpuBackend dense = new CpuBackend(2, false)) {
            // No common value: no background form, the dense product's bits.
            float[] noise = gaussian(rnd, rows * cols);
            try (HostTensor t = HostTensor.of("x", noise, rows, cols)) {
                assertNull(BackgroundInput.of(t.segment(), 0, rows, cols));
            }
            assertBits(forward(backend, noise, w, rows, cols, units, false), forward(backend, noise, w, rows, cols, units, true), "no background");
            // A background in a fifth of the values: too few to gain.
            float[] little = input(rnd, rows, cols, 0.2);
            try (HostTensor t = HostTensor.of("x", little, rows, cols)) {
                assertNull(BackgroundInput.of(t.segment(), 0, rows, cols), "a fifth background");
            }
            assertBits(forward(backend, little, w, rows, cols, units, false), forward(backend, little, w, rows, cols, units, true), "little background");
            // Background in 60 % of the values, the rest spread at random: a block of rows departs in nearly every column.
            float[] spread = input(rnd, rows, cols, 0.6);
            try (HostTensor t = HostTensor.of("x", spread, rows, cols)) {
                assertNull(BackgroundInput.of(t.segment(), 0, rows, cols), "blocks that list nearly every column");
            }
            assertBits(forward(backend, spread, w, rows, cols, units, false), forward(backend, spread, w, rows, cols, units, true), "spread departures");
            // Departures gathered in a few columns (as a digit's strokes are): the blocks list a small share.
            float[] strokes = input(rnd, rows, cols, 1.0);
            for (int r = 0; r < rows; r++) strokes[r * cols + (r / 12 * 7) % cols] = 1f;
            try (HostTensor t = HostTensor.of("x", strokes, rows, cols)) {
                BackgroundInput form = BackgroundInput.of(t.segment(), 0, rows, cols);
                assertNotNull(form, "a matrix that is almost all background");
                assertTrue(form.listedFraction() <= 2.0 / cols, "listed " + form.listedFraction());
            }
            // The backend with every product dense ignores the declaration.
            float[] x = images(rnd, rows, cols);
            assertBits(forward(dense, x, w, rows, cols, units, false), forward(dense, x, w, rows, cols, units, true), "dense backend");
            assertBits(forward(backend, x, w, rows, cols, units, false), forward(dense, x, w, rows, cols, units, false), "unmarked input");
        }
    }
}
