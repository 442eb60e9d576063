package dev.lottery.nn.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/** Builds small IDX files in memory for tests: deterministic pixel and label patterns. */
final class IdxFixtures {
    private IdxFixtures() {
    }

    static byte[] images(int count, int rows, int cols) {
        ByteBuffer b = ByteBuffer.allocate(16 + count * rows * cols);
        b.putInt(IdxReader.IMAGES_MAGIC).putInt(count).putInt(rows).putInt(cols);
        for (int i = 0; i < count * rows * cols; i++) b.put((byte) pixel(i));
        return b.array();
    }

    /** The value of the i-th pixel written by {@link #images}: covers 0 and 255. */
    static int pixel(int i) {
        return (i * 37 + 11) % 256;
    }

    static byte[] labels(int count) {
        ByteBuffer b = ByteBuffer.allocate(8 + count);
        b.putInt(IdxReader.LABELS_MAGIC).putInt(count);
        for (int i = 0; i < count; i++) b.put((byte) label(i));
        return b.array();
    }

    static int label(int i) {
        return (i * 7 + 3) % 10;
    }

    /** A toy MNIST-like data set: 20 training and 6 test images of 4x4, and their pins. */
    static final class Toy {
        final byte[] trainImages = images(20, 4, 4);
        final byte[] trainLabels = labels(20);
        final byte[] testImages = images(6, 4, 4);
        final byte[] testLabels = labels(6);
        final IdxFileSet files = new IdxFileSet(pin("train-images-idx3-ubyte", trainImages),
                pin("train-labels-idx1-ubyte", trainLabels), pin("t10k-images-idx3-ubyte", testImages),
                pin("t10k-labels-idx1-ubyte", testLabels), List.of());
    }

    static PinnedFile pin(String name, byte[] content) {
        return new PinnedFile(name, Sha256.of(content), content.length);
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
