package dev.lottery.nn.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * A labelled image data set held on the host, ready to be made resident on a backend.
 *
 * <p>{@code images} is NCHW float32 with values {@code byte/255f} in [0,1]: the paper's LeNet trains on raw
 * pixels, so no mean/std normalization happens here (a model that wants it does it itself).
 * {@code labels} holds one class index per example, in {@code [0, classes)}.
 * The arrays are shared, not copied; treat them as read-only.
 *
 * @param name     the set's name in messages and results, e.g. {@code mnist/train}
 * @param images   {@code count * channels * height * width} values, NCHW
 * @param labels   {@code count} class indices, read as unsigned bytes
 * @param count    examples, at least 0
 * @param channels channels of one image (the feature count for flat examples)
 * @param height   rows of one image (1 for flat examples)
 * @param width    columns of one image (1 for flat examples)
 * @param classes  number of classes, from 1 to 256
 */
public record Dataset(String name, float[] images, byte[] labels, int count, int channels, int height, int width,
                      int classes) {

    /** Checks the shape, the array sizes and that every label is a class. */
    public Dataset {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(images, "images");
        Objects.requireNonNull(labels, "labels");
        if (count < 0) throw new IllegalArgumentException(name + ": negative count " + count);
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException(name + ": bad image shape " + channels + "x" + height + "x" + width);
        }
        if (classes <= 0 || classes > 256) throw new IllegalArgumentException(name + ": bad class count " + classes);
        long expectedPixels = (long) count * channels * height * width;
        if (images.length != expectedPixels) {
            throw new IllegalArgumentException(name + ": " + images.length + " image values, expected " + expectedPixels
                    + " (" + count + " x " + channels + "x" + height + "x" + width + ")");
        }
        if (labels.length != count) {
            throw new IllegalArgumentException(name + ": " + labels.length + " labels for " + count + " examples");
        }
        for (int i = 0; i < count; i++) {
            int label = Byte.toUnsignedInt(labels[i]);
            if (label >= classes) {
                throw new IllegalArgumentException(name + ": label " + label + " at example " + i
                        + " is outside [0, " + classes + ")");
            }
        }
    }

    /**
     * A data set of flat examples held in arrays: {@code examples[i]} is example i's values (all of one length),
     * {@code labels[i]} its class in {@code [0, classes)}. The values are copied.
     *
     * @param name     the set's name
     * @param examples at least one example, every one of the same length; stored as {@code [n, features, 1, 1]}
     * @param labels   one class per example
     * @param classes  number of classes, from 1 to 256
     * @return a new data set holding copies of the values
     * @throws IllegalArgumentException if there are no examples, the counts or lengths differ, or a label is out of
     *                                  range
     */
    public static Dataset of(String name, float[][] examples, int[] labels, int classes) {
        if (examples.length != labels.length) {
            throw new IllegalArgumentException(name + ": " + examples.length + " examples and " + labels.length + " labels");
        }
        if (examples.length == 0) throw new IllegalArgumentException(name + ": no examples");
        int features = examples[0].length;
        float[] images = new float[examples.length * features];
        byte[] classOf = new byte[labels.length];
        for (int i = 0; i < examples.length; i++) {
            if (examples[i].length != features) {
                throw new IllegalArgumentException(name + ": example " + i + " has " + examples[i].length + " values, example 0 has " + features);
            }
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException(name + ": label " + labels[i] + " at example " + i + " is outside [0, " + classes + ")");
            }
            System.arraycopy(examples[i], 0, images, i * features, features);
            classOf[i] = (byte) labels[i];
        }
        return new Dataset(name, images, classOf, examples.length, features, 1, 1, classes);
    }

    /** {@return the values per example, {@code channels * height * width}} */
    public int featureSize() {
        return channels * height * width;
    }

    /**
     * The class index of example {@code i}.
     *
     * @param i the example, in {@code [0, count)}
     * @return its class, in {@code [0, classes)}
     * @throws IndexOutOfBoundsException if {@code i} is out of range
     */
    public int label(int i) {
        Objects.checkIndex(i, count);
        return Byte.toUnsignedInt(labels[i]);
    }

    /**
     * A copy of examples {@code [from, to)}, under the same name.
     *
     * @param from the first example, inclusive
     * @param to   the end, exclusive, at most {@code count}
     * @return a new data set with its own arrays
     * @throws IndexOutOfBoundsException if the range does not lie in {@code [0, count]}
     */
    public Dataset subset(int from, int to) {
        Objects.checkFromToIndex(from, to, count);
        int f = featureSize();
        return new Dataset(name, Arrays.copyOfRange(images, from * f, to * f), Arrays.copyOfRange(labels, from, to),
                to - from, channels, height, width, classes);
    }

    /**
     * A copy holding the examples at {@code indices}, in that order (indices may repeat), under the same name.
     *
     * @param indices examples, each in {@code [0, count)}; read, not kept
     * @return a new data set of {@code indices.length} examples with its own arrays
     * @throws IndexOutOfBoundsException if an index is out of range
     */
    public Dataset select(int[] indices) {
        int f = featureSize();
        float[] im = new float[Math.multiplyExact(indices.length, f)];
        byte[] lb = new byte[indices.length];
        for (int k = 0; k < indices.length; k++) {
            int i = Objects.checkIndex(indices[k], count);
            System.arraycopy(images, i * f, im, k * f, f);
            lb[k] = labels[i];
        }
        return new Dataset(name, im, lb, indices.length, channels, height, width, classes);
    }

    /**
     * The same examples under another name (arrays shared).
     *
     * @param newName the name of the view
     * @return a data set sharing this one's arrays
     */
    public Dataset named(String newName) {
        return new Dataset(newName, images, labels, count, channels, height, width, classes);
    }

    /** {@return a new array of {@code classes} entries: how many examples each class has} */
    public int[] classCounts() {
        int[] counts = new int[classes];
        for (byte b : labels) counts[Byte.toUnsignedInt(b)]++;
        return counts;
    }

    /** Arrays are summarized: printing 47 million floats helps nobody. */
    @Override
    public String toString() {
        return "Dataset[" + name + ", " + count + " x " + channels + "x" + height + "x" + width + ", " + classes
                + " classes]";
    }
}
