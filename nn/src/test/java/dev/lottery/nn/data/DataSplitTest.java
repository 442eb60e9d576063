package dev.lottery.nn.data;

import dev.lottery.nn.UserError;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataSplitTest {
    /** SplittableRandom(1) Fisher–Yates of 0..9; update only when the shuffle is changed on purpose. */
    private static final int[] PINNED_PERMUTATION_10_SEED_1 = {8, 2, 0, 3, 5, 4, 7, 9, 6, 1}; // KeyedRandom(1, "data", "validation-holdout")

    private final Dataset full = DatasetTest.sample(100);
    private final Dataset test = DatasetTest.sample(10);

    /** The example indices of a split's set, recovered from the pixel pattern (first pixel = 10 * index). */
    private static int[] indices(Dataset d) {
        int[] idx = new int[d.count()];
        for (int i = 0; i < d.count(); i++) idx[i] = (int) (d.images()[i * d.featureSize()] / 10);
        return idx;
    }

    @Test
    void holdoutSizesAndDisjointCover() {
        DataSplit s = DataSplit.holdout(full, test, 30, 42);
        assertEquals(70, s.train().count());
        assertEquals(30, s.validation().count());
        assertSame(test, s.test());
        Set<Integer> seen = new HashSet<>();
        for (int i : indices(s.train())) assertTrue(seen.add(i));
        for (int i : indices(s.validation())) assertTrue(seen.add(i), "example " + i + " in both sets");
        assertEquals(100, seen.size());
        for (int k = 0; k < s.validation().count(); k++) {
            int i = indices(s.validation())[k];
            assertEquals(full.label(i), s.validation().label(k), "labels travel with their images");
        }
    }

    @Test
    void setsKeepOriginalOrderAndGetNames() {
        DataSplit s = DataSplit.holdout(full, test, 30, 42);
        int[] t = indices(s.train());
        int[] sorted = t.clone();
        Arrays.sort(sorted);
        assertArrayEquals(sorted, t);
        assertEquals("toy/train", s.train().name());
        assertEquals("toy/validation", s.validation().name());
    }

    @Test
    void sameSeedSameSplitOtherSeedOtherSplit() {
        int[] a = indices(DataSplit.holdout(full, test, 20, 7).validation());
        int[] b = indices(DataSplit.holdout(full, test, 20, 7).validation());
        int[] c = indices(DataSplit.holdout(full, test, 20, 8).validation());
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
    }

    @Test
    void permutationIsAPermutationAndPinnedForSeed() {
        int[] p = DataSplit.permutation(1000, 123);
        int[] sorted = p.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < 1000; i++) assertEquals(i, sorted[i]);
        assertFalse(Arrays.equals(p, sorted), "not the identity");
        // Pins the stream: changing the shuffle changes every experiment's validation set, so it must be deliberate.
        assertArrayEquals(PINNED_PERMUTATION_10_SEED_1, DataSplit.permutation(10, 1));
    }

    @Test
    void zeroValidationGivesNullAndFullTrain() {
        DataSplit s = DataSplit.holdout(full, test, 0, 1);
        assertNull(s.validation());
        assertSame(full, s.train());
    }

    @Test
    void setsMustAgreeInShape() {
        Dataset other = new Dataset("o", new float[9], new byte[1], 1, 1, 3, 3, 3);
        assertThrows(IllegalArgumentException.class, () -> new DataSplit(full, null, other));
        assertThrows(IllegalArgumentException.class, () -> new DataSplit(full, other, test));
    }

    @Test
    void impossibleSizesAreUserErrors() {
        UserError big = assertThrows(UserError.class, () -> DataSplit.holdout(full, test, 100, 1));
        assertEquals("validation size 100 must be in [0, 100) for toy/train (100 training examples)", big.getMessage());
        assertThrows(UserError.class, () -> DataSplit.holdout(full, test, -1, 1));
    }
}
