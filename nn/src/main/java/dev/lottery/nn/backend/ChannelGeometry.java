package dev.lottery.nn.backend;

/**
 * NCHW activations seen per channel: {@code [batch, channels, spatial]} with {@code spatial = H*W} (1 for flat
 * activations). Batch normalization and global average pooling reduce over batch and/or spatial positions.
 *
 * @param batch    examples in the mini-batch
 * @param channels channels (features of flat activations), every member's for a population
 * @param spatial  positions per channel, {@code height * width}; 1 for flat activations
 */
public record ChannelGeometry(int batch, int channels, int spatial) {
    /** Checks that every size is positive. */
    public ChannelGeometry {
        if (batch <= 0 || channels <= 0 || spatial <= 0) throw new IllegalArgumentException("bad geometry " + batch + "x" + channels + "x" + spatial);
    }

    /** {@return the number of values, {@code batch * channels * spatial}} */
    public long size() {
        return (long) batch * channels * spatial;
    }
}
