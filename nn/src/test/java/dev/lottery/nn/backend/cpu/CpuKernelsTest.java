package dev.lottery.nn.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lottery.nn.UserError;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * The kernels this JVM uses (the Vector API at its width) against the scalar kernels, bit for bit: every element-wise
 * op, the sparse row products and the sixteen-partial dot products. {@code VectorWidthsTest} runs the same
 * computations at every width in other JVMs.
 */
class CpuKernelsTest {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private final CpuKernels vector = CpuKernels.active();
    private final CpuKernels scalar = new ScalarKernels();

    @Test
    void usesTheRequestedWidthOrThePreferredOne() {
        assertInstanceOf(VectorKernels.class, vector, "the tests run with --add-modules jdk.incubator.vector (pom.xml)");
        int bits = CpuKernels.requestedBits().orElse(FloatVector.SPECIES_PREFERRED.vectorBitSize());
        assertEquals(bits / Float.SIZE, vector.lanes());
        assertEquals(2 * vector.lanes(), vector.nr());
    }

    @Test
    void aWidthOtherThan128256Or512IsAUserError() {
        String before = System.getProperty(CpuKernels.BITS_PROPERTY);
        try {
            System.setProperty(CpuKernels.BITS_PROPERTY, "384");
            UserError e = assertThrows(UserError.class, CpuBackend::new);
            assertEquals("-Dlottery.vector.bits=384: the vector width must be 128, 256 or 512 bits", e.getMessage());
        } finally {
            if (before == null) System.clearProperty(CpuKernels.BITS_PROPERTY);
            else System.setProperty(CpuKernels.BITS_PROPERTY, before);
        }
    }

    /** Runs {@code op} on copies of the same segments with both kernels and compares every segment afterwards. */
    private void same(String what, float[][] inputs, BiConsumer<CpuKernels, MemorySegment[]> op) {
        float[][] results = new float[2][];
        CpuKernels[] both = {vector, scalar};
        for (int k = 0; k < 2; k++) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment[] segs = new MemorySegment[inputs.length];
                for (int i = 0; i < inputs.length; i++) segs[i] = arena.allocateFrom(F, inputs[i]);
                op.accept(both[k], segs);
                results[k] = Arrays.stream(segs).map(s -> s.toArray(F)).reduce(new float[0], CpuKernelsTest::concat);
            }
        }
        assertArrayEquals(results[1], results[0], what);
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Values with zeros, negative zeros and a few large ones among them. */
    private static float[] values(SplittableRandom rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = switch (rnd.nextInt(8)) {
                case 0 -> 0f;
                case 1 -> -0f;
                case 2 -> (float) (rnd.nextGaussian() * 1e6);
                default -> (float) rnd.nextGaussian();
            };
        }
        return v;
    }

    @Test
    void elementWiseOpsGiveTheScalarBits() {
        SplittableRandom rnd = new SplittableRandom(1);
        for (int n : new int[] {1, 7, 16, 37, 301}) {
            float[] y = values(rnd, n), x = values(rnd, n), mask = values(rnd, n), v = values(rnd, n);
            long from = n / 3;
            same("relu " + n, new float[][] {y}, (k, s) -> k.relu(s[0], from, n));
            same("reluBackward " + n, new float[][] {y, x}, (k, s) -> k.reluBackward(s[0], s[1], from, n));
            same("multiply " + n, new float[][] {y, x}, (k, s) -> k.multiply(s[0], s[1], from, n));
            same("add " + n, new float[][] {y, x}, (k, s) -> k.add(s[0], s[1], from, n));
            same("sgd " + n, new float[][] {y, x, mask, v}, (k, s) -> k.sgd(s[0], s[1], s[2], s[3], from, n, 0.05f, 0.9f, 1e-4f));
            same("plain sgd " + n, new float[][] {y, x}, (k, s) -> k.sgd(s[0], s[1], null, null, 0, n, 0.05f, 0f, 0f));
            int cols = 1 + n % 23, rows = n / cols;
            float[] bias = values(rnd, cols), sums = new float[cols];
            same("addBias " + n, new float[][] {y, bias}, (k, s) -> k.addBias(s[0], s[1], rows, cols, false));
            same("addBias with ReLU " + n, new float[][] {y, bias}, (k, s) -> k.addBias(s[0], s[1], rows, cols, true));
            same("sumRows " + n, new float[][] {y, sums}, (k, s) -> k.sumRows(s[0], s[1], rows, cols));
        }
    }

    @Test
    void transposesMatchTheScalarOnes() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int[] shape : new int[][] {{8, 8}, {60, 784}, {13, 5}, {3, 17}, {16, 33}}) {
            int rows = shape[0], cols = shape[1], lds = cols + 3, ldd = rows + 5;
            float[] src = values(rnd, 2 + rows * lds), a = new float[1 + cols * ldd], b = new float[1 + cols * ldd];
            vector.transpose(src, 2, lds, rows, cols, a, 1, ldd);
            scalar.transpose(src, 2, lds, rows, cols, b, 1, ldd);
            assertArrayEquals(b, a, rows + "x" + cols);
            assertEquals(src[2 + (rows - 1) * lds + cols - 1], a[1 + (cols - 1) * ldd + rows - 1]);
        }
    }

    @Test
    void sparseRowsAndDotRowsGiveTheScalarBits() {
        SplittableRandom rnd = new SplittableRandom(2);
        int rows = 23, cols = 70, slabs = 3, slab = 24;
        int width = Math.max(vector.batchChunk(), scalar.batchChunk());
        int[] start = new int[rows + 1];
        int[] index = new int[rows * cols];
        int nnz = 0;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) if (rnd.nextInt(5) == 0) index[nnz++] = c;
            start[r + 1] = nnz;
        }
        int[] cut = new int[rows * (slabs + 1)];
        for (int r = 0; r < rows; r++) {
            int p = start[r];
            for (int s = 0; s < slabs; s++) {
                cut[r * (slabs + 1) + s] = p;
                while (p < start[r + 1] && index[p] < (s + 1) * slab) p++;
            }
            cut[r * (slabs + 1) + slabs] = start[r + 1];
        }
        float[] weights = values(rnd, rows * cols), x = values(rnd, cols * width), a = values(rnd, rows * width);
        float[][] out = new float[2][];
        CpuKernels[] both = {vector, scalar};
        for (int k = 0; k < 2; k++) {
            try (Arena arena = Arena.ofConfined()) {
                float[] o = new float[rows * width];
                both[k].sparseRows(0, rows, slabs, cut, index, null, arena.allocateFrom(F, weights), 0, cols, x, width, width, o, width);
                MemorySegment dots = arena.allocate((long) rows * cols * Float.BYTES);
                both[k].dotRows(0, rows, start, index, a, width, x, width, width, dots, 0, cols);
                out[k] = concat(o, dots.toArray(F));
            }
        }
        assertArrayEquals(out[1], out[0]);
    }
}
