package dev.lottery.nn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A prepared set maps back exactly what was written, and a file that is damaged or made for other data is refused. */
class PreparedSetTest {
    @TempDir
    Path dir;

    private static final PreparedSet.Header HEADER = new PreparedSet.Header("toy/train", 3, 1, 2, 2, 10, "normalize(0.5,0.25)", "sha256:abc");
    private static final float[] IMAGES = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, -11.5f};
    private static final byte[] LABELS = {3, 0, 9};

    private Path written() throws IOException {
        Path file = PreparedSet.file(dir, "train");
        PreparedSet.write(file, HEADER, IMAGES, LABELS);
        return file;
    }

    @Test
    void writtenValuesAndLabelsMapBack() throws Exception {
        Path file = written();
        PreparedSet set = PreparedSet.open(file, "toy/train", "normalize(0.5,0.25)", "sha256:abc").orElseThrow();
        assertEquals(HEADER, set.header());
        try (Arena arena = Arena.ofConfined()) {
            assertArrayEquals(IMAGES, set.mapImages(arena).toArray(ValueLayout.JAVA_FLOAT));
            assertArrayEquals(new float[] {3, 0, 9}, set.mapLabels(arena).toArray(ValueLayout.JAVA_FLOAT));
        }
        String header = new String(Files.readAllBytes(file), 0, 64, java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(header.startsWith(PreparedSet.MAGIC + "\nname=toy/train\nshape=3,1,2,2\n"), "a readable header: " + header);
        try (var files = Files.list(dir.resolve("prepared"))) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void aMissingFileIsEmptyAndAnyOtherMismatchSaysWhy() throws Exception {
        assertEquals(Optional.empty(), PreparedSet.open(dir.resolve("none.bin"), "toy/train", "v", "s"));
        Path file = written();
        assertTrue(assertThrows(PreparedSet.Mismatch.class, () -> PreparedSet.open(file, "toy/train", "normalize(0,1)", "sha256:abc"))
                .getMessage().contains("made from other data or settings"));
        assertTrue(assertThrows(PreparedSet.Mismatch.class, () -> PreparedSet.open(file, "toy/train", "normalize(0.5,0.25)", "sha256:other"))
                .getMessage().contains("made from other data or settings"));

        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {42}), PreparedSet.HEADER_BYTES + 5); // one flipped byte of the values
        }
        assertTrue(assertThrows(PreparedSet.Mismatch.class, () -> PreparedSet.open(file, "toy/train", "normalize(0.5,0.25)", "sha256:abc"))
                .getMessage().endsWith("checksum mismatch"));

        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(PreparedSet.HEADER_BYTES + 8);
        }
        assertTrue(assertThrows(PreparedSet.Mismatch.class, () -> PreparedSet.open(file, "toy/train", "normalize(0.5,0.25)", "sha256:abc"))
                .getMessage().contains("bytes, expected"));

        Files.writeString(file, "something else");
        assertTrue(assertThrows(PreparedSet.Mismatch.class, () -> PreparedSet.open(file, "toy/train", "v", "s"))
                .getMessage().contains("truncated"));
    }
}
