package dev.lottery.nn.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.lottery.nn.backend.ConvGeometry;
import dev.lottery.nn.backend.PoolGeometry;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The convolution and pooling kernels give the same bits whether their image groups and plane ranges run on the
 * worker crew or one after another on the caller: segments of a confined arena cannot be shared with the crew, so
 * they take the serial path, while shared-arena segments take the parallel one. Same seed, same result, whatever
 * the number of cores.
 */
class ParallelLayersTest {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

    @ParameterizedTest(name = "N={0} C={1} H={2} K={3} R={4} stride={5} pad={6}")
    @CsvSource({
            "11, 2, 33, 4, 3, 1, 1",  // one image per product, 8 filter-gradient chunks
            "50, 8, 14, 6, 5, 1, 2",  // conv2's second layer shape (scaled down): groups of 5 images
            "9, 3, 16, 4, 1, 2, 0"})  // 1x1 stride-2 projection
    void parallelAndSerialAgreeBitForBit(int n, int c, int h, int k, int r, int stride, int pad) {
        ConvGeometry g = new ConvGeometry(n, c, h, h, k, r, stride, pad);
        SplittableRandom rnd = new SplittableRandom(n * 131L + h);
        float[] x = rand(rnd, g.inputSize()), w = rand(rnd, g.filterSize()), b = rand(rnd, k), dy = rand(rnd, g.outputSize());
        float[][] shared, confined;
        try (Arena arena = Arena.ofShared()) {
            shared = run(arena, g, x, w, b, dy);
        }
        try (Arena arena = Arena.ofConfined()) {
            confined = run(arena, g, x, w, b, dy);
        }
        String[] names = {"y", "dx", "dw", "db", "pooled", "pool dx"};
        for (int i = 0; i < names.length; i++) assertArrayEquals(confined[i], shared[i], names[i]);
    }

    private static float[][] run(Arena arena, ConvGeometry g, float[] x, float[] w, float[] b, float[] dy) {
        MemorySegment xs = copy(arena, x), ws = copy(arena, w), bs = copy(arena, b), dys = copy(arena, dy);
        MemorySegment y = arena.allocate(g.outputSize() * Float.BYTES), dx = arena.allocate(g.inputSize() * Float.BYTES);
        MemorySegment dw = arena.allocate(g.filterSize() * Float.BYTES), db = arena.allocate((long) g.filters() * Float.BYTES);
        CpuConvolution.forward(xs, ws, bs, y, g);
        CpuConvolution.backwardData(dys, ws, dx, g);
        CpuConvolution.backwardFilter(xs, dys, dw, db, g);
        PoolGeometry pg = new PoolGeometry(g.batch(), g.filters(), g.outHeight(), g.outWidth(), 2, 2);
        MemorySegment pooled = arena.allocate(pg.outputSize() * Float.BYTES), poolDx = arena.allocate(pg.inputSize() * Float.BYTES);
        CpuPooling.maxPool(y, pooled, pg);
        CpuPooling.maxPoolBackward(y, pooled, poolDx, pg);
        return new float[][] {y.toArray(F), dx.toArray(F), dw.toArray(F), db.toArray(F), pooled.toArray(F), poolDx.toArray(F)};
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
