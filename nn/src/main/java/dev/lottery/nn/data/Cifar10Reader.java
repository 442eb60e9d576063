package dev.lottery.nn.data;

import dev.lottery.nn.UserError;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Reads the CIFAR-10 <a href="https://www.cs.toronto.edu/~kriz/cifar.html">binary version</a>: files of
 * fixed-length records, each one label byte (0..9) then 3072 pixel bytes — 1024 red, 1024 green, 1024 blue, each
 * plane row-major 32x32, which is already CHW. The standard files hold 10,000 records each; tests use smaller ones.
 */
final class Cifar10Reader {
    /** Colour planes per image. */
    public static final int CHANNELS = 3;
    /** Rows and columns per image. */
    public static final int SIDE = 32;
    /** Classes. */
    public static final int CLASSES = 10;
    /** Bytes of pixels per image. */
    public static final int PIXELS = CHANNELS * SIDE * SIDE;
    /** Bytes per record: the label, then the pixels. */
    public static final int RECORD_BYTES = 1 + PIXELS;
    /** Records in each file of the official archive. */
    public static final int STANDARD_RECORDS_PER_FILE = 10_000;
    /** The five training files. */
    public static final List<String> TRAIN_FILES =
            IntStream.rangeClosed(1, 5).mapToObj(i -> "data_batch_" + i + ".bin").toList();
    /** The test file. */
    public static final String TEST_FILE = "test_batch.bin";
    /** The folder the official archive extracts to. */
    public static final String BATCHES_DIR = "cifar-10-batches-bin";

    private final int recordsPerFile;

    /** A reader for files of {@code recordsPerFile} records each. */
    public Cifar10Reader(int recordsPerFile) {
        if (recordsPerFile <= 0) throw new IllegalArgumentException("recordsPerFile must be positive");
        this.recordsPerFile = recordsPerFile;
    }

    /** A reader for the official files (10,000 records each). */
    public static Cifar10Reader standard() {
        return new Cifar10Reader(STANDARD_RECORDS_PER_FILE);
    }

    /** Bytes every file must have. */
    public long fileBytes() {
        return (long) recordsPerFile * RECORD_BYTES;
    }

    /** {@code data_batch_1..5.bin} of {@code batchesDir} as one set of 5 x recordsPerFile examples. */
    public Dataset readTrain(Path batchesDir) {
        return read("cifar10/train", TRAIN_FILES.stream().map(batchesDir::resolve).toList());
    }

    /** {@code test_batch.bin} of {@code batchesDir}. */
    public Dataset readTest(Path batchesDir) {
        return read("cifar10/test", List.of(batchesDir.resolve(TEST_FILE)));
    }

    /** The examples of {@code files}, in order. */
    public Dataset read(String name, List<Path> files) {
        int count = Math.multiplyExact(recordsPerFile, files.size());
        float[] images = new float[Math.multiplyExact(count, PIXELS)];
        byte[] labels = new byte[count];
        byte[] record = new byte[RECORD_BYTES];
        int example = 0;
        for (Path file : files) {
            checkLength(file);
            try (InputStream in = Files.newInputStream(file)) {
                for (int r = 0; r < recordsPerFile; r++, example++) {
                    if (in.readNBytes(record, 0, RECORD_BYTES) < RECORD_BYTES) {
                        throw new UserError(file + ": truncated while reading record " + r);
                    }
                    int label = Byte.toUnsignedInt(record[0]);
                    if (label >= CLASSES) {
                        throw new CorruptDataFile(file, "record " + r + " has label " + label
                                + ", expected 0..9 (not a CIFAR-10 binary batch?)");
                    }
                    labels[example] = record[0];
                    int base = example * PIXELS;
                    for (int p = 0; p < PIXELS; p++) images[base + p] = Byte.toUnsignedInt(record[1 + p]) / 255f;
                }
            } catch (IOException e) {
                throw new UserError(file + ": cannot read: " + FileSource.oneLine(e), e);
            }
        }
        return new Dataset(name, images, labels, count, CHANNELS, SIDE, SIDE, CLASSES);
    }

    private void checkLength(Path file) {
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new UserError(file + ": file not found (download " + Cifar10Fetcher.URL
                    + " and extract it so that this file exists)", e);
        } catch (IOException e) {
            throw new UserError(file + ": cannot read: " + FileSource.oneLine(e), e);
        }
        if (size != fileBytes()) {
            throw new CorruptDataFile(file, (size < fileBytes() ? "truncated" : "too long") + ": expected "
                    + fileBytes() + " bytes (" + recordsPerFile + " records of " + RECORD_BYTES + "), found " + size);
        }
    }
}
