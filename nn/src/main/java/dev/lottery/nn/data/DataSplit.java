package dev.lottery.nn.data;

import dev.lottery.nn.UserError;

import java.util.Arrays;
import java.util.Objects;
import dev.lottery.nn.rng.KeyedRandom;

/**
 * The three sets of one experiment. {@code validation} is null when no examples were held out.
 * The paper holds out 5,000 MNIST training examples for early-stopping measurements (Appendix B/G).
 *
 * @param train      the examples training draws mini-batches from
 * @param validation the held-out training examples, or null when none are held out
 * @param test       the examples accuracy is reported on
 */
public record DataSplit(Dataset train, Dataset validation, Dataset test) {

    /** Checks that the sets share image shape and classes. */
    public DataSplit {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(test, "test");
        requireSameShape(train, test);
        if (validation != null) requireSameShape(train, validation);
    }

    /**
     * Training and test sets without a validation set.
     *
     * @param train the examples training draws mini-batches from
     * @param test  the examples accuracy is reported on; same image shape and classes as {@code train}
     */
    public DataSplit(Dataset train, Dataset test) {
        this(train, null, test);
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
     *
     * @param fullTrain      the whole training part as read from disk
     * @param test           the test part, kept as it is
     * @param validationSize examples to hold out, in {@code [0, fullTrain.count())}
     * @param seed           the seed of the keyed draw that chooses the held-out examples
     * @return the split; the training and validation sets are copies, the test set is {@code test} itself
     * @throws UserError if {@code validationSize} is negative or leaves no training example
     */
    public static DataSplit holdout(Dataset fullTrain, Dataset test, int validationSize, long seed) {
        Holdout h = holdout(fullTrain.name(), fullTrain.count(), validationSize, seed);
        if (h == null) return new DataSplit(fullTrain, null, test);
        return new DataSplit(fullTrain.select(h.kept()), fullTrain.select(h.held()).named(validationName(fullTrain.name())),
                test);
    }

    /**
     * The training examples a holdout keeps and the ones it holds out for validation, each in increasing order.
     *
     * @param kept indices of the examples that stay in training, increasing
     * @param held indices of the examples held out for validation, increasing
     */
    public record Holdout(int[] kept, int[] held) {}

    /**
     * The examples of a {@code count}-example training set that {@link #holdout(Dataset, Dataset, int, long)} keeps
     * and holds out; null when {@code validationSize} is 0 (nothing held out).
     *
     * @param trainName      the training set's name, for the error message
     * @param count          examples in the whole training set
     * @param validationSize examples to hold out, in {@code [0, count)}
     * @param seed           the seed of the keyed draw that chooses them
     * @return the kept and held-out indices, or null when {@code validationSize} is 0
     * @throws UserError if {@code validationSize} is negative or leaves no training example
     */
    public static Holdout holdout(String trainName, int count, int validationSize, long seed) {
        if (validationSize < 0 || validationSize >= count) {
            throw new UserError("validation size " + validationSize + " must be in [0, " + count
                    + ") for " + trainName + " (" + count + " training examples)");
        }
        if (validationSize == 0) return null;
        int[] order = permutation(count, seed);
        int[] held = Arrays.copyOfRange(order, 0, validationSize);
        int[] kept = Arrays.copyOfRange(order, validationSize, order.length);
        Arrays.sort(held);
        Arrays.sort(kept);
        return new Holdout(kept, held);
    }

    /**
     * {@code mnist/train} -> {@code mnist/validation}; any other name gets {@code /validation} appended.
     *
     * @param trainName the training set's name
     * @return the name of the validation set held out of it
     */
    public static String validationName(String trainName) {
        return trainName.endsWith("/train")
                ? trainName.substring(0, trainName.length() - "/train".length()) + "/validation"
                : trainName + "/validation";
    }

    /**
     * A uniformly random permutation of {@code 0..n-1} from the keyed generator (seed, "data", "validation-holdout"),
     * like every other draw in the project: independent of call order and reproducible on any backend.
     */
    static int[] permutation(int n, long seed) {
        return new KeyedRandom(seed, "data", "validation-holdout").permutation(n);
    }
}
