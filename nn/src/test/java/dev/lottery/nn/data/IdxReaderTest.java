package dev.lottery.nn.data;

import dev.lottery.nn.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdxReaderTest {
    @TempDir
    Path dir;

    @Test
    void readsImagesWithDimensionsPixelsAndDigest() throws IOException {
        byte[] content = IdxFixtures.images(5, 4, 3);
        Path f = Files.write(dir.resolve("train-images-idx3-ubyte"), content);
        IdxImages im = IdxReader.readImages(f);
        assertEquals(5, im.count());
        assertEquals(4, im.rows());
        assertEquals(3, im.cols());
        assertArrayEquals(Arrays.copyOfRange(content, 16, content.length), im.pixels());
        assertEquals(Sha256.of(content), im.sha256());
    }

    @Test
    void readsLabels() throws IOException {
        byte[] content = IdxFixtures.labels(12);
        Path f = Files.write(dir.resolve("labels"), content);
        IdxLabels lb = IdxReader.readLabels(f);
        assertEquals(12, lb.count());
        for (int i = 0; i < 12; i++) assertEquals(IdxFixtures.label(i), lb.labels()[i]);
        assertEquals(Sha256.of(content), lb.sha256());
    }

    @Test
    void gzippedFilesAreDecompressedAndHashedAfterDecompression() throws IOException {
        byte[] content = IdxFixtures.images(3, 2, 2);
        Path f = Files.write(dir.resolve("images.gz"), IdxFixtures.gzip(content));
        IdxImages im = IdxReader.readImages(f);
        assertEquals(3, im.count());
        assertArrayEquals(Arrays.copyOfRange(content, 16, content.length), im.pixels());
        assertEquals(Sha256.of(content), im.sha256(), "the pin is of the uncompressed content");
    }

    @Test
    void truncatedFileNamesFileAndBothLengths() throws IOException {
        byte[] content = IdxFixtures.images(10, 28, 28);
        Path f = Files.write(dir.resolve("train-images-idx3-ubyte"), Arrays.copyOf(content, 1000));
        UserError e = assertThrows(UserError.class, () -> IdxReader.readImages(f));
        assertEquals(f + ": truncated: expected 7856 bytes, found 1000", e.getMessage());
    }

    @Test
    void truncatedInsideHeader() throws IOException {
        Path f = Files.write(dir.resolve("short"), Arrays.copyOf(IdxFixtures.images(1, 1, 1), 10));
        UserError e = assertThrows(UserError.class, () -> IdxReader.readImages(f));
        assertTrue(e.getMessage().startsWith(f + ": truncated: expected at least 16 header bytes, found 10"),
                e.getMessage());
    }

    @Test
    void overlongFileIsRejected() throws IOException {
        byte[] content = IdxFixtures.labels(4);
        Path f = Files.write(dir.resolve("long"), Arrays.copyOf(content, content.length + 3));
        UserError e = assertThrows(UserError.class, () -> IdxReader.readLabels(f));
        assertEquals(f + ": too long: expected 12 bytes, found 15", e.getMessage());
    }

    @Test
    void truncatedGzipReportsDecompressedLength() throws IOException {
        byte[] content = IdxFixtures.images(4, 3, 3);
        // A complete gzip stream of too little content: the IDX header promises more than the stream holds.
        Path f = Files.write(dir.resolve("t.gz"), IdxFixtures.gzip(Arrays.copyOf(content, 30)));
        UserError e = assertThrows(UserError.class, () -> IdxReader.readImages(f));
        assertEquals(f + ": truncated: expected 52 bytes, found 30 (after gunzip)", e.getMessage());
    }

    @Test
    void cutGzipStreamIsAUserError() throws IOException {
        byte[] gz = IdxFixtures.gzip(IdxFixtures.images(50, 10, 10));
        Path f = Files.write(dir.resolve("cut.gz"), Arrays.copyOf(gz, gz.length / 2));
        UserError e = assertThrows(UserError.class, () -> IdxReader.readImages(f));
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void wrongMagicSaysWhatTheFileIs() throws IOException {
        Path labels = Files.write(dir.resolve("train-labels-idx1-ubyte"), IdxFixtures.labels(3));
        UserError e = assertThrows(UserError.class, () -> IdxReader.readImages(labels));
        assertEquals(labels + ": not an IDX image file: magic 0x00000801, expected 0x00000803 (this is a label file)",
                e.getMessage());

        Path junk = Files.writeString(dir.resolve("junk"), "<html>not found</html>");
        UserError j = assertThrows(UserError.class, () -> IdxReader.readLabels(junk));
        assertTrue(j.getMessage().startsWith(junk + ": not an IDX label file: magic 0x3c68746d"), j.getMessage());
    }

    @Test
    void zeroDimensionIsRejected() throws IOException {
        byte[] content = IdxFixtures.images(1, 1, 1);
        content[11] = 0; // rows = 0
        Path f = Files.write(dir.resolve("zero"), content);
        UserError e = assertThrows(UserError.class, () -> IdxReader.readImages(f));
        assertEquals(f + ": bad dimension 1: 0", e.getMessage());
    }

    @Test
    void missingFileIsAUserError() {
        Path f = dir.resolve("nope");
        UserError e = assertThrows(UserError.class, () -> IdxReader.readLabels(f));
        assertEquals(f + ": file not found", e.getMessage());
    }
}
