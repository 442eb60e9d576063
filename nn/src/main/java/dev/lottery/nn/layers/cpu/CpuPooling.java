package dev.lottery.nn.layers.cpu;

import dev.lottery.nn.layers.ChannelGeometry;
import dev.lottery.nn.layers.PoolGeometry;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Max pooling and global average pooling over NCHW activations on the CPU. */
public final class CpuPooling {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private CpuPooling() {}

    public static void maxPool(MemorySegment x, MemorySegment y, PoolGeometry g) {
        int h = g.height(), w = g.width(), p = g.outHeight(), q = g.outWidth(), win = g.window(), st = g.stride();
        long planes = (long) g.batch() * g.channels();
        for (long plane = 0; plane < planes; plane++) {
            long in = plane * h * w, out = plane * p * q;
            for (int pi = 0; pi < p; pi++) {
                for (int qi = 0; qi < q; qi++) {
                    y.setAtIndex(F, out + (long) pi * q + qi, x.getAtIndex(F, in + argmax(x, in, w, pi * st, qi * st, win)));
                }
            }
        }
    }

    /** Offset (within the plane) of the first maximum of the window at (row, col); NaN never wins, like {@code >}. */
    private static int argmax(MemorySegment x, long plane, int w, int row, int col, int win) {
        int best = row * w + col;
        float max = x.getAtIndex(F, plane + best);
        for (int i = 0; i < win; i++) {
            for (int j = 0; j < win; j++) {
                int at = (row + i) * w + col + j;
                float v = x.getAtIndex(F, plane + at);
                if (v > max) {
                    max = v;
                    best = at;
                }
            }
        }
        return best;
    }

    public static void maxPoolBackward(MemorySegment x, MemorySegment dy, MemorySegment dx, PoolGeometry g) {
        int h = g.height(), w = g.width(), p = g.outHeight(), q = g.outWidth(), win = g.window(), st = g.stride();
        dx.asSlice(0, g.inputSize() * Float.BYTES).fill((byte) 0);
        long planes = (long) g.batch() * g.channels();
        for (long plane = 0; plane < planes; plane++) {
            long in = plane * h * w, out = plane * p * q;
            for (int pi = 0; pi < p; pi++) {
                for (int qi = 0; qi < q; qi++) {
                    long at = in + argmax(x, in, w, pi * st, qi * st, win);
                    dx.setAtIndex(F, at, dx.getAtIndex(F, at) + dy.getAtIndex(F, out + (long) pi * q + qi));
                }
            }
        }
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
