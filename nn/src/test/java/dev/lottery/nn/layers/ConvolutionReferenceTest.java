package dev.lottery.nn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.backend.BackendOptions;
import dev.lottery.nn.backend.ConvGeometry;
import dev.lottery.nn.backend.DeviceChoice;
import dev.lottery.nn.backend.cpu.CpuBackend;
import dev.lottery.nn.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The CPU convolution (Winograd F(2x2, 3x3) and the direct kernels, stride 1 and strided over phase planes, both also
 * for the filter gradient; im2col + GEMM, grouped or image by image, pointwise shortcut) against a six-loop convolution in double, forward and both backward products. The backward
 * products are checked as adjoints: {@code <dy, conv(x, w)> = <dx, x> = <dw, w>} written out element by element;
 * the forward with its ReLU fused gives {@code max(0, y)} of the same bits.
 */
class ConvolutionReferenceTest {
    /** Two threads whatever the machine, so that how images are shared into chunks (which follows the crew) is fixed. */
    private final Backend backend = new CpuBackend(BackendOptions.of(DeviceChoice.CPU).withCpuThreads(2));

    @AfterEach
    void closeBackend() {
        backend.close();
    }

    @ParameterizedTest(name = "N={0} C={1} H={2} W={3} K={4} R={5} stride={6} pad={7}")
    @CsvSource({
            "3, 2, 6, 6, 3, 3, 1, 1",   // SAME, grouped images
            "2, 3, 7, 7, 4, 3, 2, 0",   // VALID stride 2
            "2, 3, 7, 5, 2, 1, 1, 0",   // pointwise, grouped
            "2, 2, 33, 33, 3, 3, 1, 1", // one image per product
            "2, 3, 40, 40, 2, 1, 1, 0", // pointwise, one image per product (input used as its own columns)
            "3, 4, 8, 8, 5, 1, 2, 0",   // 1x1 stride-2 projection
            "2, 2, 5, 5, 2, 5, 1, 2",   // 5x5 SAME
            "5, 1, 4, 4, 2, 3, 2, 1",   // stride 2 with padding
            "11, 2, 33, 33, 2, 3, 1, 1", // 11 products in 8 filter-gradient chunks of uneven size
            "40, 3, 10, 10, 4, 3, 1, 1", // 4 groups of 10 images (the last one full), run in parallel
            "2, 40, 6, 6, 5, 3, 1, 1",   // Winograd filter gradient
            "11, 40, 6, 6, 5, 3, 1, 1",  // Winograd filter gradient: 8 uneven ranges of images, several per chunk
            "1, 64, 60, 60, 16, 3, 1, 1", // Winograd filter gradient in chunks of tile rows
            "3, 36, 7, 9, 10, 3, 1, 1",  // Winograd filter gradient, odd rows and columns (tiles past both edges)
            "2, 36, 6, 6, 70, 3, 1, 1",  // Winograd filter gradient: whole register tiles of filters and a last vector
            "2, 40, 7, 7, 6, 3, 2, 1",   // more than 32 channels, stride 2: the direct kernels over phase planes
            "3, 16, 32, 32, 32, 3, 2, 1", // resnet20's first downsampling layer (16 -> 32, 32x32 -> 16x16)
            "2, 3, 8, 9, 5, 3, 2, 1",    // stride 2, even rows and odd columns (a phase column past the image)
            "2, 2, 11, 10, 3, 3, 3, 1",  // stride 3: nine phases of one tap each
            "2, 3, 9, 9, 4, 2, 2, 0",    // 2x2 stride 2: every phase one tap, input rows no window covers
            "2, 2, 10, 11, 3, 4, 2, 1",  // 4x4 stride 2, phases of 2 x 2 taps
            "2, 3, 9, 8, 9, 5, 2, 2",    // 5x5 stride 2 SAME-like, phases of 3 x 3, 3 x 2, 2 x 3 and 2 x 2 taps
            "3, 40, 9, 9, 6, 5, 1, 2",   // 5x5 SAME, more than 32 channels: the wide direct filter gradient
            "11, 36, 8, 7, 70, 5, 1, 2", // the same: uneven ranges, whole register tiles of filters and a last vector
            "2, 33, 9, 9, 4, 5, 1, 0",   // the same, VALID, rows padding the last block of (channel, tap) pairs
            "2, 40, 5, 5, 8, 1, 1, 0",   // pointwise, more than 32 channels: the wide direct filter gradient
            "3, 3, 9, 9, 7, 5, 1, 0",    // 5x5 VALID, filters filling no register tile
            "2, 2, 3, 3, 3, 3, 1, 1",    // a plane smaller than one block of positions
            "2, 32, 7, 7, 32, 3, 1, 1",  // Winograd forward and data gradient, odd edges dropped
            "2, 33, 9, 6, 34, 3, 1, 0",  // Winograd, VALID (the data gradient pads by 2), not square
            "1, 32, 30, 30, 20, 3, 1, 1", // Winograd forward in several chunks of tile rows
            "25, 32, 5, 5, 34, 3, 1, 1"}) // Winograd, several whole images per chunk, the last chunk short
    void matchesTheDirectConvolution(int n, int c, int h, int w, int k, int r, int stride, int pad) {
        ConvGeometry g = new ConvGeometry(n, c, h, w, k, r, stride, pad);
        int p = g.outHeight(), q = g.outWidth();
        SplittableRandom rnd = new SplittableRandom(n * 31L + c * 7L + h);
        float[] x = rand(rnd, (int) g.inputSize()), wt = rand(rnd, (int) g.filterSize()), b = rand(rnd, k), dy = rand(rnd, (int) g.outputSize());
        double[] y = new double[(int) g.outputSize()], dx = new double[x.length], dw = new double[wt.length], db = new double[k];
        for (int ni = 0; ni < n; ni++) for (int ki = 0; ki < k; ki++) for (int pi = 0; pi < p; pi++) for (int qi = 0; qi < q; qi++) {
            int yi = ((ni * k + ki) * p + pi) * q + qi;
            double s = b[ki];
            for (int ci = 0; ci < c; ci++) for (int ri = 0; ri < r; ri++) for (int si = 0; si < r; si++) {
                int ih = pi * stride - pad + ri, iw = qi * stride - pad + si;
                if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
                int xi = ((ni * c + ci) * h + ih) * w + iw, wi = ((ki * c + ci) * r + ri) * r + si;
                s += (double) x[xi] * wt[wi];
                dx[xi] += (double) dy[yi] * wt[wi];
                dw[wi] += (double) dy[yi] * x[xi];
            }
            y[yi] = s;
            db[ki] += dy[yi];
        }
        try (Tensor xt = backend.upload("x", x, n, c, h, w); Tensor wtt = backend.upload("w", wt, k, c, r, r);
             Tensor bt = backend.upload("b", b, k); Tensor yt = backend.zeros("y", n, k, p, q);
             Tensor dyt = backend.upload("dy", dy, n, k, p, q); Tensor dxt = backend.upload("dx", rand(rnd, x.length), n, c, h, w);
             Tensor dwt = backend.upload("dw", rand(rnd, wt.length), k, c, r, r); Tensor dbt = backend.upload("db", rand(rnd, k), k)) {
            backend.conv2d(xt, wtt, bt, yt, g);
            backend.conv2dBackwardData(dyt, wtt, dxt, g);
            backend.conv2dBackwardFilter(xt, dyt, dwt, dbt, g);
            assertClose(y, yt.toArray(), "y");
            assertClose(dx, dxt.toArray(), "dx");
            assertClose(dw, dwt.toArray(), "dw");
            assertClose(db, dbt.toArray(), "db");
            float[] rectified = yt.toArray();
            for (int i = 0; i < rectified.length; i++) rectified[i] = Math.max(0f, rectified[i]);
            backend.conv2dRelu(xt, wtt, bt, yt, g);
            assertArrayEquals(rectified, yt.toArray(), "the fused ReLU is max(0, y) of the same bits");
        }
    }

    private static void assertClose(double[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + " size");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-4 * (1 + Math.abs(expected[i])), what + "[" + i + "]");
        }
    }

    private static float[] rand(SplittableRandom r, int size) {
        float[] a = new float[size];
        for (int i = 0; i < size; i++) a[i] = (float) r.nextGaussian();
        return a;
    }
}
