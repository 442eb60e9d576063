package dev.lottery.nn.backend.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** The CPU side of {@code Backend.shiftAndFlip}: per-example mirror and translation with zero fill. */
public final class CpuImageShift {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private CpuImageShift() {}

    public static void shiftAndFlip(MemorySegment src, MemorySegment dst, int batch, int channels, int height, int width,
                                    int[] shiftY, int[] shiftX, boolean[] flip) {
        for (int n = 0; n < batch; n++) {
            for (int c = 0; c < channels; c++) {
                long plane = ((long) n * channels + c) * height * width;
                for (int h = 0; h < height; h++) {
                    int sh = h + shiftY[n];
                    long row = plane + (long) h * width;
                    if (sh < 0 || sh >= height) {
                        dst.asSlice(row * Float.BYTES, (long) width * Float.BYTES).fill((byte) 0);
                        continue;
                    }
                    long srcRow = plane + (long) sh * width;
                    for (int w = 0; w < width; w++) {
                        int sw = (flip[n] ? width - 1 - w : w) + shiftX[n];
                        dst.setAtIndex(F, row + w, sw < 0 || sw >= width ? 0f : src.getAtIndex(F, srcRow + sw));
                    }
                }
            }
        }
    }
}
