package dev.lottery.nn.model;

/**
 * The shape of one example's activations, channels x height x width (NCHW without the batch). Fully-connected
 * activations are flat: {@code units x 1 x 1}.
 */
public record ImageShape(int channels, int height, int width) {
    /** Checks that every dimension is positive. */
    public ImageShape {
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("bad shape " + channels + "x" + height + "x" + width);
        }
    }

    /** A flat vector of {@code features} values. */
    public static ImageShape flat(int features) {
        return new ImageShape(features, 1, 1);
    }

    /** Whether this is a flat vector ({@code height} and {@code width} 1). */
    public boolean isFlat() {
        return height == 1 && width == 1;
    }

    /** Values per example. */
    public int features() {
        return Math.multiplyExact(Math.multiplyExact(channels, height), width);
    }

    /** The activations of {@code members} networks side by side along the channels (a population's layout). */
    public ImageShape times(int members) {
        return new ImageShape(Math.multiplyExact(channels, members), height, width);
    }

    /** Values per channel (height x width). */
    public int spatial() {
        return height * width;
    }

    @Override
    public String toString() {
        return channels + "x" + height + "x" + width;
    }
}
