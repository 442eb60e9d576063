package dev.lottery.nn.backend.common;

import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.tensor.Tensor;

/**
 * The argument checks of {@link Backend#shiftAndFlip}, shared by every backend so they refuse the same requests
 * with the same messages.
 */
public final class ShiftAndFlipRequest {
    private ShiftAndFlipRequest() {}

    /** Validates the request and returns the number of images in the batch. */
    public static int batch(Tensor src, Tensor dst, int channels, int height, int width, int[] shiftY, int[] shiftX, boolean[] flip) {
        if (src == dst) throw new IllegalArgumentException("shiftAndFlip needs distinct source and destination");
        long image = (long) channels * height * width;
        int batch = Math.toIntExact(src.size() / image);
        if (src.size() != batch * image) throw new IllegalArgumentException("shiftAndFlip source: " + src + " should hold " + batch * image + " values");
        if (dst.size() != batch * image) throw new IllegalArgumentException("shiftAndFlip destination: " + dst + " should hold " + batch * image + " values");
        if (shiftY.length < batch || shiftX.length < batch || flip.length < batch) throw new IllegalArgumentException("shiftAndFlip: fewer draws than images");
        return batch;
    }
}
