package dev.lottery.nn.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lottery.nn.backend.MatrixLayout.Kind;
import dev.lottery.nn.init.Initializer;
import dev.lottery.nn.rng.KeyedRandom;
import dev.lottery.nn.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every {@link Backend} operation against {@link ReferenceBackend}'s plain loops, on the same inputs, for populations
 * of 1 and 3 members in the layouts a population uses (stacked parameters, members side by side in activations,
 * shared inputs, member slices) and at awkward sizes (odd, smaller than a vector, not multiples of any tile). Each
 * backend runs this one suite through a subclass that says which backend and how close it must come:
 * <ul>
 *   <li>bitwise wherever a contract fixes the float operations: element-wise ops, bias sums in row order, the SGD
 *   update, dropout masks, max pooling, gathers, augmentation, masks, counts and pruning choices, initial draws, and
 *   softmax gradients of a member against the member alone;</li>
 *   <li>{@code |value - reference| <= tolerance * sum of |terms|} for products and convolutions (the rounding bound of
 *   any summation order is {@code k * 2^-24} of that sum, under 1e-5 for every depth k here, at most 162), with the tolerances the
 *   subclass states;</li>
 *   <li>{@code |value - reference| <= tolerance * max(1, |reference|)} for what is summed in double (softmax
 *   statistics 1e-5, batch normalization 1e-5, global average pooling 1e-6) and softmax gradients
 *   ({@code 1e-6 * |reference| + 1e-9}).</li>
 * </ul>
 * A member of a population is also checked against the same operation on its own matrices, channels or slices with
 * one member: bitwise where {@link Tolerances#membersBitwise()} (the CPU's promise that a member computes the bits it
 * would compute alone), otherwise within the tolerances above.
 */
public abstract class BackendConformanceSuite {
    /** The backend under test (opened by the subclass, which also closes it). */
    protected abstract Backend backend();

    /** How close {@link #backend()} must come where the contract leaves rounding open. */
    protected abstract Tolerances tolerances();

    /**
     * @param membersBitwise whether a population's member must compute exactly the bits it computes alone
     * @param products       relative to the sum of |terms| of each product's element
     * @param convolutions   relative to the sum of |terms| of each convolution's element
     */
    public record Tolerances(boolean membersBitwise, float products, float convolutions) {}

    private static final float SOFTMAX_STATS = 1e-5f, BATCH_NORM = 1e-5f, AVERAGE = 1e-6f;
    private final ReferenceBackend reference = new ReferenceBackend();

    // ---- running one op on both backends ----

    /** One tensor argument: its values and shape. */
    private record Arg(float[] values, int... shape) {
        Arg abs() {
            float[] a = values.clone();
            for (int i = 0; i < a.length; i++) a[i] = Math.abs(a[i]);
            return new Arg(a, shape);
        }
    }

    /** What an op does to tensors {@code t} (made from the arguments, in order) on backend {@code b}. */
    private interface Op {
        void run(Backend b, Tensor[] t);
    }

    /** A count an op returns. */
    private interface Count {
        long of(Backend b, Tensor[] t);
    }

    /** The values of every argument tensor after the op, on the reference and on the backend under test. */
    private record Outcome(float[][] expected, float[][] actual) {}

    private static float[][] run(Backend b, Op op, Arg... args) {
        Tensor[] t = new Tensor[args.length];
        try {
            for (int i = 0; i < args.length; i++) t[i] = b.upload("arg" + i, args[i].values(), args[i].shape());
            op.run(b, t);
            float[][] out = new float[args.length][];
            for (int i = 0; i < args.length; i++) out[i] = t[i].toArray();
            return out;
        } finally {
            for (Tensor x : t) if (x != null) x.close();
        }
    }

    private static long count(Backend b, Count op, Arg... args) {
        long[] result = new long[1];
        run(b, (be, t) -> result[0] = op.of(be, t), args);
        return result[0];
    }

    private Outcome both(Op op, Arg... args) {
        return new Outcome(run(reference, op, args), run(backend(), op, args));
    }

    /** The sum of |terms| of each element of each output: the op on the reference with every argument's magnitude. */
    private float[][] magnitudes(Op op, Arg... args) {
        return run(reference, op, Arrays.stream(args).map(Arg::abs).toArray(Arg[]::new));
    }

    // ---- comparisons ----

    private static boolean same(float e, float a) {
        return Float.floatToRawIntBits(e) == Float.floatToRawIntBits(a) || (Float.isNaN(e) && Float.isNaN(a));
    }

