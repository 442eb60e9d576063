package dev.lottery.nn.backend;

/**
 * One NCHW convolution as the backend sees it (what cuDNN's tensor, filter and convolution descriptors say):
 * input {@code [batch, channels, height, width]}, filters {@code [filters, channels, kernel, kernel]}, symmetric
 * zero padding {@code pad}, equal strides, output {@code [batch, filters, outHeight, outWidth]}. Cross-correlation,
 * as in every deep-learning library.
 */
public record ConvGeometry(int batch, int channels, int height, int width, int filters, int kernel, int stride, int pad) {
    public ConvGeometry {
        if (batch <= 0 || channels <= 0 || height <= 0 || width <= 0 || filters <= 0 || kernel <= 0 || stride <= 0 || pad < 0) {
            throw new IllegalArgumentException("bad convolution geometry " + batch + "x" + channels + "x" + height + "x" + width
                    + " * " + filters + "x" + kernel + "x" + kernel + " stride " + stride + " pad " + pad);
        }
        if (height + 2 * pad < kernel || width + 2 * pad < kernel) throw new IllegalArgumentException("kernel larger than the padded input");
    }

    public int outHeight() {
        return (height + 2 * pad - kernel) / stride + 1;
    }

    public int outWidth() {
        return (width + 2 * pad - kernel) / stride + 1;
    }

    public long inputSize() {
        return (long) batch * channels * height * width;
    }

    public long outputSize() {
        return (long) batch * filters * outHeight() * outWidth();
    }

    public long filterSize() {
        return (long) filters * channels * kernel * kernel;
    }

    /** The same convolution over another batch size. */
    public ConvGeometry withBatch(int n) {
        return new ConvGeometry(n, channels, height, width, filters, kernel, stride, pad);
    }
}
