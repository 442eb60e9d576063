package dev.lottery.nn.backend;

/** NCHW max pooling: {@code window x window} windows moved by {@code stride}, no padding (floor mode). */
public record PoolGeometry(int batch, int channels, int height, int width, int window, int stride) {
    /** Checks that sizes are positive and the window fits. */
    public PoolGeometry {
        if (batch <= 0 || channels <= 0 || window <= 0 || stride <= 0 || height < window || width < window) {
            throw new IllegalArgumentException("bad pooling geometry " + batch + "x" + channels + "x" + height + "x" + width
                    + " window " + window + " stride " + stride);
        }
    }

    /** Output rows. */
    public int outHeight() {
        return (height - window) / stride + 1;
    }

    /** Output columns. */
    public int outWidth() {
        return (width - window) / stride + 1;
    }

    /** Elements of the input. */
    public long inputSize() {
        return (long) batch * channels * height * width;
    }

    /** Elements of the output. */
    public long outputSize() {
        return (long) batch * channels * outHeight() * outWidth();
    }
}
