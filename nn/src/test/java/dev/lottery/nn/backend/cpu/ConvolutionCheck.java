package dev.lottery.nn.backend.cpu;

import dev.lottery.nn.UserError;
import dev.lottery.nn.backend.ChannelGeometry;
import dev.lottery.nn.backend.ConvGeometry;
import dev.lottery.nn.backend.PoolGeometry;
import dev.lottery.nn.tensor.Tensor;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Run by {@code VectorWidthsTest} in child JVMs: 3x3 convolutions whose shapes take the direct and the Winograd
 * kernels when vectors are available (8 and 40 channels, stride 1; 5 channels, stride 2, over phase planes, its rows
 * 35 wide for the even and odd columns' register path and its masked end), forward and backward, and a batch norm. With the Vector API the
 * kernels run at the CPU's preferred width (the JVM's {@code -XX:UseAVX} picks the tile shapes); without it the
 * convolution runs on the im2col path and batch norm is refused in one line. Then 2 x 2 max pooling at stride 2
 * (in registers when vectors are available), forward and backward, on rows of 18 windows and an odd size, with ties and
 * signed zeros. Prints {@code kernels=<generation> forward=<max error> data=<max error> filter=<max error>
 * pool=<values that differ from plain loops' bits> bn=<"ran" or the message>}, errors against plain loops.
 */
public final class ConvolutionCheck {
    private ConvolutionCheck() {}

    public static void main(String[] args) {
        try (CpuBackend cpu = new CpuBackend()) {
            // 8 channels: the direct kernels; 40: Winograd's (72 filters: whole register tiles of filters in the
            // filter gradient and a last vector, at either width).
            double[] a = errors(cpu, 8, 8, 1, 6, 6), b = errors(cpu, 40, 72, 1, 6, 6), s = errors(cpu, 5, 6, 2, 5, 35);
            String bn;
            try {
                Tensor one = cpu.upload("one", new float[] {1}, 1), zero = cpu.zeros("zero", 1);
                cpu.batchNormInference(cpu.upload("bx", new float[4], 1, 1, 4), one, zero, zero, one, 1e-5f,
                        cpu.zeros("by", 1, 1, 4), new ChannelGeometry(1, 1, 4));
                bn = "ran";
            } catch (UserError e) {
                bn = e.getMessage();
            }
            System.out.printf(Locale.ROOT, "kernels=%s forward=%g data=%g filter=%g pool=%d bn=%s%n", cpu.kernelGeneration(),
                    Math.max(a[0], Math.max(b[0], s[0])), Math.max(a[1], Math.max(b[1], s[1])), Math.max(a[2], Math.max(b[2], s[2])),
                    poolingMismatches(cpu, new PoolGeometry(2, 3, 9, 37, 2, 2)), bn);
        }
    }

    /**
     * The largest errors of the forward, data-gradient and filter-gradient products with {@code c} channels,
     * {@code k} filters, the stride and an {@code h x wd} input.
     */
    private static double[] errors(CpuBackend cpu, int c, int k, int stride, int h, int wd) {
        // x: [n, c, h, wd]; w: [k, c, 3, 3]; y: [n, k, ph, pw] (padding 1: the input's size at stride 1)
        int n = 2, ph = (h - 1) / stride + 1, pw = (wd - 1) / stride + 1;
        ConvGeometry g = new ConvGeometry(n, c, h, wd, k, 3, stride, 1, 1);
        SplittableRandom rnd = new SplittableRandom(7);
        float[] x = gaussian(rnd, n * c * h * wd), w = gaussian(rnd, k * c * 9), b = gaussian(rnd, k), dy = gaussian(rnd, n * k * ph * pw);
        Tensor tx = cpu.upload("x", x, n, c, h, wd), tw = cpu.upload("w", w, k, c, 3, 3), tb = cpu.upload("b", b, k);
        Tensor ty = cpu.zeros("y", n, k, ph, pw), tdy = cpu.upload("dy", dy, n, k, ph, pw);
        Tensor tdx = cpu.zeros("dx", n, c, h, wd), tdw = cpu.zeros("dw", k, c, 3, 3), tdb = cpu.zeros("db", k);
        cpu.conv2d(tx, tw, tb, ty, g);
        cpu.conv2dBackwardData(tdy, tw, tdx, g);
        cpu.conv2dBackwardFilter(tx, tdy, tdw, tdb, g);
        float[] y = new float[n * k * ph * pw], dx = new float[x.length], dw = new float[w.length];
        for (int i = 0; i < n; i++) {
            for (int f = 0; f < k; f++) {
                for (int ch = 0; ch < c; ch++) {
                    for (int p = 0; p < ph; p++) {
                        for (int q = 0; q < pw; q++) {
                            for (int r = 0; r < 3; r++) {
                                for (int s = 0; s < 3; s++) {
                                    int u = p * stride + r - 1, v = q * stride + s - 1;
                                    if (u < 0 || v < 0 || u >= h || v >= wd) continue;
                                    int xi = ((i * c + ch) * h + u) * wd + v, yi = ((i * k + f) * ph + p) * pw + q;
                                    int wi = ((f * c + ch) * 3 + r) * 3 + s;
                                    y[yi] += x[xi] * w[wi];
                                    dx[xi] += dy[yi] * w[wi];
                                    dw[wi] += dy[yi] * x[xi];
                                }
                            }
                        }
                    }
                }
            }
        }
        for (int i = 0; i < y.length; i++) y[i] += b[(i / (ph * pw)) % k];
        return new double[] {maxError(ty.toArray(), y), maxError(tdx.toArray(), dx), maxError(tdw.toArray(), dw)};
    }

    /**
     * How many pooled values and input gradients differ in their bits from plain loops' (the window's first maximum:
     * later corners win only when strictly larger; the gradient added to a cleared plane).
     */
    private static int poolingMismatches(CpuBackend cpu, PoolGeometry g) {
        SplittableRandom rnd = new SplittableRandom(11);
        int in = (int) g.inputSize(), out = (int) g.outputSize(), h = g.height(), w = g.width(), q = g.outWidth();
        float[] x = gaussian(rnd, in), dy = gaussian(rnd, out);
        for (int i = 0; i < in; i++) x[i] = i % 5 == 0 ? (i % 2 == 0 ? 0f : -0f) : Math.round(x[i]) / 2f; // ties, zeros
        Tensor tx = cpu.upload("px", x, in), ty = cpu.zeros("py", out), tdy = cpu.upload("pdy", dy, out), tdx = cpu.zeros("pdx", in);
        cpu.maxPool(tx, ty, g);
        cpu.maxPoolBackward(tx, ty, tdy, tdx, g);
        float[] y = new float[out], dx = new float[in];
        for (int o = 0; o < out; o++) {
            int plane = o / (g.outHeight() * q), pi = o % (g.outHeight() * q) / q, qi = o % q;
            int best = (plane * h + 2 * pi) * w + 2 * qi;
            for (int at : new int[] {best + 1, best + w, best + w + 1}) best = x[at] > x[best] ? at : best;
            y[o] = x[best];
            dx[best] += dy[o];
        }
        return bitsDiffer(ty.toArray(), y) + bitsDiffer(tdx.toArray(), dx);
    }

    private static int bitsDiffer(float[] got, float[] want) {
        int n = 0;
        for (int i = 0; i < got.length; i++) n += Float.floatToRawIntBits(got[i]) == Float.floatToRawIntBits(want[i]) ? 0 : 1;
        return n;
    }

    private static float[] gaussian(SplittableRandom rnd, int size) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) v[i] = (float) rnd.nextGaussian();
        return v;
    }

    private static double maxError(float[] got, float[] want) {
        double e = 0;
        for (int i = 0; i < got.length; i++) e = Math.max(e, Math.abs(got[i] - want[i]));
        return e;
    }
}
