package dev.lottery.nn.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link CpuGemm} against a double-precision triple loop, over transposes, odd sizes, strides, offsets, alpha/beta. */
class CpuGemmTest {
    /** Two threads, so large products run split across the crew. */
    private static final GemmWorkers WORKERS = new GemmWorkers(2);

    @AfterAll
    static void stopCrew() {
        WORKERS.close();
    }

    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    /** A stored matrix: rows x cols values at {@code offset} with row stride {@code ld}, padding filled with junk. */
    private record Stored(MemorySegment seg, long offset, int rows, int cols, int ld, float[] values) {
        float at(int r, int col) {
            return values[r * cols + col];
        }
    }

    private static Stored store(Arena arena, SplittableRandom rnd, int rows, int cols, int ldPad, long offset, float junk) {
        int ld = Math.max(1, cols + ldPad);
        long floats = offset + (long) Math.max(rows, 1) * ld + 3;
        MemorySegment seg = arena.allocate(floats * Float.BYTES, 64);
        for (long i = 0; i < floats; i++) seg.setAtIndex(F, i, junk);
        float[] values = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int col = 0; col < cols; col++) {
                float v = (float) (rnd.nextDouble() * 2 - 1);
                values[r * cols + col] = v;
                seg.setAtIndex(F, offset + (long) r * ld + col, v);
            }
        }
        return new Stored(seg, offset, rows, cols, ld, values);
    }

    /**
     * Runs one product and checks every element of C (and that C's padding is untouched) against a double reference.
     */
    private static void check(boolean tA, boolean tB, int m, int n, int k, float alpha, float beta, int pad, long off, boolean nanC) {
        check(tA, tB, m, n, k, alpha, beta, pad, off, nanC, false);
    }

    private static void check(boolean tA, boolean tB, int m, int n, int k, float alpha, float beta, int pad, long off, boolean nanC,
                              boolean confined) {
        SplittableRandom rnd = new SplittableRandom(31L * m + 17L * n + 7L * k + (tA ? 1 : 0) + (tB ? 2 : 0));
        try (Arena arena = confined ? Arena.ofConfined() : Arena.ofShared()) {
            Stored a = tA ? store(arena, rnd, k, m, pad, off, 1e30f) : store(arena, rnd, m, k, pad, off, 1e30f);
            Stored b = tB ? store(arena, rnd, n, k, pad + 1, off + 5, 1e30f) : store(arena, rnd, k, n, pad + 1, off + 5, 1e30f);
            Stored c = store(arena, rnd, m, n, pad + 2, off + 3, -7f);
            if (nanC) {
                for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) c.seg.setAtIndex(F, c.offset + (long) i * c.ld + j, Float.NaN);
            }
            CpuGemm.sgemm(WORKERS, tA, tB, m, n, k, alpha, a.seg, a.offset, a.ld, b.seg, b.offset, b.ld, beta, c.seg, c.offset, c.ld);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double sum = 0, mag = 0;
                    for (int p = 0; p < k; p++) {
                        double x = tA ? a.at(p, i) : a.at(i, p);
                        double y = tB ? b.at(j, p) : b.at(p, j);
                        sum += x * y;
                        mag += Math.abs(x * y);
                    }
                    double want = alpha * sum + (beta == 0 ? 0 : beta * c.at(i, j));
                    double tol = 1e-5 * (Math.abs(alpha) * mag + Math.abs(beta * c.at(i, j))) + 1e-6;
                    float got = c.seg.getAtIndex(F, c.offset + (long) i * c.ld + j);
                    if (!(Math.abs(got - want) <= tol)) {
                        fail(String.format("tA=%b tB=%b m=%d n=%d k=%d alpha=%s beta=%s: C[%d,%d]=%s, want %s (tol %s)",
                                tA, tB, m, n, k, alpha, beta, i, j, got, want, tol));
                    }
                }
                // The padding between rows of C is never written.
                for (int j = n; j < c.ld; j++) {
                    assertEquals(-7f, c.seg.getAtIndex(F, c.offset + (long) i * c.ld + j), "padding C[" + i + "," + j + "]");
                }
            }
            for (long idx = 0; idx < c.offset; idx++) assertEquals(-7f, c.seg.getAtIndex(F, idx), "before C's offset");
        }
    }

    static Stream<Arguments> sizes() {
        int[] dims = {1, 7, 13, 61, 300};
        List<Arguments> out = new ArrayList<>();
        for (boolean tA : new boolean[] {false, true}) {
            for (boolean tB : new boolean[] {false, true}) {
                for (int m : dims) for (int n : dims) for (int k : new int[] {1, 13, 300}) {
                    // Keep the reference loop cheap: skip the few largest cubes, they add nothing new.
                    if ((long) m * n * k > 300L * 61 * 300) continue;
                    out.add(Arguments.of(tA, tB, m, n, k));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "tA={0} tB={1} {2}x{3}x{4}")
    @MethodSource("sizes")
    void matchesReferenceOverTransposesAndOddSizes(boolean tA, boolean tB, int m, int n, int k) {
        check(tA, tB, m, n, k, 1f, 0f, 0, 0, false);
    }

    static Stream<Arguments> lenetShapes() {
        return Stream.of(
                Arguments.of(false, true, 60, 300, 784), Arguments.of(false, true, 60, 100, 300), Arguments.of(false, true, 60, 10, 100),
                Arguments.of(true, false, 300, 784, 60), Arguments.of(true, false, 100, 300, 60), Arguments.of(true, false, 10, 100, 60),
                Arguments.of(false, false, 60, 300, 100), Arguments.of(false, false, 60, 100, 10),
                // 785 crosses every block edge: KC (256), NC and MC are all exceeded with a ragged tail.
                Arguments.of(false, false, 785, 61, 785), Arguments.of(true, true, 61, 785, 785), Arguments.of(false, true, 13, 1100, 7));
    }

    @ParameterizedTest(name = "tA={0} tB={1} {2}x{3}x{4}")
    @MethodSource("lenetShapes")
    void matchesReferenceAtLenetAndBlockCrossingShapes(boolean tA, boolean tB, int m, int n, int k) {
        check(tA, tB, m, n, k, 1f, 0f, 0, 0, false);
    }

    /**
     * Every value is summed along k in equal slabs of at most 256 terms, each slab one FMA chain from +0, the slabs'
     * sums added in order: an order that depends on k alone (what population members and masked products rely on),
     * checked bit for bit at splits of m and n that cross every tile and block edge.
     */
    @ParameterizedTest(name = "tA={0} tB={1} {2}x{3}x{4}")
    @CsvSource({"false, true, 60, 300, 784", "true, false, 300, 784, 60", "false, false, 60, 100, 300", "true, true, 13, 61, 1000",
            "false, true, 130, 7, 257", "false, false, 1, 1100, 13",
            // Products at most half a tile wide (the 10-class output layer's forward product) on the narrow kernel.
            "false, true, 60, 10, 100", "false, false, 61, 7, 13", "false, true, 25, 16, 256", "false, false, 13, 17, 40"})
    void sumsEachValueSlabBySlabInOneChainPerSlab(boolean tA, boolean tB, int m, int n, int k) {
        SplittableRandom rnd = new SplittableRandom(m + 7L * n + 13L * k);
        try (Arena arena = Arena.ofShared()) {
            Stored a = tA ? store(arena, rnd, k, m, 0, 0, 0f) : store(arena, rnd, m, k, 0, 0, 0f);
            Stored b = tB ? store(arena, rnd, n, k, 0, 0, 0f) : store(arena, rnd, k, n, 0, 0, 0f);
            Stored c = store(arena, rnd, m, n, 0, 0, 0f);
            CpuGemm.sgemm(WORKERS, tA, tB, m, n, k, 1f, a.seg, 0, a.ld, b.seg, 0, b.ld, 0f, c.seg, 0, c.ld);
            int slabs = Math.max(1, (k + 255) / 256), slab = (k + slabs - 1) / slabs;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    float total = 0f;
                    for (int p0 = 0; p0 < k; p0 += slab) {
                        float chain = 0f;
                        for (int p = p0; p < Math.min(k, p0 + slab); p++) {
                            chain = Math.fma(tA ? a.at(p, i) : a.at(i, p), tB ? b.at(j, p) : b.at(p, j), chain);
                        }
                        total = p0 == 0 ? chain : chain + total;
                    }
                    assertEquals(total, c.seg.getAtIndex(F, (long) i * c.ld + j), 0f, "C[" + i + "," + j + "]");
                }
            }
        }
    }

    @Test
    void alphaAndBetaVariants() {
        float[][] ab = {{1f, 1f}, {-0.5f, 1f}, {2f, 0.25f}, {1f, -1f}, {0.75f, 0f}};
        for (float[] v : ab) {
            for (boolean tA : new boolean[] {false, true}) {
                for (boolean tB : new boolean[] {false, true}) {
                    check(tA, tB, 61, 300, 13, v[0], v[1], 0, 0, false);
                    check(tA, tB, 13, 7, 300, v[0], v[1], 0, 0, false);
                    check(tA, tB, 61, 10, 100, v[0], v[1], 0, 0, false);
                }
            }
        }
    }

    @Test
    void offsetsAndLeadingDimensionsWiderThanRows() {
        for (boolean tA : new boolean[] {false, true}) {
            for (boolean tB : new boolean[] {false, true}) {
                check(tA, tB, 61, 300, 61, 1.5f, 0.5f, 9, 11, false);
                check(tA, tB, 7, 13, 300, 1f, 1f, 33, 1, false);
                check(tA, tB, 300, 61, 7, -1f, 0f, 3, 64, false);
                check(tA, tB, 25, 9, 50, 1f, 1f, 5, 3, false);
            }
        }
    }

    @Test
    void betaZeroIgnoresNaNsInC() {
        for (boolean tA : new boolean[] {false, true}) {
            for (boolean tB : new boolean[] {false, true}) {
                check(tA, tB, 61, 300, 13, 1f, 0f, 2, 5, true);
                check(tA, tB, 7, 1, 1, 2f, 0f, 0, 0, true);
            }
        }
    }

    @Test
    void zeroDepthOrZeroAlphaOnlyScalesC() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment c = arena.allocate(4L * 6 * Float.BYTES, 64);
            for (int i = 0; i < 6; i++) c.setAtIndex(F, i, Float.NaN);
            MemorySegment ab = arena.allocate(64, 64);
            CpuGemm.sgemm(WORKERS, false, false, 2, 3, 0, 1f, ab, 0, 1, ab, 0, 3, 0f, c, 0, 3);
            for (int i = 0; i < 6; i++) assertEquals(0f, c.getAtIndex(F, i));
            for (int i = 0; i < 6; i++) c.setAtIndex(F, i, i + 1);
            CpuGemm.sgemm(WORKERS, false, false, 2, 3, 4, 0f, ab, 0, 4, ab, 0, 3, 2f, c, 0, 3);
            for (int i = 0; i < 6; i++) assertEquals(2f * (i + 1), c.getAtIndex(F, i));
        }
    }

    @Test
    void rejectsBadArguments() {
        MemorySegment s = Arena.global().allocate(1024, 64);
        assertThrows(IllegalArgumentException.class, () -> CpuGemm.sgemm(WORKERS, false, false, -1, 2, 2, 1f, s, 0, 2, s, 0, 2, 0f, s, 0, 2));
        assertThrows(IllegalArgumentException.class, () -> CpuGemm.sgemm(WORKERS, false, false, 2, 2, 3, 1f, s, 0, 2, s, 0, 2, 0f, s, 0, 2));
        assertThrows(IllegalArgumentException.class, () -> CpuGemm.sgemm(WORKERS, false, true, 2, 4, 3, 1f, s, 0, 3, s, 0, 2, 0f, s, 0, 4));
        assertThrows(IndexOutOfBoundsException.class, () -> CpuGemm.sgemm(WORKERS, false, false, 64, 64, 64, 1f, s, 0, 64, s, 0, 64, 0f, s, 0, 64));
    }

    /** Matrices in a confined arena cannot be shared with the worker threads; the product still runs, inline. */
    @Test
    void confinedSegmentsAreComputedOnTheCallingThread() {
        check(false, true, 60, 300, 784, 1f, 0f, 0, 0, false, true);
        check(true, false, 300, 61, 60, 1f, 1f, 1, 0, false, true);
    }

    /** Several threads issuing products at once: the worker crew is taken by one, the others run inline. */
    @Test
    void concurrentCallersGetCorrectResults() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                boolean tA = (t & 1) != 0, tB = (t & 2) != 0;
                fs.add(pool.submit(() -> check(tA, tB, 61, 300, 100, 1f, 0.5f, 1, 2, false)));
            }
            for (Future<?> f : fs) f.get();
        } finally {
            pool.shutdown();
        }
    }
}
