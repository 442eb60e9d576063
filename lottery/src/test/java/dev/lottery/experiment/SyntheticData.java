package dev.lottery.experiment;

import dev.lottery.nn.data.DataSplit;
import dev.lottery.nn.data.Dataset;
import java.util.SplittableRandom;

/** Small, learnable synthetic classification data (class = argmax of a fixed linear map); copied from nn's tests. */
final class SyntheticData {
    private SyntheticData() {}

    static Dataset make(String name, int count, int features, int classes, long seed) {
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

    static DataSplit split(int train, int test, int features, int classes) {
        return new DataSplit(make("train", train, features, classes, 1), null, make("test", test, features, classes, 2));
    }
}