    private static void assertBitwise(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            if (!same(expected[i], actual[i])) {
                throw new AssertionError(what + "[" + i + "]: " + expected[i] + " expected, " + actual[i] + " (bits "
                        + Integer.toHexString(Float.floatToRawIntBits(expected[i])) + " vs " + Integer.toHexString(Float.floatToRawIntBits(actual[i])) + ")");
            }
        }
    }

    /** {@code |e - a| <= tolerance * bound} element by element (equal bits, NaN included, always pass). */
    private static void assertWithin(float[] expected, float[] bound, float[] actual, float tolerance, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            if (same(expected[i], actual[i])) continue;
            float limit = tolerance * bound[i];
            assertTrue(Math.abs(expected[i] - actual[i]) <= limit,
                    what + "[" + i + "]: " + expected[i] + " expected, " + actual[i] + " (allowed " + limit + ")");
        }
    }

    private static void assertRelative(float[] expected, float[] actual, float tolerance, String what) {
        float[] bound = new float[expected.length];
        for (int i = 0; i < bound.length; i++) bound[i] = Math.max(1f, Math.abs(expected[i]));
        assertWithin(expected, bound, actual, tolerance, what);
    }

    /** A member's result in a population against the member alone: bitwise where the backend promises it. */
    private void assertMemberAlone(float[] together, float[] alone, float[] bound, float tolerance, String what) {
        if (tolerances().membersBitwise()) assertBitwise(alone, together, what + " (bitwise)");
        else assertWithin(alone, bound, together, tolerance, what);
    }

    // ---- data ----

    private static float[] gaussian(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian();
        return x;
    }

    private static float[] filled(int n, float value) {
        float[] x = new float[n];
        Arrays.fill(x, value);
        return x;
    }

    /** Gaussian values with exact zeros, negative zeros and repeated values sprinkled in. */
    private static float[] awkward(int n, long seed) {
        float[] x = gaussian(n, seed);
        for (int i = 0; i < n; i++) {
            if (i % 5 == 1) x[i] = 0f;
            if (i % 7 == 3) x[i] = -0f;
            if (i % 11 == 4) x[i] = 0.5f;
        }
        return x;
    }

    /** Channels {@code [first, first+count)} of NCHW values {@code [batch, channels, spatial]}. */
    private static float[] channels(float[] v, int batch, int channels, int spatial, int first, int count) {
        float[] out = new float[batch * count * spatial];
        for (int n = 0; n < batch; n++) System.arraycopy(v, (n * channels + first) * spatial, out, n * count * spatial, count * spatial);
        return out;
    }

    /** Every member's matrix of {@code layout}, dense and one after the other. */
    private static float[] members(MatrixLayout layout, float[] values) {
        int size = layout.rows() * layout.cols();
        float[] out = new float[layout.members() * size];
        for (int n = 0; n < layout.members(); n++) System.arraycopy(layout.member(values, n), 0, out, n * size, size);
        return out;
    }

    private static float[] block(float[] v, int member, int length) {
        return Arrays.copyOfRange(v, member * length, (member + 1) * length);
    }

    // ---- backend basics ----

    @Test
    void zerosAreZeroEvenInReusedMemoryAndCopiesAndSlicesMoveExactValues() {
        Backend b = backend();
        assertTrue(b.availableMemory() > 0, "memory for new tensors: " + b.availableMemory());
        float[] values = awkward(37, 1);
        values[0] = Float.NaN;
        try (Tensor dirty = b.upload("dirty", values, 37)) {
            assertBitwise(values, dirty.toArray(), "upload and read back");
        }
        try (Tensor zeros = b.zeros("zeros", 37); Tensor stacked = b.upload("stacked", gaussian(3 * 5, 2), 3, 5)) {
            assertBitwise(new float[37], zeros.toArray(), "zeros (+0.0) where a freed tensor was");
            float[] slice = awkward(5, 3);
            stacked.slice(1).copyFrom(slice);
            float[] expected = gaussian(15, 2);
            System.arraycopy(slice, 0, expected, 5, 5);
            assertBitwise(expected, stacked.toArray(), "copyFrom into a member's slice leaves the others");
            assertBitwise(slice, stacked.slice(1).toArray(), "a slice reads its member");
        }
        Outcome o = both((be, t) -> be.copy(t[0], t[1]), new Arg(awkward(37, 4), 37), new Arg(filled(37, Float.NaN), 37));
        assertBitwise(o.expected()[1], o.actual()[1], "copy");
    }

    @Test
    void theRecorderGathersConsecutiveBatchesAndReplaysOnlyBackendCalls() {
        Backend b = backend();
        int examples = 11, features = 3, batch = 3;
        int[] order = new KeyedRandom(1, "data", "conformance").permutation(examples);
        float[] images = gaussian(examples * features, 5), labels = new float[examples];
        for (int i = 0; i < examples; i++) labels[i] = i % 4;
        try (StepRecorder steps = b.stepRecorder(); Tensor im = b.upload("conformance.images", images, examples, features);
             Tensor lab = b.upload("conformance.labels", labels, examples); Tensor x = b.zeros("x", batch, features); Tensor y = b.zeros("y", batch)) {
            steps.useOrder(order, 2);
            steps.gatherNextBatch(im, lab, x, y);
            assertBatch(images, labels, order, 2, x, y, "first batch from the cursor");
            if (!steps.records()) {
                assertThrows(UnsupportedOperationException.class, () -> steps.record(() -> {}));
                steps.gatherNextBatch(im, lab, x, y);
                assertBatch(images, labels, order, 5, x, y, "second batch");
                return;
            }
            int[] javaRuns = {0};
            StepRecorder.Recording r = steps.record(() -> {
                javaRuns[0]++;
                steps.gatherNextBatch(im, lab, x, y);
            });
            assertBatch(images, labels, order, 5, x, y, "the recorded step ran once");
            r.replay();
            assertBatch(images, labels, order, 8, x, y, "a replay reads the next batch");
            assertEquals(1, javaRuns[0], "a replay runs the recorded backend calls, not the Java code that made them");
        }
    }

    private static void assertBatch(float[] images, float[] labels, int[] order, int from, Tensor x, Tensor y, String what) {
        int batch = x.dim(0), features = x.dim(1);
        float[] ex = new float[batch * features], ey = new float[batch];
        for (int r = 0; r < batch; r++) {
            System.arraycopy(images, order[from + r] * features, ex, r * features, features);
            ey[r] = labels[order[from + r]];
        }
        assertBitwise(ex, x.toArray(), what + ": rows");
        assertBitwise(ey, y.toArray(), what + ": labels");
    }

    // ---- dense ops ----

    private static final boolean[] BOTH = {false, true};
    /**
     * {m, n, k, scaled}: a single element, sizes below a vector, sizes just past powers of two, a wide one; products
     * with {@code alpha != 1, beta != 0} too where {@code scaled} is 1.
     */
    private static final int[][] GEMM_SHAPES = {{1, 1, 1, 0}, {5, 3, 7, 1}, {13, 17, 33, 1}, {7, 40, 2, 0}};

    @ParameterizedTest(name = "{0} member(s)")
    @ValueSource(ints = {1, 3})
    void gemmMatchesTheReferenceInEveryLayoutAndEachMemberMatchesItsProductAlone(int members) {
        long seed = 100;
        for (boolean ta : BOTH) for (boolean tb : BOTH) for (int[] shape : GEMM_SHAPES) for (Kind ka : Kind.values()) for (Kind kb : Kind.values()) {
            for (Kind kc : Kind.values()) {
                if (kc == Kind.SHARED && members > 1) continue; // members never share an output
                int m = shape[0], n = shape[1], k = shape[2];
                MatrixLayout a = new MatrixLayout(ka, members, ta ? k : m, ta ? m : k);
                MatrixLayout b = new MatrixLayout(kb, members, tb ? n : k, tb ? k : n);
                MatrixLayout c = new MatrixLayout(kc, members, m, n);
                for (float[] scalars : shape[3] == 1 ? new float[][] {{1f, 0f}, {0.5f, -0.75f}} : new float[][] {{1f, 0f}}) {
                    float alpha = scalars[0], beta = scalars[1];
                    String what = "gemm " + members + " members, op(A) " + (ta ? "A^T " : "A ") + ka + ", op(B) " + (tb ? "B^T " : "B ") + kb
                            + ", C " + kc + ", m=" + m + " n=" + n + " k=" + k + ", alpha " + alpha + " beta " + beta;
                    // beta == 0 must not read C: NaN there (and in the gaps between members, which must survive) shows it.
                    Arg av = new Arg(gaussian(a.size(), ++seed), a.shape()), bv = new Arg(gaussian(b.size(), ++seed), b.shape());
                    Arg cv = new Arg(beta == 0f ? filled(c.size(), Float.NaN) : gaussian(c.size(), ++seed), c.shape());
                    Op op = (be, t) -> be.gemm(members, ta, tb, alpha, a.on(t[0]), b.on(t[1]), beta, c.on(t[2]));
                    Op magnitudeOp = (be, t) -> be.gemm(members, ta, tb, Math.abs(alpha), a.on(t[0]), b.on(t[1]), Math.abs(beta), c.on(t[2]));
                    Outcome o = both(op, av, bv, cv);
                    float[] bound = magnitudes(magnitudeOp, av, bv, cv)[2];
                    assertWithin(o.expected()[2], bound, o.actual()[2], tolerances().products(), what);
                    assertBitwise(av.values(), o.actual()[0], what + ": A untouched");
                    assertBitwise(bv.values(), o.actual()[1], what + ": B untouched");
                    if (members == 1) continue;
                    // Each member's own matrices, dense and one after the other; each product alone reads its slices.
                    Arg[] own = {new Arg(members(a, av.values()), members, a.rows(), a.cols()), new Arg(members(b, bv.values()), members, b.rows(), b.cols()),
                            new Arg(members(c, cv.values()), members, m, n)};
                    float[] alone = run(backend(), (be, t) -> {
                        for (int i = 0; i < members; i++) be.gemm(ta, tb, alpha, t[0].slice(i), t[1].slice(i), beta, t[2].slice(i));
                    }, own)[2];
                    for (int member = 0; member < members; member++) {
                        assertMemberAlone(c.member(o.actual()[2], member), block(alone, member, m * n), c.member(bound, member), tolerances().products(),
                                what + ", member " + member + " against its product alone");
                    }
                }
            }
        }
    }

    @Test
    void operandsThatDoNotFitAreRefusedAlike() {
        Backend b = backend();
        try (Tensor a = b.zeros("a", 2, 3, 4); Tensor w = b.zeros("w", 2, 5, 4); Tensor c = b.zeros("c", 3, 10)) {
            MatrixBatch in = MatrixBatch.stacked(a, 3, 4), weights = MatrixBatch.stacked(w, 5, 4), out = MatrixBatch.columnBlocks(c, 2, 5);
            b.gemm(2, false, true, 1f, in, weights, 0f, out); // fits
            assertThrows(IllegalArgumentException.class, () -> b.gemm(3, false, true, 1f, in, weights, 0f, out), "a third member reaches past");
            assertThrows(IllegalArgumentException.class, () -> b.gemm(2, false, false, 1f, in, weights, 0f, out), "inner sizes differ");
            MatrixBatch sharedOut = new MatrixBatch(c, 0, 3, 5, 10, 0);
            assertThrows(IllegalArgumentException.class, () -> b.gemm(2, false, true, 1f, in, weights, 0f, sharedOut), "members sharing an output");
        }
        try (Tensor x = b.zeros("x", 2, 3, 5, 5); Tensor w = b.zeros("w", 4, 3, 3, 3); Tensor y = b.zeros("y", 2, 4, 5, 4)) {
            assertThrows(IllegalArgumentException.class, () -> b.conv2d(x, w, null, y, new ConvGeometry(2, 3, 5, 5, 4, 3, 1, 1)), "output too small");
        }
    }

    @ParameterizedTest(name = "{0} member(s)")
    @ValueSource(ints = {1, 3})
    void biasesAndTheirGradientsAreExact(int members) {
        // 1000 x 37 is large enough for a backend to split the rows over its threads.
        for (int[] size : new int[][] {{1, 1}, {5, 7}, {9, 37}, {1000, 37}}) {
            int rows = size[0], f = size[1], width = members * f;
            String what = members + " members, " + rows + "x" + f;
            Arg y = new Arg(awkward(rows * width, 7 + f), rows, width), bias = new Arg(gaussian(width, 8 + f), members, f);
            Outcome add = both((b, t) -> b.addBias(t[0], t[1]), y, bias);
            assertBitwise(add.expected()[0], add.actual()[0], "addBias " + what);
            Outcome fused = both((b, t) -> b.addBiasRelu(t[0], t[1]), y, bias);
            assertBitwise(fused.expected()[0], fused.actual()[0], "addBiasRelu " + what);
            Outcome sums = both((b, t) -> b.sumRows(t[0], t[1]), y, new Arg(filled(width, Float.NaN), width));
            assertBitwise(sums.expected()[1], sums.actual()[1], "sumRows (in row order) " + what);
        }
    }

    @ParameterizedTest(name = "{0} member(s)")
    @ValueSource(ints = {1, 3})
    void elementWiseOpsAreExact(int members) {
        for (int length : new int[] {1, 7, 37, 1031}) {
            int n = members * length;
            Outcome o = both((b, t) -> {
                b.relu(t[0]);
                b.reluBackward(t[0], t[1]);
                b.multiply(t[1], t[2]);
                b.add(t[2], t[3]);
            }, new Arg(awkward(n, 11), n), new Arg(awkward(n, 12), n), new Arg(gaussian(n, 13), n), new Arg(awkward(n, 14), n));
            String what = " over " + n + " values";
            assertBitwise(o.expected()[0], o.actual()[0], "relu" + what);
            assertBitwise(o.expected()[1], o.actual()[1], "relu backward then multiply" + what);
            assertBitwise(o.expected()[2], o.actual()[2], "add" + what);
        }
    }

    @ParameterizedTest(name = "{0} member(s)")
    @ValueSource(ints = {1, 3})
    void softmaxCrossEntropyOfEachMemberMatchesTheReferenceAndTheMemberAlone(int members) {
        for (boolean ownLabels : new boolean[] {false, true}) {
            if (ownLabels && members == 1) continue; // the one member's own labels are the shared ones
            for (int rows : new int[] {1, 7, 131, 4001}) { // 4001 x 10: enough rows for a backend to split them over its threads
                for (int classes : new int[] {3, 10}) softmaxCase(members, ownLabels, rows, classes);
            }
        }
    }

    /**
     * One softmax case: labels shared by the members ({@code [rows]}), or each member's own ({@code [rows, members]},
     * member n's label of row r at {@code r * members + n}, as members trained on their own mini-batches have them).
     */
    private void softmaxCase(int members, boolean ownLabels, int rows, int classes) {
        int width = members * classes;
        float[] logits = gaussian(rows * width, rows + classes);
        int labelsPerRow = ownLabels ? members : 1;
        float[] labels = new float[rows * labelsPerRow];
        for (int r = 0; r < rows; r++) {
            for (int n = 0; n < labelsPerRow; n++) labels[r * labelsPerRow + n] = (r * 7 + 3 + 5 * n) % classes;
            if (r % 4 == 0) { // a tie for the largest logit: the first one is the prediction
                for (int n = 0; n < members; n++) {
                    logits[r * width + n * classes] = 9f;
                    logits[r * width + n * classes + classes - 1] = 9f;
                }
            }
        }
        float[] stats = new float[2 * members];
        for (int n = 0; n < members; n++) {
            stats[2 * n] = 0.5f; // accumulated into
            stats[2 * n + 1] = 2f;
        }
        Arg l = new Arg(logits, rows, width), y = new Arg(labels, rows, labelsPerRow), g = new Arg(filled(rows * width, Float.NaN), rows, width);
        Arg s = new Arg(stats, members, 2);
        String what = "softmax " + members + " members, " + rows + " rows of " + classes + " classes"
                + (ownLabels ? ", each member's own labels" : "");
        Outcome o = both((b, t) -> b.softmaxCrossEntropy(t[0], members, t[1], t[2], t[3]), l, y, g, s);
        assertGradient(o.expected()[2], o.actual()[2], what);
        assertStats(o.expected()[3], o.actual()[3], what);
        Outcome onlyStats = both((b, t) -> b.softmaxCrossEntropy(t[0], members, t[1], null, t[3]), l, y, g, s);
        assertBitwise(g.values(), onlyStats.actual()[2], what + ": no gradient asked, none written");
        assertStats(onlyStats.expected()[3], onlyStats.actual()[3], what + " without gradient");
        Outcome onlyGradient = both((b, t) -> b.softmaxCrossEntropy(t[0], members, t[1], t[2], null), l, y, g, s);
        assertGradient(onlyGradient.expected()[2], onlyGradient.actual()[2], what + " without statistics");
        for (int n = 0; n < members; n++) {
            float[][] alone = run(backend(), (b, t) -> b.softmaxCrossEntropy(t[0], t[1], t[2], t[3]),
                    new Arg(channels(logits, rows, members, classes, n, 1), rows, classes),
                    new Arg(channels(labels, rows, labelsPerRow, 1, ownLabels ? n : 0, 1), rows),
                    new Arg(filled(rows * classes, Float.NaN), rows, classes),
                    new Arg(block(stats, n, 2), 2));
            // Each (row, member) is computed on its own, so its gradient is the member's alone to the bit.
            assertBitwise(alone[2], channels(o.actual()[2], rows, members, classes, n, 1), what + ", member " + n + "'s gradient alone");
            float[] together = block(o.actual()[3], n, 2);
            if (tolerances().membersBitwise()) assertBitwise(alone[3], together, what + ", member " + n + "'s statistics alone");
            else assertStats(alone[3], together, what + ", member " + n + "'s statistics alone");
        }
    }

    private static void assertGradient(float[] expected, float[] actual, String what) {
        float[] bound = new float[expected.length];
        for (int i = 0; i < bound.length; i++) bound[i] = Math.abs(expected[i]) + 1e-3f;
        assertWithin(expected, bound, actual, 1e-6f, what + ": gradient");
    }

    /** Summed losses within {@link #SOFTMAX_STATS}, counts of correct predictions exact. */
    private static void assertStats(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length);
        for (int n = 0; n < expected.length; n += 2) {
            assertRelative(new float[] {expected[n]}, new float[] {actual[n]}, SOFTMAX_STATS, what + ": member " + n / 2 + "'s summed loss");
            assertEquals(expected[n + 1], actual[n + 1], what + ": member " + n / 2 + "'s correct predictions");
        }
    }

    @ParameterizedTest(name = "{0} member(s)")
    @ValueSource(ints = {1, 3})
    void sgdUpdatesEveryMemberExactlyAndMaskedWeightsStayPositiveZero(int members) {
        int length = 37, n = members * length;
        float[] mask = new float[n];
        for (int i = 0; i < n; i++) mask[i] = i % 3 == 0 ? 0f : 1f;
        Arg w = new Arg(gaussian(n, 21), members, length), grad = new Arg(awkward(n, 22), members, length);
        Arg m = new Arg(mask, members, length), velocity = new Arg(gaussian(n, 23), members, length);
        for (boolean masked : BOTH) {
            for (boolean momentum : BOTH) {
                for (float decay : new float[] {0f, 1e-3f}) {
                    String what = "sgd " + members + " members" + (masked ? ", masked" : "") + (momentum ? ", momentum" : "") + ", decay " + decay;
                    Outcome o = both((b, t) -> b.sgdStep(t[0], t[1], masked ? t[2] : null, momentum ? t[3] : null, 0.05f, 0.9f, decay), w, grad, m, velocity);
                    assertBitwise(o.expected()[0], o.actual()[0], what + ": weights");
                    assertBitwise(o.expected()[3], o.actual()[3], what + ": velocity");
                    for (int i = 0; masked && i < n; i++) {
                        if (mask[i] != 0f) continue;
                        assertEquals(0, Float.floatToRawIntBits(o.actual()[0][i]), what + ": masked weight " + i + " is +0.0");
                        if (momentum) assertEquals(0, Float.floatToRawIntBits(o.actual()[3][i]), what + ": masked velocity " + i + " is +0.0");
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} member(s)")
    @ValueSource(ints = {1, 3})
    void dropoutMasksAreExactAndEachMemberDrawsTheMaskItDrawsAlone(int members) {
        // [batch, members * E] with E values per example and member, including an NCHW activation.
        List<int[]> shapes = List.of(new int[] {5, members * 7}, new int[] {3, members * 2, 3, 1}, new int[] {1, members});
        for (int[] shape : shapes) {
            int batch = shape[0], size = Arrays.stream(shape).reduce(1, (x, y) -> x * y), perMember = size / batch / members;
            for (float rate : new float[] {0f, 0.3f}) {
                KeyedRandom rng = new KeyedRandom(11, "drop", "dropout/iter-" + size);
                String what = "dropout " + Arrays.toString(shape) + " rate " + rate;
                Outcome o = both((b, t) -> b.dropoutMask(t[0], members, rng, rate), new Arg(filled(size, Float.NaN), shape));
                assertBitwise(o.expected()[0], o.actual()[0], what);
                float[] alone = run(backend(), (b, t) -> b.dropoutMask(t[0], 1, rng, rate), new Arg(filled(batch * perMember, Float.NaN), batch, perMember))[0];
                for (int n = 0; n < members; n++) {
                    assertBitwise(alone, channels(o.actual()[0], batch, members, perMember, n, 1), what + ": member " + n + " draws the mask alone");
                }
            }
        }
    }

    // ---- convolution ops ----

    /** Single-network geometries: strided and padded, a 5x5 SAME kernel, 1x1 kernels, a kernel as large as the input. */
    private static final ConvGeometry[] CONVOLUTIONS = {
            new ConvGeometry(2, 3, 7, 5, 4, 3, 2, 1), new ConvGeometry(1, 1, 5, 5, 2, 5, 1, 2),
            new ConvGeometry(3, 2, 6, 9, 3, 1, 1, 0), new ConvGeometry(2, 5, 4, 4, 3, 4, 3, 0)};

    @ParameterizedTest(name = "{0} member(s)")
    @ValueSource(ints = {1, 3})
    void convolutionsOfGroupedMembersAndOfASharedInputMatchTheReferenceAndEachMemberAlone(int members) {
        long seed = 90;
        for (ConvGeometry one : CONVOLUTIONS) {
            // Members as groups (their own input channels), and the first layer's shared input with members*K filters.
            ConvGeometry grouped = new ConvGeometry(one.batch(), members * one.channels(), one.height(), one.width(), members * one.filters(),
                    one.kernel(), one.stride(), one.pad(), members);
            ConvGeometry shared = new ConvGeometry(one.batch(), one.channels(), one.height(), one.width(), members * one.filters(),
                    one.kernel(), one.stride(), one.pad(), 1);
            for (ConvGeometry g : members == 1 ? List.of(one) : List.of(grouped, shared)) {
                Arg[] args = convolutionArgs(g, seed += 10);
                Convolved together = checkConvolution(g, true, args);
                for (int n = 0; n < members && members > 1; n++) checkMemberAlone(g, one, n, args, together);
            }
        }
        ConvGeometry plain = CONVOLUTIONS[0];
        checkConvolution(plain, false, convolutionArgs(plain, 7));
    }

    @Test
    void aConvolutionWithItsReluFusedIsTheConvolutionThenTheRelu() {
        long seed = 60;
        for (ConvGeometry g : CONVOLUTIONS) {
            Arg[] args = convolutionArgs(g, seed += 10);
            float[] fused = run(backend(), (b, t) -> b.conv2dRelu(t[0], t[1], t[2], t[3], g), args)[3];
            float[] apart = run(backend(), (b, t) -> {
                b.conv2d(t[0], t[1], t[2], t[3], g);
                b.relu(t[3]);
            }, args)[3];
            assertBitwise(apart, fused, "convolution " + g + " with its ReLU fused");
        }
    }

    /** Arguments of a forward and both backward passes: x, w, bias, y, dy, dx, dw, dbias (outputs start as NaN). */
    private static Arg[] convolutionArgs(ConvGeometry g, long seed) {
        int in = (int) g.inputSize(), out = (int) g.outputSize(), filters = (int) g.filterSize();
        return new Arg[] {new Arg(gaussian(in, seed), in), new Arg(gaussian(filters, seed + 1), filters), new Arg(gaussian(g.filters(), seed + 2), g.filters()),
                new Arg(filled(out, Float.NaN), out), new Arg(gaussian(out, seed + 3), out), new Arg(filled(in, Float.NaN), in),
                new Arg(filled(filters, Float.NaN), filters), new Arg(filled(g.filters(), Float.NaN), g.filters())};
    }

    private static Op convolutionPasses(ConvGeometry g, boolean bias) {
        return (b, t) -> {
            b.conv2d(t[0], t[1], bias ? t[2] : null, t[3], g);
            b.conv2dBackwardData(t[4], t[1], t[5], g);
            b.conv2dBackwardFilter(t[0], t[4], t[6], bias ? t[7] : null, g);
        };
    }

    /** The backend's values of the convolution arguments after the three passes, and each element's sum of |terms|. */
    private record Convolved(float[][] actual, float[][] bound) {}

    private Convolved checkConvolution(ConvGeometry g, boolean bias, Arg[] args) {
        String what = "convolution " + g + (bias ? "" : " without bias");
        Outcome o = both(convolutionPasses(g, bias), args);
        float[][] bound = magnitudes(convolutionPasses(g, bias), args);
        float tolerance = tolerances().convolutions();
        assertWithin(o.expected()[3], bound[3], o.actual()[3], tolerance, what + ": forward");
        assertWithin(o.expected()[5], bound[5], o.actual()[5], tolerance, what + ": backward data");
        assertWithin(o.expected()[6], bound[6], o.actual()[6], tolerance, what + ": backward filter");
        if (bias) assertWithin(o.expected()[7], bound[7], o.actual()[7], tolerance, what + ": bias gradient");
        else assertBitwise(args[7].values(), o.actual()[7], what + ": no bias gradient asked, none written");
        return new Convolved(o.actual(), bound);
    }

    /**
     * Member {@code n} of {@code g} (members as groups, or all reading one shared input) against {@code one}, the
     * member's convolution alone on its own channels and filters.
     */
    private void checkMemberAlone(ConvGeometry g, ConvGeometry one, int n, Arg[] args, Convolved together) {
        boolean sharedInput = g.groups() == 1;
        int batch = g.batch(), spatialIn = g.height() * g.width(), spatialOut = g.outHeight() * g.outWidth();
        int c = one.channels(), k = one.filters(), filterSize = (int) one.filterSize();
        Arg[] own = convolutionArgs(one, 0);
        float[] x = sharedInput ? args[0].values() : channels(args[0].values(), batch, g.channels(), spatialIn, n * c, c);
        own[0] = new Arg(x, x.length);
        own[1] = new Arg(block(args[1].values(), n, filterSize), filterSize);
        own[2] = new Arg(block(args[2].values(), n, k), k);
        own[4] = new Arg(channels(args[4].values(), batch, g.filters(), spatialOut, n * k, k), (int) one.outputSize());
        float[][] alone = run(backend(), convolutionPasses(one, true), own);
        String what = "convolution " + g + ", member " + n + " against its convolution alone";
        float tolerance = tolerances().convolutions();
        float[][] mine = together.actual(), bound = together.bound();
        assertMemberAlone(channels(mine[3], batch, g.filters(), spatialOut, n * k, k), alone[3],
                channels(bound[3], batch, g.filters(), spatialOut, n * k, k), tolerance, what + ": forward");
        assertMemberAlone(block(mine[6], n, filterSize), alone[6], block(bound[6], n, filterSize), tolerance, what + ": backward filter");
        assertMemberAlone(block(mine[7], n, k), alone[7], block(bound[7], n, k), tolerance, what + ": bias gradient");
        if (sharedInput) return; // the shared input's gradient sums over all members
        assertMemberAlone(channels(mine[5], batch, g.channels(), spatialIn, n * c, c), alone[5],
                channels(bound[5], batch, g.channels(), spatialIn, n * c, c), tolerance, what + ": backward data");
    }

    @ParameterizedTest(name = "{0} member(s)")
    @ValueSource(ints = {1, 3})
    void maxPoolingRoutesToTheFirstMaximumExactly(int members) {
        // 2 x 2 at stride 2 as the presets pool (28 x 28, 10 x 10), rows wider than one and two vectors of windows at
        // 16 lanes, odd sizes that leave a row and a column out; then other windows and strides.
        List<PoolGeometry> pools = List.of(new PoolGeometry(2, members * 2, 28, 28, 2, 2), new PoolGeometry(1, members * 3, 10, 10, 2, 2),
                new PoolGeometry(2, members, 7, 37, 2, 2), new PoolGeometry(1, members, 4, 69, 2, 2), new PoolGeometry(1, members * 2, 5, 5, 2, 2),
                new PoolGeometry(2, members * 3, 7, 6, 3, 2), new PoolGeometry(2, members, 4, 9, 3, 1), new PoolGeometry(1, members, 3, 3, 3, 3),
                new PoolGeometry(2, members * 2, 4, 5, 2, 1));
        float[] special = {0f, -0f, Float.NaN, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY};
        for (PoolGeometry g : pools) {
            float[] x = gaussian((int) g.inputSize(), g.hashCode());
            for (int i = 0; i < x.length; i++) x[i] = Math.round(x[i] * 2) / 2f; // many ties inside windows
            for (int i = 0; i < x.length; i += 7) x[i] = special[(i / 7) % special.length]; // signed zeros, NaN, infinities
            int in = (int) g.inputSize(), out = (int) g.outputSize();
            float[] dy = gaussian(out, 31);
            for (int i = 0; i < out; i += 5) dy[i] = -0f; // routed as 0 + dy: +0
            Outcome o = both((b, t) -> {
                b.maxPool(t[0], t[1], g);
                b.maxPoolBackward(t[0], t[1], t[2], t[3], g);
            }, new Arg(x, in), new Arg(filled(out, Float.NaN), out), new Arg(dy, out), new Arg(filled(in, Float.NaN), in));
            assertBitwise(o.expected()[1], o.actual()[1], "max pool " + g);
            assertBitwise(o.expected()[3], o.actual()[3], "max pool backward " + g);
        }
    }

    @ParameterizedTest(name = "{0} member(s)")
    @ValueSource(ints = {1, 3})
    void batchNormalizationOfEveryMembersChannelsMatchesTheReferenceAndTheMemberAlone(int members) {
        for (int[] base : new int[][] {{4, 3, 5}, {7, 2, 1}, {2, 1, 9}}) {
            int batch = base[0], c = base[1], spatial = base[2];
            ChannelGeometry g = new ChannelGeometry(batch, members * c, spatial);
            Arg[] args = batchNormArgs(g, 40 + c);
            Outcome o = both(batchNormPasses(g), args);
            String[] names = batchNormNames();
            for (int i = 3; i < names.length; i++) assertRelative(o.expected()[i], o.actual()[i], BATCH_NORM, "batch norm " + g + ": " + names[i]);
            if (members == 1) continue;
            ChannelGeometry one = new ChannelGeometry(batch, c, spatial);
            for (int n = 0; n < members; n++) {
                Arg[] own = new Arg[args.length];
                for (int i = 0; i < args.length; i++) {
                    float[] v = args[i].values();
                    own[i] = BATCH_NORM_ACTIVATIONS.contains(i) ? new Arg(channels(v, batch, g.channels(), spatial, n * c, c), (int) one.size())
                            : new Arg(block(v, n, c), c);
                }
                float[][] alone = run(backend(), batchNormPasses(one), own);
                for (int i = 3; i < names.length; i++) {
                    float[] mine = BATCH_NORM_ACTIVATIONS.contains(i) ? channels(o.actual()[i], batch, g.channels(), spatial, n * c, c)
                            : block(o.actual()[i], n, c);
                    float[] bound = new float[mine.length];
                    for (int j = 0; j < bound.length; j++) bound[j] = Math.max(1f, Math.abs(alone[i][j]));
                    assertMemberAlone(mine, alone[i], bound, BATCH_NORM, "batch norm " + g + ", member " + n + " alone: " + names[i]);
                }
            }
        }
    }

    @Test
    void aBatchNormWithItsReluFusedIsTheBatchNormThenTheRelu() {
        // The last geometry's channels are long enough to split over threads and to leave a tail after the vectors.
        for (ChannelGeometry g : List.of(new ChannelGeometry(4, 3, 5), new ChannelGeometry(7, 2, 1), new ChannelGeometry(3, 5, 1031))) {
            Arg[] args = batchNormArgs(g, 70 + g.spatial());
            float[][] fused = run(backend(), (b, t) -> {
                b.batchNormReluTraining(t[0], t[1], t[2], t[3], t[4], 0.1f, 1e-5f, t[5], t[6], t[7], g);
                b.batchNormReluInference(t[0], t[1], t[2], t[3], t[4], 1e-5f, t[8], g);
            }, args);
            float[][] apart = run(backend(), (b, t) -> {
                b.batchNormTraining(t[0], t[1], t[2], t[3], t[4], 0.1f, 1e-5f, t[5], t[6], t[7], g);
                b.relu(t[7]);
                b.batchNormInference(t[0], t[1], t[2], t[3], t[4], 1e-5f, t[8], g);
                b.relu(t[8]);
            }, args);
            String[] names = batchNormNames();
            for (int i = 0; i < names.length; i++) assertBitwise(apart[i], fused[i], "batch norm " + g + " with its ReLU fused: " + names[i]);
            assertTrue(count(fused[7], 0f) > 0 && count(fused[7], 0f) < fused[7].length, "the ReLU cuts some outputs and keeps others");
        }
    }

    @ParameterizedTest(name = "{0} member(s)")
    @ValueSource(ints = {1, 3})
    void aResidualSumWithItsReluIsTheSumThenTheRelu(int members) {
        // 40,009 values: long enough to split over threads, and not a multiple of any vector.
        for (int length : new int[] {1, 7, 1031, 40_009}) {
            int n = members * length;
            Arg a = new Arg(awkward(n, 21), n), b = new Arg(awkward(n, 22), n), y = new Arg(filled(n, Float.NaN), n);
            Outcome fused = both((be, t) -> be.addRelu(t[0], t[1], t[2]), a, b, y);
            assertBitwise(fused.expected()[2], fused.actual()[2], "addRelu over " + n + " values");
            float[] apart = run(backend(), (be, t) -> {
                be.copy(t[0], t[2]);
                be.add(t[2], t[1]);
                be.relu(t[2]);
            }, a, b, y)[2];
            assertBitwise(apart, fused.actual()[2], "addRelu against copy, add and relu over " + n + " values");
        }
    }

    private static int count(float[] values, float value) {
        int n = 0;
        for (float v : values) if (v == value) n++;
        return n;
    }

    private static String[] batchNormNames() {
        return new String[] {"x", "gamma", "beta", "running mean", "running variance", "saved mean", "saved inverse std", "training output",
                "inference output", "dy", "dx", "dgamma", "dbeta"};
    }

    /** Which of {@link #batchNormArgs} are activations {@code [batch, channels, spatial]}; the rest hold one value per channel. */
    private static final Set<Integer> BATCH_NORM_ACTIVATIONS = Set.of(0, 7, 8, 9, 10);

    /** x, gamma, beta, running mean and variance, saved mean and inverse std, y, evaluation y, dy, dx, dgamma, dbeta. */
    private static Arg[] batchNormArgs(ChannelGeometry g, long seed) {
        int c = g.channels(), n = (int) g.size();
        float[] x = gaussian(n, seed), gamma = gaussian(c, seed + 1), variance = gaussian(c, seed + 2);
        for (int i = 0; i < n; i++) x[i] += 1.5f;
        for (int i = 0; i < c; i++) {
            gamma[i] += 1f;
            variance[i] = Math.abs(variance[i]) + 0.5f;
        }
        return new Arg[] {new Arg(x, n), new Arg(gamma, c), new Arg(gaussian(c, seed + 3), c), new Arg(gaussian(c, seed + 4), c), new Arg(variance, c),
                new Arg(filled(c, Float.NaN), c), new Arg(filled(c, Float.NaN), c), new Arg(filled(n, Float.NaN), n), new Arg(filled(n, Float.NaN), n),
                new Arg(gaussian(n, seed + 5), n), new Arg(filled(n, Float.NaN), n), new Arg(filled(c, Float.NaN), c), new Arg(filled(c, Float.NaN), c)};
    }

    private static Op batchNormPasses(ChannelGeometry g) {
        return (b, t) -> {
            b.batchNormTraining(t[0], t[1], t[2], t[3], t[4], 0.1f, 1e-5f, t[5], t[6], t[7], g);
            b.batchNormInference(t[0], t[1], t[2], t[3], t[4], 1e-5f, t[8], g);
            b.batchNormBackward(t[0], t[9], t[1], t[5], t[6], t[10], t[11], t[12], g);
        };
    }

    @ParameterizedTest(name = "{0} member(s)")
    @ValueSource(ints = {1, 3})
    void globalAveragePoolingMatchesTheReference(int members) {
        for (ChannelGeometry g : List.of(new ChannelGeometry(3, members * 4, 7), new ChannelGeometry(2, members, 1), new ChannelGeometry(1, members * 2, 64))) {
            int in = (int) g.size(), out = g.batch() * g.channels();
            Outcome o = both((b, t) -> {
                b.globalAvgPool(t[0], t[1], g);
                b.globalAvgPoolBackward(t[2], t[3], g);
            }, new Arg(gaussian(in, 51), in), new Arg(filled(out, Float.NaN), out), new Arg(gaussian(out, 52), out), new Arg(filled(in, Float.NaN), in));
            assertRelative(o.expected()[1], o.actual()[1], AVERAGE, "global average pool " + g);
            assertBitwise(o.expected()[3], o.actual()[3], "global average pool backward (dy / spatial) " + g);
        }
    }

    // ---- pruning ops, on member slices ----

    /** Weights {@code [members, 5, 7]} and {@code [members, 11]} with many equal magnitudes, their masks, and a target. */
    private static Arg[] pruningArgs(int members) {
        SplittableRandom r = new SplittableRandom(61);
        float[] w1 = new float[members * 35], m1 = new float[members * 35], w2 = new float[members * 11], m2 = new float[members * 11];
        for (float[][] pair : new float[][][] {{w1, m1}, {w2, m2}}) {
            for (int i = 0; i < pair[0].length; i++) {
                pair[0][i] = (r.nextInt(9) - 4) * 0.25f; // |w| in {0, 0.25, ..., 1}: ties everywhere, some exact zeros
                if (i % 13 == 5) pair[0][i] = -0f;
                pair[1][i] = r.nextInt(5) == 0 ? 0f : 1f;
                if (pair[1][i] == 0f && i % 3 != 0) pair[0][i] = 0f; // most masked weights zero; the rest break the invariant
            }
        }
        return new Arg[] {new Arg(w1, members, 5, 7), new Arg(m1, members, 5, 7), new Arg(w2, members, 11), new Arg(m2, members, 11),
                new Arg(new float[members * 35], members, 5, 7)};
    }

    private static long nonZero(float[] v, int member, int length) {
        long n = 0;
        for (int i = member * length; i < (member + 1) * length; i++) if (v[i] != 0f) n++;
        return n;
    }

    @ParameterizedTest(name = "{0} member(s)")
    @ValueSource(ints = {1, 3})
    void pruningOpsOnAMembersSlicesMatchTheReferenceAndLeaveTheOtherMembers(int members) {
        Arg[] args = pruningArgs(members);
        for (int member : members == 1 ? new int[] {0} : new int[] {0, members - 1}) {
            String what = members + " members, member " + member;
            for (Count c : List.<Count>of((b, t) -> b.countNonZero(t[1].slice(member)), (b, t) -> b.countNonZero(t[0]),
                    (b, t) -> b.countMaskViolations(t[0].slice(member), t[1].slice(member)))) {
                assertEquals(count(reference, c, args), count(backend(), c, args), what + ": a count");
            }
            Outcome masked = both((b, t) -> b.applyMask(t[0].slice(member), t[1].slice(member)), args);
            assertBitwise(masked.expected()[0], masked.actual()[0], what + ": applyMask");
            long alive = nonZero(args[1].values(), member, 35), aliveBoth = alive + nonZero(args[3].values(), member, 11);
            for (long count : new long[] {0, 1, 7, alive}) {
                Outcome o = both((b, t) -> b.pruneSmallestMagnitude(t[0].slice(member), t[1].slice(member), count), args);
                assertBitwise(o.expected()[1], o.actual()[1], what + ": prune " + count + " by magnitude (ties by index)");
                assertBitwise(args[0].values(), o.actual()[0], what + ": pruning leaves the weights");
            }
            for (long count : new long[] {1, 13, aliveBoth}) {
                Outcome o = both((b, t) -> b.pruneSmallestMagnitudeGlobal(List.of(t[0].slice(member), t[2].slice(member)),
                        List.of(t[1].slice(member), t[3].slice(member)), count), args);
                assertBitwise(o.expected()[1], o.actual()[1], what + ": global prune " + count + ", first layer's mask");
                assertBitwise(o.expected()[3], o.actual()[3], what + ": global prune " + count + ", second layer's mask");
            }
            int[] permutation = new KeyedRandom(member, "mask", "rearrange").permutation(35);
            Outcome p = both((b, t) -> b.permute(t[1].slice(member), permutation, t[4].slice(member)), args);
            assertBitwise(p.expected()[4], p.actual()[4], what + ": permute");
        }
    }

    @ParameterizedTest(name = "{0} member(s)")
    @ValueSource(ints = {1, 3})
    void initialDrawsIntoAMembersSliceAreTheHostsBits(int members) {
        List<Initializer> inits = List.of(new Initializer.TruncatedNormal(0.1), new Initializer.Normal(0.3), new Initializer.XavierNormal(true),
                new Initializer.XavierNormal(false), new Initializer.XavierUniform(), new Initializer.Zeros(), new Initializer.Ones());
        for (Initializer init : inits) {
            int member = members - 1;
            KeyedRandom rng = new KeyedRandom(7, "conv1.weight", "member-" + member);
            Outcome o = both((b, t) -> b.fillRandom(t[0].slice(member), init, 5 * 9, 4 * 9, rng), new Arg(awkward(members * 37, 71), members, 37));
            assertBitwise(o.expected()[0], o.actual()[0], init.canonical() + " into member " + member + " of " + members);
        }
    }

    // ---- data ops ----

    @Test
    void gathersAndAugmentationAreExact() {
        int examples = 11, features = 5, from = 3, count = 6;
        int[] order = new KeyedRandom(3, "data", "shuffle/epoch-0").permutation(examples);
        Outcome rows = both((b, t) -> b.gatherRows(t[0], order, from, count, t[1]), new Arg(gaussian(examples * features, 81), examples, features),
                new Arg(filled(count * features, Float.NaN), count, features));
        assertBitwise(rows.expected()[1], rows.actual()[1], "gatherRows");
        // A batch large enough (400 x 100 values) for a backend to split the copy over its threads.
        int[] longOrder = new KeyedRandom(3, "data", "shuffle/epoch-1").permutation(700);
        Outcome manyRows = both((b, t) -> b.gatherRows(t[0], longOrder, 250, 400, t[1]), new Arg(gaussian(700 * 100, 83), 700, 100),
                new Arg(filled(400 * 100, Float.NaN), 400, 100));
        assertBitwise(manyRows.expected()[1], manyRows.actual()[1], "gatherRows of 400 rows");
        Outcome labels = both((b, t) -> b.gather(t[0], order, from, count, t[1]), new Arg(gaussian(examples, 82), examples),
                new Arg(filled(count, Float.NaN), count));
        assertBitwise(labels.expected()[1], labels.actual()[1], "gather");

        int batch = 4, channels = 2, height = 5, width = 7, size = batch * channels * height * width;
        int[] shiftY = {0, -4, 3, 6}, shiftX = {-1, 4, -6, 0};
        boolean[] flip = {true, false, true, false};
        Outcome shifted = both((b, t) -> b.shiftAndFlip(t[0], t[1], channels, height, width, shiftY, shiftX, flip),
                new Arg(gaussian(size, 83), batch, channels, height, width), new Arg(filled(size, Float.NaN), batch, channels, height, width));
        assertBitwise(shifted.expected()[1], shifted.actual()[1], "shiftAndFlip");
        assertFalse(Arrays.equals(shifted.actual()[0], shifted.actual()[1]), "the draws moved something");
    }
}
