package dev.lottery.nn.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileInstallerTest {
    @TempDir
    Path dir;

    private List<String> listing() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void installsVerifiedContentUnderItsName() throws IOException {
        byte[] content = IdxFixtures.labels(20);
        PinnedFile pin = new PinnedFile("labels", Sha256.of(content), content.length);
        Path p = FileInstaller.install(new ByteArrayInputStream(content), dir, pin);
        assertEquals(dir.resolve("labels"), p);
        assertArrayEquals(content, Files.readAllBytes(p));
        assertEquals(List.of("labels"), listing(), "no temporary file left behind");
        if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
            assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)),
                    "a shared cache must be readable by others");
        }
    }

    @Test
    void gzippedInputIsStoredDecompressed() throws IOException {
        byte[] content = IdxFixtures.images(3, 5, 5);
        PinnedFile pin = new PinnedFile("img", Sha256.of(content), content.length);
        FileInstaller.install(new ByteArrayInputStream(IdxFixtures.gzip(content)), dir, pin);
        assertArrayEquals(content, Files.readAllBytes(dir.resolve("img")));
    }

    @Test
    void checksumMismatchLeavesNothingAndKeepsAnOldFile() throws IOException {
        byte[] good = IdxFixtures.labels(5);
        PinnedFile pin = new PinnedFile("labels", Sha256.of(good), good.length);
        byte[] bad = good.clone();
        bad[bad.length - 1] ^= 1;
        FileInstaller.ChecksumMismatchException e = assertThrows(FileInstaller.ChecksumMismatchException.class,
                () -> FileInstaller.install(new ByteArrayInputStream(bad), dir, pin));
        assertTrue(e.getMessage().startsWith("labels: SHA-256 mismatch: expected " + pin.sha256()), e.getMessage());
        assertEquals(List.of(), listing());
        assertFalse(Files.exists(dir.resolve("labels")));
    }

    @Test
    void pinnedFileRejectsMalformedDigest() {
        assertThrows(IllegalArgumentException.class, () -> new PinnedFile("x", "ABC", 1));
    }
}
