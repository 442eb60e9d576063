package dev.lottery.nn.backend.cpu;

import dev.lottery.nn.backend.ChannelGeometry;
import dev.lottery.nn.backend.PoolGeometry;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Max pooling and global average pooling over NCHW activations on the CPU; max pooling runs plane ranges in parallel on
 * {@code workers}, 2 x 2 windows at stride 2 in vector registers ({@link MaxPoolPairs}) when the Vector API is present.
 */
public final class CpuPooling {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private CpuPooling() {}

    /** Plane ranges per pooling call; each output and each plane's gradient depends on its own plane only. */
    private static final int PLANE_CHUNKS = 16;

    static void maxPool(GemmWorkers workers, MemorySegment x, MemorySegment y, PoolGeometry g) {
        long planes = (long) g.batch() * g.channels();
        int chunks = (int) Math.min(planes, PLANE_CHUNKS);
        if (inRegisters(g)) {
            workers.forEach(chunks, c -> MaxPoolPairs.forward(x, y, g, c * planes / chunks, (c + 1) * planes / chunks), x, y);
        } else {
            workers.forEach(chunks, c -> maxPoolPlanes(x, y, g, c * planes / chunks, (c + 1) * planes / chunks), x, y);
        }
    }

    /** Whether {@link MaxPoolPairs} pools {@code g} (asked first: that class needs the Vector API to load). */
    private static boolean inRegisters(PoolGeometry g) {
        return CpuKernels.vectorModulePresent() && MaxPoolPairs.handles(g);
    }

    private static void maxPoolPlanes(MemorySegment x, MemorySegment y, PoolGeometry g, long from, long to) {
        int h = g.height(), w = g.width(), p = g.outHeight(), q = g.outWidth(), win = g.window(), st = g.stride();
        int planes = (int) (to - from), in = h * w, out = p * q;
        // Staged on the heap: element-wise segment access costs several times more in these short loops.
        LayerScratch scratch = LayerScratch.get();
        float[] xs = scratch.images(planes * in), ys = scratch.row(planes * out);
        MemorySegment.copy(x, F, from * in * Float.BYTES, xs, 0, planes * in);
        for (int plane = 0; plane < planes; plane++) {
            for (int pi = 0; pi < p; pi++) {
                for (int qi = 0; qi < q; qi++) {
                    ys[plane * out + pi * q + qi] = xs[argmax(xs, plane * in, w, pi * st, qi * st, win)];
                }
            }
        }
        MemorySegment.copy(ys, 0, y, F, from * out * Float.BYTES, planes * out);
    }

    /** Index of the first maximum of the window at (row, col) of the plane at {@code base}; NaN never wins, like {@code >}. */
    private static int argmax(float[] x, int base, int w, int row, int col, int win) {
        if (win == 2) return argmax2(x, base + row * w + col, w);
        int best = base + row * w + col;
        float max = x[best];
        for (int i = 0; i < win; i++) {
            for (int j = 0; j < win; j++) {
                int at = base + (row + i) * w + col + j;
                float v = x[at];
                // Selects rather than branches: which element wins is data-dependent and mispredicts half the time.
                boolean wins = v > max;
                best = wins ? at : best;
                max = wins ? v : max;
            }
        }
        return best;
    }

    /**
     * {@link #argmax} of the 2 x 2 window at {@code at} (every pooling layer of the presets): the same comparisons in
     * the same order, written out, since the JIT does not unroll the general loops over a window size it cannot see.
     */
    private static int argmax2(float[] x, int at, int w) {
        int best = at;
        float max = x[at];
        boolean wins = x[at + 1] > max;
        best = wins ? at + 1 : best;
        max = wins ? x[at + 1] : max;
        wins = x[at + w] > max;
        best = wins ? at + w : best;
        max = wins ? x[at + w] : max;
        wins = x[at + w + 1] > max;
        return wins ? at + w + 1 : best;
    }

    static void maxPoolBackward(GemmWorkers workers, MemorySegment x, MemorySegment dy, MemorySegment dx, PoolGeometry g) {
        long planes = (long) g.batch() * g.channels();
        int chunks = (int) Math.min(planes, PLANE_CHUNKS);
        if (inRegisters(g)) {
            workers.forEach(chunks, c -> MaxPoolPairs.backward(x, dy, dx, g, c * planes / chunks, (c + 1) * planes / chunks),
                    x, dy, dx);
        } else {
            workers.forEach(chunks, c -> maxPoolBackwardPlanes(x, dy, dx, g, c * planes / chunks, (c + 1) * planes / chunks),
                    x, dy, dx);
        }
    }

    private static void maxPoolBackwardPlanes(MemorySegment x, MemorySegment dy, MemorySegment dx, PoolGeometry g,
                                              long from, long to) {
        int h = g.height(), w = g.width(), p = g.outHeight(), q = g.outWidth(), win = g.window(), st = g.stride();
        int planes = (int) (to - from), in = h * w, out = p * q;
        LayerScratch scratch = LayerScratch.get();
        float[] xs = scratch.images(planes * in), dxs = scratch.padded(planes * in), dys = scratch.row(planes * out);
        MemorySegment.copy(x, F, from * in * Float.BYTES, xs, 0, planes * in);
        MemorySegment.copy(dy, F, from * out * Float.BYTES, dys, 0, planes * out);
        Arrays.fill(dxs, 0, planes * in, 0f);
        for (int plane = 0; plane < planes; plane++) {
            for (int pi = 0; pi < p; pi++) {
                for (int qi = 0; qi < q; qi++) {
                    dxs[argmax(xs, plane * in, w, pi * st, qi * st, win)] += dys[plane * out + pi * q + qi];
                }
            }
        }
        MemorySegment.copy(dxs, 0, dx, F, from * in * Float.BYTES, planes * in);
    }

    public static void globalAvgPool(MemorySegment x, MemorySegment y, ChannelGeometry g) {
        long planes = (long) g.batch() * g.channels();
        int s = g.spatial();
        for (long plane = 0; plane < planes; plane++) {
            double sum = 0;
            for (int i = 0; i < s; i++) sum += x.getAtIndex(F, plane * s + i);
            y.setAtIndex(F, plane, (float) (sum / s));
        }
    }

    public static void globalAvgPoolBackward(MemorySegment dy, MemorySegment dx, ChannelGeometry g) {
        long planes = (long) g.batch() * g.channels();
        int s = g.spatial();
        for (long plane = 0; plane < planes; plane++) {
            float v = dy.getAtIndex(F, plane) / s;
            for (int i = 0; i < s; i++) dx.setAtIndex(F, plane * s + i, v);
        }
    }
}
