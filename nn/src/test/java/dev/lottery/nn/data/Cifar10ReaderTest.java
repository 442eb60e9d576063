package dev.lottery.nn.data;

import dev.lottery.nn.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Cifar10ReaderTest {
    @TempDir
    Path dir;

    private final Cifar10Reader reader = new Cifar10Reader(3);

    @Test
    void readsTrainAndTestAsChwUnitFloats() throws IOException {
        Path batches = Cifar10Fixtures.writeAll(dir.resolve("cifar-10-batches-bin"), 3);
        Dataset train = reader.readTrain(batches);
        assertEquals("cifar10/train", train.name());
        assertEquals(15, train.count());
        assertEquals(3, train.channels());
        assertEquals(32, train.height());
        assertEquals(32, train.width());
        assertEquals(10, train.classes());
        for (int f = 0; f < 5; f++) {
            for (int r = 0; r < 3; r++) {
                int example = f * 3 + r;
                assertEquals(Cifar10Fixtures.label(f, r), train.label(example));
                for (int p : new int[] {0, 1023, 1024, 2048, 3071}) {
                    assertEquals(Cifar10Fixtures.pixel(f, r, p) / 255f, train.images()[example * 3072 + p],
                            "file " + f + " record " + r + " pixel " + p);
                }
            }
        }
        Dataset test = reader.readTest(batches);
        assertEquals(3, test.count());
        assertEquals(Cifar10Fixtures.label(5, 2), test.label(2));
    }

    @Test
    void standardReaderExpectsTenThousandRecords() {
        assertEquals(30_730_000L, Cifar10Reader.standard().fileBytes());
    }

    @Test
    void truncatedFileNamesFileAndLengths() throws IOException {
        Path batches = Cifar10Fixtures.writeAll(dir.resolve("b"), 3);
        Path f = batches.resolve("data_batch_3.bin");
        Files.write(f, Arrays.copyOf(Files.readAllBytes(f), 5000));
        UserError e = assertThrows(UserError.class, () -> reader.readTrain(batches));
        assertEquals(f + ": truncated: expected 9219 bytes (3 records of 3073), found 5000", e.getMessage());
    }

    @Test
    void overlongFileIsRejected() throws IOException {
        Path batches = Cifar10Fixtures.writeAll(dir.resolve("b"), 3);
        Path f = batches.resolve("test_batch.bin");
        Files.write(f, Cifar10Fixtures.batch(5, 4));
        UserError e = assertThrows(UserError.class, () -> reader.readTest(batches));
        assertTrue(e.getMessage().startsWith(f + ": too long: expected 9219 bytes"), e.getMessage());
    }

    @Test
    void badLabelMeansNotACifarFile() throws IOException {
        Path batches = Cifar10Fixtures.writeAll(dir.resolve("b"), 3);
        byte[] b = Cifar10Fixtures.batch(5, 3);
        b[Cifar10Reader.RECORD_BYTES] = (byte) 200;
        Path f = Files.write(batches.resolve("test_batch.bin"), b);
        UserError e = assertThrows(UserError.class, () -> reader.readTest(batches));
        assertEquals(f + ": record 1 has label 200, expected 0..9 (not a CIFAR-10 binary batch?)", e.getMessage());
    }

    @Test
    void missingFileSaysWhereToGetIt() {
        Path f = dir.resolve("test_batch.bin");
        UserError e = assertThrows(UserError.class, () -> reader.readTest(dir));
        assertTrue(e.getMessage().startsWith(f + ": file not found (download "
                + "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"), e.getMessage());
    }
}
