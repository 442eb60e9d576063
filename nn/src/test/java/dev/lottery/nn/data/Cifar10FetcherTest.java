package dev.lottery.nn.data;

import dev.lottery.nn.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The download / verify / extract path, on a small archive served from 127.0.0.1. */
class Cifar10FetcherTest {
    @TempDir
    Path dir;

    private final Cifar10Reader reader = new Cifar10Reader(2);

    /** A tar.gz laid out like the official one (top folder, a readme, six batches). */
    private byte[] archive() {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("cifar-10-batches-bin/batches.meta.txt", "airplane\nautomobile\n".getBytes());
        for (int f = 0; f < 5; f++) {
            entries.put("cifar-10-batches-bin/" + Cifar10Reader.TRAIN_FILES.get(f), Cifar10Fixtures.batch(f, 2));
        }
        entries.put("cifar-10-batches-bin/test_batch.bin", Cifar10Fixtures.batch(5, 2));
        return IdxFixtures.gzip(TarFixtures.tar(entries));
    }

    private static List<String> listing(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void downloadsVerifiesExtractsAndRemovesTheArchive() throws IOException {
        byte[] archive = archive();
        try (LocalHttpServer server = new LocalHttpServer().serve("/c.tar.gz", archive)) {
            List<String> log = new ArrayList<>();
            Cifar10Fetcher fetcher = new Cifar10Fetcher(server.uri("/c.tar.gz"), Sha256.of(archive), reader, log::add);
            Path batches = fetcher.ensure(dir);
            assertEquals(dir.resolve("cifar-10-batches-bin"), batches);
            assertEquals(List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
                    "data_batch_5.bin", "test_batch.bin"), listing(batches));
            assertEquals(List.of("cifar-10-batches-bin"), listing(dir), "archive and temporary files removed");
            assertArrayEquals(Cifar10Fixtures.batch(3, 2), Files.readAllBytes(batches.resolve("data_batch_4.bin")));
            assertEquals(10, reader.readTrain(batches).count());
            assertTrue(log.getFirst().startsWith("downloading "), log.toString());

            fetcher.ensure(dir);
            assertEquals(1, server.requests.size(), "complete folder: no second download");
        }
    }

    @Test
    void wrongChecksumKeepsNothing() throws IOException {
        byte[] archive = archive();
        try (LocalHttpServer server = new LocalHttpServer().serve("/c.tar.gz", archive)) {
            String expected = "0".repeat(64);
            Cifar10Fetcher fetcher = new Cifar10Fetcher(server.uri("/c.tar.gz"), expected, reader, l -> { });
            UserError e = assertThrows(UserError.class, () -> fetcher.ensure(dir));
            assertEquals("CIFAR-10 download from " + server.uri("/c.tar.gz") + " failed: cifar-10-binary.tar.gz: "
                    + "SHA-256 mismatch: expected " + expected + ", got " + Sha256.of(archive), e.getMessage());
            assertEquals(List.of(), listing(dir));
        }
    }

    @Test
    void archivePlacedByHandIsUsedWithoutNetwork() throws IOException {
        byte[] archive = archive();
        Files.write(dir.resolve("cifar-10-binary.tar.gz"), archive);
        Cifar10Fetcher fetcher = new Cifar10Fetcher(URI.create("http://127.0.0.1:1/none"), Sha256.of(archive), reader,
                l -> { });
        Path batches = fetcher.ensure(dir);
        assertEquals(2, reader.readTest(batches).count());
        assertFalse(Files.exists(dir.resolve("cifar-10-binary.tar.gz")));
    }

    @Test
    void archiveWithWrongBatchLengthIsRejected() throws IOException {
        byte[] archive = archive();
        Files.write(dir.resolve("cifar-10-binary.tar.gz"), archive);
        Cifar10Fetcher fetcher = new Cifar10Fetcher(URI.create("http://127.0.0.1:1/none"), Sha256.of(archive),
                new Cifar10Reader(3), l -> { });
        UserError e = assertThrows(UserError.class, () -> fetcher.ensure(dir));
        assertEquals("data_batch_1.bin in the archive has 6146 bytes, expected 9219", e.getMessage());
        assertEquals(List.of(), listing(dir.resolve("cifar-10-batches-bin")), "no partial batch files");
    }

    @Test
    void unreachableDownloadSaysWhereToPutTheFiles() {
        URI dead = URI.create("http://127.0.0.1:1/cifar-10-binary.tar.gz");
        Cifar10Fetcher fetcher = new Cifar10Fetcher(dead, Cifar10Fetcher.SHA256, reader, l -> { });
        UserError e = assertThrows(UserError.class, () -> fetcher.ensure(dir));
        String m = e.getMessage();
        assertFalse(m.contains("\n"));
        assertTrue(m.startsWith("CIFAR-10 not found in " + dir.resolve("cifar-10-batches-bin") + " and download from "
                + dead + " failed ("), m);
        assertTrue(m.endsWith("download cifar-10-binary.tar.gz yourself and put it in " + dir + ", or extract it there"
                + " so that " + dir.resolve("cifar-10-batches-bin") + " holds data_batch_1.bin, data_batch_2.bin, "
                + "data_batch_3.bin, data_batch_4.bin, data_batch_5.bin, test_batch.bin"), m);
    }
}
