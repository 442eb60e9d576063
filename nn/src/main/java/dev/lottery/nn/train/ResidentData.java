package dev.lottery.nn.train;

import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.data.DataSplit;
import dev.lottery.nn.data.Dataset;
import dev.lottery.nn.tensor.Tensor;

/**
 * A data split made resident in a backend's memory once: images as {@code [count, features]}, labels as
 * {@code [count]} (exact small integers in floats). Mini-batches are gathered from it by index lists.
 */
public final class ResidentData implements AutoCloseable {
    /** One resident data set. */
    public record Part(String name, Tensor images, Tensor labels, int count, int features) implements AutoCloseable {
        @Override
        public void close() {
            images.close();
            labels.close();
        }
    }

    private final Part train;
    private final Part validation;
    private final Part test;

    private ResidentData(Part train, Part validation, Part test) {
        this.train = train;
        this.validation = validation;
        this.test = test;
    }

    /** Uploads the split as it is (pixels in [0, 1]). */
    public static ResidentData upload(Backend backend, DataSplit split) {
        return upload(backend, split, Normalization.NONE);
    }

    /** Uploads the split with every pixel standardized by {@code normalization}. */
    public static ResidentData upload(Backend backend, DataSplit split, Normalization normalization) {
        Part train = upload(backend, split.train(), normalization);
        Part validation = split.validation() == null ? null : upload(backend, split.validation(), normalization);
        Part test = upload(backend, split.test(), normalization);
        return new ResidentData(train, validation, test);
    }

    private static Part upload(Backend backend, Dataset d, Normalization normalization) {
        float[] labels = new float[d.count()];
        for (int i = 0; i < labels.length; i++) labels[i] = d.labels()[i] & 0xff;
        Tensor images = backend.upload(d.name() + ".images", normalization.apply(d.images()), d.count(), d.featureSize());
        Tensor labelTensor = backend.upload(d.name() + ".labels", labels, d.count());
        return new Part(d.name(), images, labelTensor, d.count(), d.featureSize());
    }

    public Part train() {
        return train;
    }

    /** Null when no validation set is held out. */
    public Part validation() {
        return validation;
    }

    public Part test() {
        return test;
    }

    @Override
    public void close() {
        train.close();
        if (validation != null) validation.close();
        test.close();
    }
}
