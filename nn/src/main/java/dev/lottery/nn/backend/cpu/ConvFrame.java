package dev.lottery.nn.backend.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * The padded frame of a stride-1 convolution: one image's {@code channels} planes, each inside its zero border,
 * stored one after another on the heap ({@code [channels][hp * wp]}). Output position {@code (p, q)} is frame
 * position {@code o = p * wp + q}, and tap {@code (r, s)} of channel {@code c} reads frame position
 * {@code c * plane + o + r * wp + s}: every tap is one shift of the whole plane, so a vector of consecutive outputs
 * reads a vector of consecutive inputs even where it crosses a row end. The positions with {@code q >= outCols}
 * (as many as the border is wide) are computed and dropped; that is the price of loading whole vectors.
 *
 * @param lanes vector width: outputs are computed in whole vectors, {@link #positions()} per plane
 * @param minVectors the fewest vectors a plane's positions may span (a kernel's block of positions)
 */
record ConvFrame(int channels, int height, int width, int pad, int kernel, int lanes, int minVectors) {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    int hp() {
        return height + 2 * pad;
    }

    int wp() {
        return width + 2 * pad;
    }

    int plane() {
        return hp() * wp();
    }

    /** One image's planes. */
    int image() {
        return channels * plane();
    }

    int outRows() {
        return hp() - kernel + 1;
    }

    int outCols() {
        return wp() - kernel + 1;
    }

    /** Computed output positions per plane: the rows of the frame that have outputs, in whole vectors. */
    int positions() {
        return Math.max(ceilDiv(outRows() * wp(), lanes), minVectors) * lanes;
    }

    /**
     * Floats past the last image that vector loads may touch: the rounded-up outputs, taps of the filter gradient's
     * three-wide tap groups beyond the kernel, and a vector to spare. Kept at zero.
     */
    int slack() {
        return positions() - outRows() * wp() + 3 * ceilDiv(kernel, 3) + lanes;
    }

    /** Frame position of tap {@code (r, s)} relative to the output position. */
    int tap(int r, int s) {
        return r * wp() + s;
    }

    /**
     * Writes {@code channels} planes of {@code height x width} floats read from {@code src} at float offset
     * {@code from} into {@code dst} as padded planes, channel {@code c}'s at {@code at + c * stride};
     * {@code raw} is scratch of at least one image without borders.
     */
    void stage(MemorySegment src, long from, float[] raw, float[] dst, int at, int stride) {
        int h = height, w = width, wp = wp(), plane = plane();
        if (pad == 0 && stride == plane) {
            MemorySegment.copy(src, F, from * Float.BYTES, dst, at, channels * h * w);
            return;
        }
        MemorySegment.copy(src, F, from * Float.BYTES, raw, 0, channels * h * w);
        int hp = hp(), right = pad + w;
        for (int c = 0; c < channels; c++) {
            int base = at + c * stride;
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
     * Writes {@code planes} planes of outputs, each {@link #positions()} long in {@code frame} from {@code at}, to
     * {@code dst} at float offset {@code to} as {@code [planes][outRows][outCols]}, dropping the border positions;
     * {@code compact} is scratch of at least that size.
     */
    void unstage(float[] frame, int at, int planes, float[] compact, MemorySegment dst, long to) {
        int p = outRows(), q = outCols(), wp = wp(), positions = positions();
        for (int f = 0; f < planes; f++) {
            for (int i = 0; i < p; i++) System.arraycopy(frame, at + f * positions + i * wp, compact, (f * p + i) * q, q);
        }
        MemorySegment.copy(compact, 0, dst, F, to * Float.BYTES, planes * p * q);
    }

    /**
     * The inverse of {@link #unstage}: reads {@code [planes][outRows][outCols]} from {@code src} at {@code from} into
     * frame layout, {@link #positions()} per plane, plane {@code f} at {@code at + f * stride}, with zeros at the
     * border positions and the rounding tail.
     */
    void stageOutputs(MemorySegment src, long from, int planes, float[] raw, float[] frame, int at, int stride) {
        int p = outRows(), q = outCols(), wp = wp(), positions = positions();
        MemorySegment.copy(src, F, from * Float.BYTES, raw, 0, planes * p * q);
        for (int f = 0; f < planes; f++) {
            int base = at + f * stride;
            for (int i = 0; i < p; i++) {
                System.arraycopy(raw, (f * p + i) * q, frame, base + i * wp, q);
                Arrays.fill(frame, base + i * wp + q, base + (i + 1) * wp, 0f);
            }
            Arrays.fill(frame, base + p * wp, base + positions, 0f);
        }
    }

    static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
