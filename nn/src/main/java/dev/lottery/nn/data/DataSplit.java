package dev.lottery.nn.data;

import dev.lottery.nn.UserError;

import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The three sets of one experiment. {@code validation} is null when no examples were held out.
 * The paper holds out 5,000 MNIST training examples for early-stopping measurements (Appendix B/G).
 */
public record DataSplit(Dataset train, Dataset validation, Dataset test) {

    public DataSplit {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(test, "test");
        requireSameShape(train, test);
        if (validation != null) requireSameShape(train, validation);
    }

    private static void requireSameShape(Dataset a, Dataset b) {
        if (a.channels() != b.channels() || a.height() != b.height() || a.width() != b.width()
                || a.classes() != b.classes()) {
            throw new IllegalArgumentException(a + " and " + b + " differ in image shape or classes");
        }
    }

    /**
     * Moves {@code validationSize} examples of {@code fullTrain}, chosen by a permutation seeded with {@code seed},
     * into a validation set; the rest stay in training. Both sets keep the original example order, so the
     * seed only decides <em>which</em> examples are held out (the trainer shuffles on its own stream).
     * {@code validationSize == 0} gives a null validation set and the full training set.
     */
    public static DataSplit holdout(Dataset fullTrain, Dataset test, int validationSize, long seed) {
        if (validationSize < 0 || validationSize >= fullTrain.count()) {
            throw new UserError("validation size " + validationSize + " must be in [0, " + fullTrain.count()
                    + ") for " + fullTrain.name() + " (" + fullTrain.count() + " training examples)");
        }
        if (validationSize == 0) return new DataSplit(fullTrain, null, test);
        int[] order = permutation(fullTrain.count(), seed);
        int[] held = Arrays.copyOfRange(order, 0, validationSize);
        int[] kept = Arrays.copyOfRange(order, validationSize, order.length);
        Arrays.sort(held);
        Arrays.sort(kept);
        return new DataSplit(fullTrain.select(kept), fullTrain.select(held).named(validationName(fullTrain.name())),
                test);
    }

    /** {@code mnist/train} -> {@code mnist/validation}; any other name gets {@code /validation} appended. */
    static String validationName(String trainName) {
        return trainName.endsWith("/train")
                ? trainName.substring(0, trainName.length() - "/train".length()) + "/validation"
                : trainName + "/validation";
    }

    /**
     * A uniformly random permutation of {@code 0..n-1}: Fisher–Yates driven by {@link SplittableRandom}.
     * Kept in this one method so the stream can be swapped (e.g. for Philox) without touching the split logic.
     */
    static int[] permutation(int n, long seed) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
