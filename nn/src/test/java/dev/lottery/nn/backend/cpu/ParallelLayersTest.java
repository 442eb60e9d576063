package dev.lottery.nn.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.lottery.nn.backend.ChannelGeometry;
import dev.lottery.nn.backend.ConvGeometry;
import dev.lottery.nn.backend.PoolGeometry;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The convolution, pooling and batch-norm kernels give the same bits whether their tasks (images, filter tiles, plane
 * ranges, channels) run on a crew of two threads or one after another on the caller: segments of a confined arena
 * cannot be shared with the crew, so they take the serial path, while shared-arena segments take the parallel one.
 * Same seed, same result, whatever the number of cores.
 */
class ParallelLayersTest {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    private static final GemmWorkers WORKERS = new GemmWorkers(2);

    @AfterAll
    static void stopCrew() {
        WORKERS.close();
    }

    @ParameterizedTest(name = "N={0} C={1} H={2} K={3} R={4} stride={5} pad={6} groups={7}")
    @CsvSource({
            "11, 2, 33, 4, 3, 1, 1, 1",  // direct kernels, several position blocks and filter tiles
            "50, 8, 14, 6, 5, 1, 2, 1",  // conv2's second layer shape (scaled down)
            "9, 3, 16, 4, 1, 2, 0, 1",   // 1x1 stride-2 projection: im2col, one image per product
            "12, 6, 8, 6, 3, 2, 1, 1",   // stride 2: the direct kernels over phase planes, filter gradient in 8 ranges
            "130, 2, 8, 3, 1, 2, 0, 1",  // 1x1 stride 2: im2col in three groups of images, three filter-gradient chunks
            "6, 36, 8, 5, 3, 1, 1, 1",   // the filter gradient on Winograd
            "11, 36, 8, 5, 3, 1, 0, 1",  // the same in 8 uneven ranges of images
            "6, 36, 8, 5, 3, 2, 1, 1",   // more than 32 channels, stride 2: phase planes
            "11, 36, 8, 5, 5, 1, 2, 1",  // 5x5, more than 32 channels: the wide direct filter gradient in 8 ranges
            "5, 32, 9, 32, 3, 1, 1, 1",  // Winograd forward and both gradients
            "7, 6, 9, 9, 3, 1, 1, 3"})   // three groups (a population's members)
    void parallelAndSerialAgreeBitForBit(int n, int c, int h, int k, int r, int stride, int pad, int groups) {
        ConvGeometry g = new ConvGeometry(n, c, h, h, k, r, stride, pad, groups);
        SplittableRandom rnd = new SplittableRandom(n * 131L + h);
        float[] x = rand(rnd, g.inputSize()), w = rand(rnd, g.filterSize()), b = rand(rnd, k), dy = rand(rnd, g.outputSize());
        float[][] shared, confined;
        try (Arena arena = Arena.ofShared()) {
            shared = run(arena, g, x, w, b, dy);
        }
        try (Arena arena = Arena.ofConfined()) {
            confined = run(arena, g, x, w, b, dy);
        }
        String[] names = {"y", "dx", "dw", "db", "pooled", "pool dx", "bn y", "bn dx", "bn dgamma", "bn dbeta"};
        for (int i = 0; i < names.length; i++) assertArrayEquals(confined[i], shared[i], names[i]);
    }

