package dev.lottery.nn.data;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetTest {
    /** count examples of 1x2x2; example i holds pixel values i*10 .. i*10+3 and label i % 3. */
    static Dataset sample(int count) {
        float[] im = new float[count * 4];
        byte[] lb = new byte[count];
        for (int i = 0; i < count; i++) {
            for (int p = 0; p < 4; p++) im[i * 4 + p] = i * 10 + p;
            lb[i] = (byte) (i % 3);
        }
        return new Dataset("toy/train", im, lb, count, 1, 2, 2, 3);
    }

    @Test
    void ofCopiesFlatExamplesFromArrays() {
        float[][] x = {{1, 2, 3}, {4, 5, 6}};
        Dataset d = Dataset.of("arrays", x, new int[] {2, 0}, 3);
        x[0][0] = 99; // a copy: later changes to the arrays do not reach the data set
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, d.images());
        assertEquals(3, d.featureSize());
        assertEquals(2, d.label(0));
        assertEquals(0, d.label(1));
    }

    @Test
    void ofRejectsRaggedExamplesAndLabelsOutsideTheClasses() {
        assertThrows(IllegalArgumentException.class, () -> Dataset.of("r", new float[][] {{1, 2}, {3}}, new int[] {0, 0}, 2));
        assertThrows(IllegalArgumentException.class, () -> Dataset.of("l", new float[][] {{1}, {2}}, new int[] {0, 2}, 2));
        assertThrows(IllegalArgumentException.class, () -> Dataset.of("n", new float[][] {{1}}, new int[] {0, 1}, 2));
    }

    @Test
    void featureSizeIsChannelsTimesHeightTimesWidth() {
        assertEquals(4, sample(2).featureSize());
        assertEquals(3 * 32 * 32, new Dataset("c", new float[3072], new byte[1], 1, 3, 32, 32, 10).featureSize());
    }

    @Test
    void subsetCopiesTheRange() {
        Dataset d = sample(5);
        Dataset s = d.subset(1, 3);
        assertEquals(2, s.count());
        assertArrayEquals(new float[] {10, 11, 12, 13, 20, 21, 22, 23}, s.images());
        assertArrayEquals(new byte[] {1, 2}, s.labels());
        s.images()[0] = -1;
        assertEquals(10, d.images()[4], "subset must copy, not share");
        assertThrows(IndexOutOfBoundsException.class, () -> d.subset(3, 6));
    }

    @Test
    void selectGathersInOrder() {
        Dataset s = sample(4).select(new int[] {3, 0});
        assertArrayEquals(new float[] {30, 31, 32, 33, 0, 1, 2, 3}, s.images());
        assertArrayEquals(new byte[] {0, 0}, s.labels());
        assertArrayEquals(new int[] {2, 0, 0}, s.classCounts());
    }

    @Test
    void constructorRejectsInconsistentLengths() {
        IllegalArgumentException im = assertThrows(IllegalArgumentException.class,
                () -> new Dataset("x", new float[7], new byte[2], 2, 1, 2, 2, 3));
        assertTrue(im.getMessage().contains("7 image values, expected 8"), im.getMessage());
        IllegalArgumentException lb = assertThrows(IllegalArgumentException.class,
                () -> new Dataset("x", new float[8], new byte[3], 2, 1, 2, 2, 3));
        assertTrue(lb.getMessage().contains("3 labels for 2 examples"), lb.getMessage());
        IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
                () -> new Dataset("x", new float[4], new byte[] {3}, 1, 1, 2, 2, 3));
        assertTrue(range.getMessage().contains("label 3"), range.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Dataset("x", new float[0], new byte[0], 0, 0, 2, 2, 3));
    }

    @Test
    void labelIsUnsigned() {
        Dataset d = new Dataset("x", new float[1], new byte[] {(byte) 200}, 1, 1, 1, 1, 256);
        assertEquals(200, d.label(0));
    }
}
