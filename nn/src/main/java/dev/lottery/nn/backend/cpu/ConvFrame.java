package dev.lottery.nn.backend.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * The padded frame of a convolution: one image's {@code channels} planes, each inside its zero border, stored one
 * after another on the heap. With stride 1 a channel is one plane ({@code [channels][hp * wp]}): output position
 * {@code (p, q)} is frame position {@code o = p * wp + q}, and tap {@code (r, s)} of channel {@code c} reads frame
 * position {@code c * plane + o + r * wp + s}: every tap is one shift of the whole plane, so a vector of consecutive
 * outputs reads a vector of consecutive inputs even where it crosses a row end. The positions with
 * {@code q >= outCols} (as many as the border is wide) are computed and dropped; that is the price of loading whole
 * vectors.
 *
 * <p>With stride {@code t > 1} each channel is split into {@code t * t} phase planes of {@code ceil(hp / t) x
 * ceil(wp / t)}, phase {@code (a, b)} holding the padded image's rows {@code a, a + t, ...} and columns
 * {@code b, b + t, ...}. Output {@code (p, q)} reads padded position {@code (t p + r, t q + s)}, which is position
 * {@code (p + r / t, q + s / t)} of phase {@code (r % t, s % t)}: a strided convolution becomes a stride-1 one over the
 * phase planes with taps of at most {@code ceil(R / t)} a side, and every tap is again one shift of a whole plane.
 *
 * @param stride the convolution's stride
 * @param lanes vector width: outputs are computed in whole vectors, {@link #positions()} per plane
 * @param minVectors the fewest vectors a plane's positions may span (a kernel's block of positions)
 */
record ConvFrame(int channels, int height, int width, int pad, int kernel, int stride, int lanes, int minVectors) {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private int hp() {
        return height + 2 * pad;
    }

    private int wp() {
        return width + 2 * pad;
    }

    /** Rows of a (phase) plane. */
    int rows() {
        return ceilDiv(hp(), stride);
    }

    /** Columns of a (phase) plane: the distance between one output row and the next in frame positions. */
    int cols() {
        return ceilDiv(wp(), stride);
    }

    int plane() {
        return rows() * cols();
    }

    /** Planes per channel: one, or {@code stride * stride} phases. */
    int phases() {
        return stride * stride;
    }

    /** One image's planes. */
    int image() {
        return channels * phases() * plane();
    }

    int outRows() {
        return (hp() - kernel) / stride + 1;
    }

    int outCols() {
        return (wp() - kernel) / stride + 1;
    }

    /** Taps a side within one phase plane: the kernel, or {@code ceil(kernel / stride)} with phases. */
    int reach() {
        return ceilDiv(kernel, stride);
    }

    /** Computed output positions per plane: the rows of the frame that have outputs, in whole vectors. */
    int positions() {
        return Math.max(ceilDiv(outRows() * cols(), lanes), minVectors) * lanes;
    }

    /**
     * Floats past the last image that vector loads may touch: the rounded-up outputs, taps of the filter gradient's
     * three-wide tap groups beyond the kernel, and a vector to spare. Kept at zero.
     */
    int slack() {
        return positions() - outRows() * cols() + 3 * ceilDiv(reach(), 3) + lanes;
    }

    /** Frame position of channel {@code c}'s tap {@code (r, s)} relative to the output position, in an image. */
    int offset(int c, int r, int s) {
        return ((c * stride + r % stride) * stride + s % stride) * plane() + r / stride * cols() + s / stride;
    }

    /**
     * Writes {@code channels} planes of {@code height x width} floats read from {@code src} at float offset
     * {@code from} into {@code dst} as padded planes (or phase planes), channel {@code c}'s at
     * {@code at + c * channelStride}; {@code raw} is scratch of at least one image without borders.
     */
    void stage(MemorySegment src, long from, float[] raw, float[] dst, int at, int channelStride) {
        int h = height, w = width;
        if (pad == 0 && stride == 1 && channelStride == plane()) {
            MemorySegment.copy(src, F, from * Float.BYTES, dst, at, channels * h * w);
            return;
        }
        MemorySegment.copy(src, F, from * Float.BYTES, raw, 0, channels * h * w);
        if (stride > 1) {
            stagePhases(raw, dst, at, channelStride);
            return;
        }
        int wp = wp(), hp = hp(), right = pad + w;
        for (int c = 0; c < channels; c++) {
            int base = at + c * channelStride;
            Arrays.fill(dst, base, base + pad * wp, 0f);
            for (int i = 0; i < h; i++) {
                int row = base + (i + pad) * wp;
                Arrays.fill(dst, row, row + pad, 0f);
                System.arraycopy(raw, (c * h + i) * w, dst, row + pad, w);
                Arrays.fill(dst, row + right, row + wp, 0f);
            }
            Arrays.fill(dst, base + (pad + h) * wp, base + hp * wp, 0f);
        }
    }

    /**
     * {@link #stage} with phases: each image row is dealt out to its phases' rows, for stride 2 by
     * {@link EvenOddColumns} in registers, else column by column.
     */
    private void stagePhases(float[] raw, float[] dst, int at, int channelStride) {
        int h = height, w = width, t = stride, cols = cols(), plane = plane();
        // Stride 2: the phases of even and odd padded columns are one plane apart.
        int evenAt = EvenOddColumns.evenStart(pad, plane), oddAt = EvenOddColumns.oddStart(pad, plane);
        for (int c = 0; c < channels; c++) {
            int base = at + c * channelStride;
            Arrays.fill(dst, base, base + phases() * plane, 0f);
            for (int y = 0; y < h; y++) {
                int u = y + pad, rowAt = base + u % t * t * plane + u / t * cols, src = (c * h + y) * w;
                if (t == 2) {
                    EvenOddColumns.split(raw, src, w, dst, rowAt + evenAt, rowAt + oddAt);
                    continue;
                }
                for (int b = 0; b < t; b++) {
                    // The first image column in phase column b, and where it lands in that phase's row.
                    int x0 = Math.floorMod(b - pad, t), to = rowAt + b * plane + (x0 + pad) / t;
                    for (int x = x0; x < w; x += t) dst[to++] = raw[src + x];
                }
            }
        }
    }

    /**
     * Writes {@code planes} planes of outputs, each {@link #positions()} long in {@code frame} from {@code at}, to
     * {@code dst} at float offset {@code to} as {@code [planes][outRows][outCols]}, dropping the border positions;
     * {@code compact} is scratch of at least that size.
     */
    void unstage(float[] frame, int at, int planes, float[] compact, MemorySegment dst, long to) {
        int p = outRows(), q = outCols(), cols = cols(), positions = positions();
        for (int f = 0; f < planes; f++) {
            for (int i = 0; i < p; i++) System.arraycopy(frame, at + f * positions + i * cols, compact, (f * p + i) * q, q);
        }
        MemorySegment.copy(compact, 0, dst, F, to * Float.BYTES, planes * p * q);
    }

    static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
