package dev.lottery.nn.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.lottery.nn.backend.ConvGeometry;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The CPU convolution gives each member of a population exactly the bits it gets alone: a grouped convolution's
 * groups, and a shared input's blocks of filters, against the same convolution computed for one member, forward,
 * data gradient and filter (and bias) gradient, bit for bit. The geometries cover the direct kernels (stride 1, with
 * filter and channel counts that do not fill their register tiles, and strided over phase planes), Winograd (3x3 over
 * 32 channels or more, its filter gradient from 16) and im2col + GEMM (1x1 stride 2). Also: a filter's outputs do not
 * depend on its neighbours' weights being zero (the direct and Winograd kernels skip steps where a whole tile's
 * weights are zero).
 */
class ConvolutionGroupsTest {
    /** Two threads, so image groups run on the crew. */
    private static final GemmWorkers WORKERS = new GemmWorkers(2);

    @AfterAll
    static void stopCrew() {
        WORKERS.close();
    }

    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    private static final int MEMBERS = 3;

    /** One convolution's results: y, dx, dw, db. */
    private record Results(float[] y, float[] dx, float[] dw, float[] db) {}

    private static Results run(ConvGeometry g, float[] x, float[] w, float[] b, float[] dy) {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment xs = arena.allocateFrom(F, x), ws = arena.allocateFrom(F, w), bs = arena.allocateFrom(F, b);
            MemorySegment dys = arena.allocateFrom(F, dy);
            MemorySegment y = arena.allocate(g.outputSize() * Float.BYTES), dx = arena.allocate(g.inputSize() * Float.BYTES);
            MemorySegment dw = arena.allocate(g.filterSize() * Float.BYTES), db = arena.allocate((long) g.filters() * Float.BYTES);
            CpuConvolution.forward(WORKERS, xs, ws, bs, y, g, false);
            CpuConvolution.backwardData(WORKERS, dys, ws, dx, g);
            CpuConvolution.backwardFilter(WORKERS, xs, dys, dw, db, g);
            return new Results(y.toArray(F), dx.toArray(F), dw.toArray(F), db.toArray(F));
        }
    }

    /** Planes {@code [from, from + count)} of each image of an NCHW array with {@code channels} planes of {@code plane}. */
    private static float[] planes(float[] a, int batch, int channels, int plane, int from, int count) {
        float[] out = new float[batch * count * plane];
        for (int n = 0; n < batch; n++) {
            System.arraycopy(a, (n * channels + from) * plane, out, n * count * plane, count * plane);
        }
        return out;
    }

    @ParameterizedTest(name = "N={0} C={1} H={2} K={3} R={4} stride={5} pad={6}")
    @CsvSource({
            "4, 3, 9, 5, 3, 1, 1",    // SAME 3x3, filters fill no tile
            "3, 2, 10, 6, 3, 1, 0",   // VALID
            "2, 3, 8, 3, 5, 1, 2",    // 5x5 SAME
            "3, 5, 6, 7, 1, 1, 0",    // pointwise, stride 1
            "2, 34, 6, 4, 3, 1, 1",   // more than 32 channels: the filter gradient on Winograd
            "2, 32, 7, 33, 3, 1, 1",  // Winograd forward and data gradient
            "3, 4, 9, 6, 3, 2, 1",    // stride 2: the direct kernels over phase planes
            "3, 5, 8, 4, 1, 2, 0"})   // 1x1 stride 2: im2col + GEMM throughout
    void everyGroupGetsTheBitsOfItsConvolutionAlone(int n, int c, int h, int k, int r, int stride, int pad) {
        ConvGeometry grouped = new ConvGeometry(n, MEMBERS * c, h, h, MEMBERS * k, r, stride, pad, MEMBERS);
        ConvGeometry alone = grouped.group();
        SplittableRandom rnd = new SplittableRandom(n * 131L + c * 7L + h);
        float[] x = rand(rnd, grouped.inputSize()), w = rand(rnd, grouped.filterSize()), b = rand(rnd, grouped.filters());
        float[] dy = rand(rnd, grouped.outputSize());
        Results all = run(grouped, x, w, b, dy);
        int in = h * h, out = alone.outHeight() * alone.outWidth(), filter = (int) alone.filterSize();
        for (int m = 0; m < MEMBERS; m++) {
            Results one = run(alone, planes(x, n, MEMBERS * c, in, m * c, c), Arrays.copyOfRange(w, m * filter, (m + 1) * filter),
                    Arrays.copyOfRange(b, m * k, (m + 1) * k), planes(dy, n, MEMBERS * k, out, m * k, k));
            String member = "member " + m;
            assertArrayEquals(one.y(), planes(all.y(), n, MEMBERS * k, out, m * k, k), member + " y");
            assertArrayEquals(one.dx(), planes(all.dx(), n, MEMBERS * c, in, m * c, c), member + " dx");
            assertArrayEquals(one.dw(), Arrays.copyOfRange(all.dw(), m * filter, (m + 1) * filter), member + " dw");
            assertArrayEquals(one.db(), Arrays.copyOfRange(all.db(), m * k, (m + 1) * k), member + " db");
        }
    }

    @ParameterizedTest(name = "N={0} C={1} H={2} K={3} R={4} stride={5} pad={6}")
    @CsvSource({
            "4, 3, 9, 5, 3, 1, 1",    // a population's first layer: 3 members x 5 filters over one input
            "2, 32, 7, 5, 3, 1, 0",   // 32 channels: Winograd
            "2, 1, 12, 3, 5, 1, 2",   // conv2's first layer shape (scaled down)
            "3, 3, 9, 4, 3, 2, 1"})   // strided
    void aSharedInputGivesEachMembersFiltersTheBitsOfTheirConvolutionAlone(int n, int c, int h, int k, int r, int stride, int pad) {
        ConvGeometry shared = new ConvGeometry(n, c, h, h, MEMBERS * k, r, stride, pad);
        ConvGeometry alone = new ConvGeometry(n, c, h, h, k, r, stride, pad);
        SplittableRandom rnd = new SplittableRandom(n * 17L + h);
        float[] x = rand(rnd, shared.inputSize()), w = rand(rnd, shared.filterSize()), b = rand(rnd, shared.filters());
        float[] dy = rand(rnd, shared.outputSize());
        Results all = run(shared, x, w, b, dy);
        int out = alone.outHeight() * alone.outWidth(), filter = (int) alone.filterSize();
        for (int m = 0; m < MEMBERS; m++) {
            Results one = run(alone, x, Arrays.copyOfRange(w, m * filter, (m + 1) * filter),
                    Arrays.copyOfRange(b, m * k, (m + 1) * k), planes(dy, n, MEMBERS * k, out, m * k, k));
            String member = "member " + m;
            assertArrayEquals(one.y(), planes(all.y(), n, MEMBERS * k, out, m * k, k), member + " y");
            assertArrayEquals(one.dw(), Arrays.copyOfRange(all.dw(), m * filter, (m + 1) * filter), member + " dw");
            assertArrayEquals(one.db(), Arrays.copyOfRange(all.db(), m * k, (m + 1) * k), member + " db");
        }
    }

    /**
     * Filter 0's outputs with the other filters pruned to zero (their tile's steps are skipped where filter 0's weight
     * is zero too) equal those with the other filters dense; likewise input channel 0's gradient with the other
     * channels' weights pruned or not.
     */
    @ParameterizedTest(name = "C={0} K={1} R={2}")
    @CsvSource({"4, 8, 3", "3, 5, 5", "9, 9, 1", "32, 33, 3"}) // the last on Winograd
    void prunedNeighboursChangeNoBits(int c, int k, int r) {
        ConvGeometry g = new ConvGeometry(3, c, 7, 7, k, r, 1, r / 2);
        SplittableRandom rnd = new SplittableRandom(c * 31L + k);
        float[] x = rand(rnd, g.inputSize()), b = rand(rnd, k), dy = rand(rnd, g.outputSize()), dense = rand(rnd, g.filterSize());
        int rr = r * r, out = g.outHeight() * g.outWidth();
        for (int i = 0; i < dense.length; i += 2) dense[i] = 0f; // filter 0 and channel 0 half pruned
        float[] otherFiltersPruned = dense.clone(), otherChannelsPruned = dense.clone();
        Arrays.fill(otherFiltersPruned, c * rr, otherFiltersPruned.length, 0f);
        for (int f = 0; f < k; f++) Arrays.fill(otherChannelsPruned, (f * c + 1) * rr, (f + 1) * c * rr, 0f);
        Results reference = run(g, x, dense, b, dy);
        float[] filter0 = planes(reference.y(), g.batch(), k, out, 0, 1);
        assertArrayEquals(filter0, planes(run(g, x, otherFiltersPruned, b, dy).y(), g.batch(), k, out, 0, 1), "filter 0's outputs");
        assertArrayEquals(planes(reference.dx(), g.batch(), c, 49, 0, 1),
                planes(run(g, x, otherChannelsPruned, b, dy).dx(), g.batch(), c, 49, 0, 1), "channel 0's input gradient");
        assertFalse(Arrays.equals(filter0, new float[filter0.length]), "filter 0 computes something");
    }

    private static float[] rand(SplittableRandom r, long size) {
        float[] a = new float[(int) size];
        for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
        return a;
    }
}
