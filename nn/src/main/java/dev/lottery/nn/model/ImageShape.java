package dev.lottery.nn.model;

/**
 * The shape of one example's activations, channels x height x width (NCHW without the batch). Fully-connected
 * activations are flat: {@code units x 1 x 1}.
 *
 * @param channels the number of channels (or units of a flat vector), at least 1
 * @param height   the image height in pixels, at least 1
 * @param width    the image width in pixels, at least 1
 */
public record ImageShape(int channels, int height, int width) {
    /** Checks that every dimension is positive. */
    public ImageShape {
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("bad shape " + channels + "x" + height + "x" + width);
        }
    }

    /**
     * A flat vector of {@code features} values.
     *
     * @param features the number of values, at least 1
     * @return the shape {@code features x 1 x 1}
     * @throws IllegalArgumentException if {@code features} is not positive
     */
    public static ImageShape flat(int features) {
        return new ImageShape(features, 1, 1);
    }

    /**
     * Whether this is a flat vector ({@code height} and {@code width} 1).
     *
     * @return true when height and width are both 1, as for fully-connected activations
     */
    public boolean isFlat() {
        return height == 1 && width == 1;
    }

    /**
     * Values per example.
     *
     * @return channels × height × width
     * @throws ArithmeticException if the product overflows an int
     */
    public int features() {
        return Math.multiplyExact(Math.multiplyExact(channels, height), width);
    }

    /**
     * The activations of {@code members} networks side by side along the channels (a population's layout).
     *
     * @param members the number of networks, at least 1
     * @return the shape with {@code members} times as many channels and the same height and width
     * @throws ArithmeticException if the channel count overflows an int
     */
    public ImageShape times(int members) {
        return new ImageShape(Math.multiplyExact(channels, members), height, width);
    }

    /**
     * Values per channel (height x width).
     *
     * @return height × width; 1 for a flat vector
     */
    public int spatial() {
        return height * width;
    }

    @Override
    public String toString() {
        return channels + "x" + height + "x" + width;
    }
}