    /**
     * Winograd shares small images into chunks by the crew's size (a chunk of several images per task where tasks to
     * spare allow it, here 6, 3 and 1 image per chunk): the outputs are the same bits however the images were chunked.
     * Its filter gradient sums fixed ranges of images whatever the crew: the same bits on 1, 2 and 4 threads.
     */
    @Test
    void winogradChunksOfImagesChangeNoBits() {
        ConvGeometry g = new ConvGeometry(25, 32, 5, 5, 34, 3, 1, 1, 1);
        SplittableRandom rnd = new SplittableRandom(17);
        float[] x = rand(rnd, g.inputSize()), w = rand(rnd, g.filterSize()), b = rand(rnd, g.filters()), dy = rand(rnd, g.outputSize());
        float[][] first = null;
        for (int threads : new int[] {1, 2, 4}) {
            try (GemmWorkers crew = new GemmWorkers(threads); Arena arena = Arena.ofShared()) {
                MemorySegment y = arena.allocate(g.outputSize() * Float.BYTES), dx = arena.allocate(g.inputSize() * Float.BYTES);
                MemorySegment dw = arena.allocate(g.filterSize() * Float.BYTES);
                WinogradConvolution.forward(crew, copy(arena, x), copy(arena, w), copy(arena, b), y, g, true);
                WinogradConvolution.backwardData(crew, copy(arena, dy), copy(arena, w), dx, g);
                WinogradConvolution.backwardFilter(crew, copy(arena, x), copy(arena, dy), dw, g);
                float[][] out = {y.toArray(F), dx.toArray(F), dw.toArray(F)};
                if (first == null) first = out;
                assertArrayEquals(first[0], out[0], "y with " + threads + " threads");
                assertArrayEquals(first[1], out[1], "dx with " + threads + " threads");
                assertArrayEquals(first[2], out[2], "dw with " + threads + " threads");
            }
        }
    }

    private static float[][] run(Arena arena, ConvGeometry g, float[] x, float[] w, float[] b, float[] dy) {
        MemorySegment xs = copy(arena, x), ws = copy(arena, w), bs = copy(arena, b), dys = copy(arena, dy);
        MemorySegment y = arena.allocate(g.outputSize() * Float.BYTES), dx = arena.allocate(g.inputSize() * Float.BYTES);
        MemorySegment dw = arena.allocate(g.filterSize() * Float.BYTES), db = arena.allocate((long) g.filters() * Float.BYTES);
        CpuConvolution.forward(WORKERS, xs, ws, bs, y, g, false);
        CpuConvolution.backwardData(WORKERS, dys, ws, dx, g);
        CpuConvolution.backwardFilter(WORKERS, xs, dys, dw, db, g);
        PoolGeometry pg = new PoolGeometry(g.batch(), g.filters(), g.outHeight(), g.outWidth(), 2, 2);
        MemorySegment pooled = arena.allocate(pg.outputSize() * Float.BYTES), poolDx = arena.allocate(pg.inputSize() * Float.BYTES);
        CpuPooling.maxPool(WORKERS, y, pooled, pg);
        CpuPooling.maxPoolBackward(WORKERS, y, pooled, poolDx, pg);
        ChannelGeometry cg = new ChannelGeometry(g.batch(), g.filters(), g.outHeight() * g.outWidth());
        MemorySegment gamma = copy(arena, Arrays.copyOf(b, g.filters())), mean = arena.allocate((long) g.filters() * Float.BYTES);
        MemorySegment var = arena.allocate((long) g.filters() * Float.BYTES), saved = arena.allocate((long) g.filters() * Float.BYTES);
        MemorySegment invStd = arena.allocate((long) g.filters() * Float.BYTES), bnY = arena.allocate(g.outputSize() * Float.BYTES);
        MemorySegment bnDx = arena.allocate(g.outputSize() * Float.BYTES), dgamma = arena.allocate((long) g.filters() * Float.BYTES);
        MemorySegment dbeta = arena.allocate((long) g.filters() * Float.BYTES);
        CpuBatchNorm.training(WORKERS, y, gamma, bs, mean, var, 0.1f, 1e-5f, saved, invStd, bnY, true, cg);
        CpuBatchNorm.backward(WORKERS, y, dys, gamma, saved, invStd, bnDx, dgamma, dbeta, cg);
        return new float[][] {y.toArray(F), dx.toArray(F), dw.toArray(F), db.toArray(F), pooled.toArray(F), poolDx.toArray(F),
                bnY.toArray(F), bnDx.toArray(F), dgamma.toArray(F), dbeta.toArray(F)};
    }

    private static MemorySegment copy(Arena arena, float[] values) {
        return arena.allocateFrom(F, values);
    }

    private static float[] rand(SplittableRandom r, long size) {
        float[] a = new float[(int) size];
        for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
        return a;
    }
}
