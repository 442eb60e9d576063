package dev.lottery.nn.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes CIFAR-10 style batch files with a recognisable pattern: record r of file f has label (f + r) % 10. */
final class Cifar10Fixtures {
    private Cifar10Fixtures() {
    }

    static byte[] batch(int fileIndex, int records) {
        byte[] b = new byte[records * Cifar10Reader.RECORD_BYTES];
        for (int r = 0; r < records; r++) {
            int at = r * Cifar10Reader.RECORD_BYTES;
            b[at] = (byte) label(fileIndex, r);
            for (int p = 0; p < Cifar10Reader.PIXELS; p++) b[at + 1 + p] = (byte) pixel(fileIndex, r, p);
        }
        return b;
    }

    static int label(int fileIndex, int record) {
        return (fileIndex + record) % 10;
    }

    static int pixel(int fileIndex, int record, int p) {
        return (fileIndex * 31 + record * 7 + p) % 256;
    }

    /** data_batch_1..5.bin as file indices 0..4, test_batch.bin as 5. */
    static Path writeAll(Path batches, int records) throws IOException {
        Files.createDirectories(batches);
        for (int f = 0; f < 5; f++) Files.write(batches.resolve(Cifar10Reader.TRAIN_FILES.get(f)), batch(f, records));
        Files.write(batches.resolve(Cifar10Reader.TEST_FILE), batch(5, records));
        return batches;
    }
}
