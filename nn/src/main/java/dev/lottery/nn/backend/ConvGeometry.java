package dev.lottery.nn.backend;

/**
 * One NCHW convolution as the backend sees it (what cuDNN's tensor, filter and convolution descriptors say):
 * input {@code [batch, channels, height, width]}, filters {@code [filters, channels/groups, kernel, kernel]},
 * symmetric zero padding {@code pad}, equal strides, output {@code [batch, filters, outHeight, outWidth]}.
 * Cross-correlation, as in every deep-learning library. With {@code groups > 1} the channels and filters split into
 * that many independent convolutions side by side, which is how a population's members are laid out.
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

    /** A convolution without groups. */
    public ConvGeometry(int batch, int channels, int height, int width, int filters, int kernel, int stride, int pad) {
        this(batch, channels, height, width, filters, kernel, stride, pad, 1);
    }

    /** Output rows. */
    public int outHeight() {
        return (height + 2 * pad - kernel) / stride + 1;
    }

    /** Output columns. */
    public int outWidth() {
        return (width + 2 * pad - kernel) / stride + 1;
    }

    /** Input channels each filter sees. */
    public int groupChannels() {
        return channels / groups;
    }

    /** Filters per group. */
    public int groupFilters() {
        return filters / groups;
    }

    /** Elements of the input. */
    public long inputSize() {
        return (long) batch * channels * height * width;
    }

    /** Elements of the output. */
    public long outputSize() {
        return (long) batch * filters * outHeight() * outWidth();
    }

    /** Elements of the filters. */
    public long filterSize() {
        return (long) filters * groupChannels() * kernel * kernel;
    }

    /** The same convolution over another batch size. */
    public ConvGeometry withBatch(int n) {
        return new ConvGeometry(n, channels, height, width, filters, kernel, stride, pad, groups);
    }

    /** One group alone: the convolution a single member of a population computes. */
    public ConvGeometry group() {
        return new ConvGeometry(batch, groupChannels(), height, width, groupFilters(), kernel, stride, pad, 1);
    }
}
