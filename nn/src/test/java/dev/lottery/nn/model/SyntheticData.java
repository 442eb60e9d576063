package dev.lottery.nn.model;

import dev.lottery.nn.data.DataSplit;
import dev.lottery.nn.data.Dataset;
import java.util.SplittableRandom;

/** Small, learnable synthetic classification data for fast engine tests (class = argmax of a fixed linear map). */
public final class SyntheticData {
    private SyntheticData() {}

    public static Dataset make(String name, int count, int features, int classes, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        SplittableRandom teacherRandom = new SplittableRandom(12345);
        float[][] teacher = new float[classes][features];
        for (float[] row : teacher) for (int j = 0; j < features; j++) row[j] = (float) teacherRandom.nextGaussian();
        float[] images = new float[count * features];
        byte[] labels = new byte[count];
        for (int i = 0; i < count; i++) {
            int best = 0;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < features; j++) images[i * features + j] = (float) r.nextDouble();
            for (int c = 0; c < classes; c++) {
                double s = 0;
                for (int j = 0; j < features; j++) s += teacher[c][j] * (images[i * features + j] - 0.5);
                if (s > bestScore) { bestScore = s; best = c; }
            }
            labels[i] = (byte) best;
        }
        return new Dataset(name, images, labels, count, 1, 1, features, classes);
    }

    public static DataSplit split(int train, int test, int features, int classes) {
        return new DataSplit(make("train", train, features, classes, 1), null, make("test", test, features, classes, 2));
    }

    /**
     * Images whose class is their colour: class c has a fixed mean per channel, every pixel is that mean plus noise.
     * Unlike {@link #make}'s linear teacher, the class survives flips and shifts, so augmented training can learn it.
     */
    public static Dataset colouredImages(String name, int count, ImageShape shape, int classes, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        SplittableRandom palette = new SplittableRandom(54321);
        float[][] colour = new float[classes][shape.channels()];
        for (float[] c : colour) for (int ch = 0; ch < c.length; ch++) c[ch] = (float) palette.nextGaussian();
        int features = shape.features(), plane = shape.height() * shape.width();
        float[] images = new float[count * features];
        byte[] labels = new byte[count];
        for (int i = 0; i < count; i++) {
            int label = r.nextInt(classes);
            labels[i] = (byte) label;
            for (int j = 0; j < features; j++) images[i * features + j] = colour[label][j / plane] + (float) r.nextGaussian();
        }
        return new Dataset(name, images, labels, count, shape.channels(), shape.height(), shape.width(), classes);
    }

    public static DataSplit imageSplit(int train, int test, ImageShape shape, int classes) {
        return new DataSplit(colouredImages("train", train, shape, classes, 1), null, colouredImages("test", test, shape, classes, 2));
    }
}
