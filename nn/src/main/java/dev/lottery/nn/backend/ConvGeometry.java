package dev.lottery.nn.backend;

/**
 * One NCHW convolution as the backend sees it (what cuDNN's tensor, filter and convolution descriptors say):
 * input {@code [batch, channels, height, width]}, filters {@code [filters, channels/groups, kernel, kernel]},
 * symmetric zero padding {@code pad}, equal strides, output {@code [batch, filters, outHeight, outWidth]}.
 * Cross-correlation, as in every deep-learning library. With {@code groups > 1} the channels and filters split into
 * that many independent convolutions side by side, which is how a population's members are laid out.
 *
 * @param batch    examples in the mini-batch
 * @param channels input channels, all groups together
 * @param height   input rows
 * @param width    input columns
 * @param filters  output channels, all groups together
 * @param kernel   the side of the square filters
 * @param stride   step between neighbouring windows, the same along rows and columns
 * @param pad      zero rows and columns added on every side of the input, 0 or more
 * @param groups   independent convolutions side by side (a population's member count), dividing channels and filters
 */
public record ConvGeometry(int batch, int channels, int height, int width, int filters, int kernel, int stride, int pad, int groups) {
    /** Checks that every size is positive, the groups divide channels and filters, and the kernel fits. */
    public ConvGeometry {
        if (batch <= 0 || channels <= 0 || height <= 0 || width <= 0 || filters <= 0 || kernel <= 0 || stride <= 0 || pad < 0 || groups <= 0) {
            throw new IllegalArgumentException("bad convolution geometry " + batch + "x" + channels + "x" + height + "x" + width
                    + " * " + filters + "x" + kernel + "x" + kernel + " stride " + stride + " pad " + pad + " groups " + groups);
        }
        if (channels % groups != 0 || filters % groups != 0) {
            throw new IllegalArgumentException(groups + " groups do not divide " + channels + " channels and " + filters + " filters");
        }
        if (height + 2 * pad < kernel || width + 2 * pad < kernel) throw new IllegalArgumentException("kernel larger than the padded input");
    }

    /**
     * A convolution without groups.
     *
     * @param batch    examples in the mini-batch
     * @param channels input channels
     * @param height   input rows
     * @param width    input columns
     * @param filters  output channels
     * @param kernel   the side of the square filters
     * @param stride   step between neighbouring windows
     * @param pad      zero rows and columns added on every side of the input
     */
    public ConvGeometry(int batch, int channels, int height, int width, int filters, int kernel, int stride, int pad) {
        this(batch, channels, height, width, filters, kernel, stride, pad, 1);
    }

    /** {@return the output rows, {@code (height + 2*pad - kernel) / stride + 1}} */
    public int outHeight() {
        return (height + 2 * pad - kernel) / stride + 1;
    }

    /** {@return the output columns, {@code (width + 2*pad - kernel) / stride + 1}} */
    public int outWidth() {
        return (width + 2 * pad - kernel) / stride + 1;
    }

    /** {@return the input channels each filter sees, {@code channels / groups}} */
    public int groupChannels() {
        return channels / groups;
    }

    /** {@return the filters of each group, {@code filters / groups}} */
    public int groupFilters() {
        return filters / groups;
    }

    /** {@return the number of input values, {@code batch*channels*height*width}} */
    public long inputSize() {
        return (long) batch * channels * height * width;
    }

    /** {@return the number of output values, {@code batch*filters*outHeight*outWidth}} */
    public long outputSize() {
        return (long) batch * filters * outHeight() * outWidth();
    }

    /** {@return the number of filter values, {@code filters*groupChannels*kernel*kernel}} */
    public long filterSize() {
        return (long) filters * groupChannels() * kernel * kernel;
    }

    /**
     * The same convolution over another batch size.
     *
     * @param n the new batch size, at least 1
     * @return a new geometry; this one is unchanged
     */
    public ConvGeometry withBatch(int n) {
        return new ConvGeometry(n, channels, height, width, filters, kernel, stride, pad, groups);
    }

    /**
     * {@return one group alone: the convolution a single member of a population computes, with
     * {@link #groupChannels()} channels and {@link #groupFilters()} filters}
     */
    public ConvGeometry group() {
        return new ConvGeometry(batch, groupChannels(), height, width, groupFilters(), kernel, stride, pad, 1);
    }
}
