package dev.lottery.nn.backend;

/**
 * NCHW activations seen per channel: {@code [batch, channels, spatial]} with {@code spatial = H*W} (1 for flat
 * activations). Batch normalization and global average pooling reduce over batch and/or spatial positions.
 */
public record ChannelGeometry(int batch, int channels, int spatial) {
    /** Checks that every size is positive. */
    public ChannelGeometry {
        if (batch <= 0 || channels <= 0 || spatial <= 0) throw new IllegalArgumentException("bad geometry " + batch + "x" + channels + "x" + spatial);
    }

    /** Elements of the activations. */
    public long size() {
        return (long) batch * channels * spatial;
    }
}
