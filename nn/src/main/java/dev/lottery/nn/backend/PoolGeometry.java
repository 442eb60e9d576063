package dev.lottery.nn.backend;

/**
 * NCHW max pooling: {@code window x window} windows moved by {@code stride}, no padding (floor mode).
 *
 * @param batch    examples in the mini-batch
 * @param channels channels, every member's for a population
 * @param height   input rows, at least {@code window}
 * @param width    input columns, at least {@code window}
 * @param window   the side of the square pooling window
 * @param stride   step between neighbouring windows; windows overlap when it is smaller than {@code window}
 */
public record PoolGeometry(int batch, int channels, int height, int width, int window, int stride) {
    /** Checks that sizes are positive and the window fits. */
    public PoolGeometry {
        if (batch <= 0 || channels <= 0 || window <= 0 || stride <= 0 || height < window || width < window) {
            throw new IllegalArgumentException("bad pooling geometry " + batch + "x" + channels + "x" + height + "x" + width
                    + " window " + window + " stride " + stride);
        }
    }

    /**
     * {@return the output rows, {@code (height - window) / stride + 1}; trailing rows that fill no window are
     * dropped}
     */
    public int outHeight() {
        return (height - window) / stride + 1;
    }

    /** {@return the output columns, {@code (width - window) / stride + 1}} */
    public int outWidth() {
        return (width - window) / stride + 1;
    }

    /** {@return the number of input values, {@code batch*channels*height*width}} */
    public long inputSize() {
        return (long) batch * channels * height * width;
    }

    /** {@return the number of output values, {@code batch*channels*outHeight*outWidth}} */
    public long outputSize() {
        return (long) batch * channels * outHeight() * outWidth();
    }
}
