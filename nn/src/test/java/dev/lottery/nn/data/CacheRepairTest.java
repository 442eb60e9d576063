package dev.lottery.nn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lottery.nn.UserError;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cache file that fails its size or checksum is moved aside and fetched again, with a line saying so; when no
 * source is reachable, the error names the file and the command that finishes the repair.
 */
class CacheRepairTest {
    @TempDir
    Path dir;

    private final IdxFixtures.Toy fixture = new IdxFixtures.Toy();
    private final byte[] trainImages = fixture.trainImages;
    private final byte[] testLabels = fixture.testLabels;
    private final IdxFileSet toy = fixture.files;

    private Path cacheWithAllFiles() throws IOException {
        Path cache = Files.createDirectories(dir.resolve("toy"));
        Files.write(cache.resolve("train-images-idx3-ubyte"), trainImages);
        Files.write(cache.resolve("train-labels-idx1-ubyte"), fixture.trainLabels);
        Files.write(cache.resolve("t10k-images-idx3-ubyte"), fixture.testImages);
        Files.write(cache.resolve("t10k-labels-idx1-ubyte"), testLabels);
        return cache;
    }

    @Test
    void aTruncatedFileIsMovedAsideAndFetchedAgain() throws IOException {
        Path cache = cacheWithAllFiles();
        Path images = cache.resolve("train-images-idx3-ubyte");
        Files.write(images, Arrays.copyOf(trainImages, 100));
        try (LocalHttpServer server = new LocalHttpServer()) {
            server.serve("/m/train-images-idx3-ubyte.gz", IdxFixtures.gzip(trainImages));
            List<String> log = new ArrayList<>();
            DatasetFetcher fetcher = new DatasetFetcher("Toy", List.of(new HttpMirrorSource(List.of(server.uri("/m/")))), log::add);
            IdxDatasetLoader.TrainTest sets = new IdxDatasetLoader("toy", toy, fetcher).load(cache);

            assertEquals(20, sets.train().count());
            assertArrayEquals(trainImages, Files.readAllBytes(images));
            assertEquals(100, Files.size(cache.resolve("train-images-idx3-ubyte.bad")), "the bad copy is kept aside");
            assertEquals(List.of("/m/train-images-idx3-ubyte.gz"), server.requests, "only the bad file is fetched");
            assertTrue(log.getFirst().equals(images + " failed its check (truncated: expected " + trainImages.length
                    + " bytes, found 100): moved aside to train-images-idx3-ubyte.bad, fetching it again"), log.toString());
        }
    }

    @Test
    void aChecksumMismatchIsRepairedToo() throws IOException {
        Path cache = cacheWithAllFiles();
        byte[] wrong = testLabels.clone();
        wrong[9] = (byte) ((wrong[9] + 1) % 10); // same size and structure, other content
        Files.write(cache.resolve("t10k-labels-idx1-ubyte"), wrong);
        try (LocalHttpServer server = new LocalHttpServer()) {
            server.serve("/t10k-labels-idx1-ubyte.gz", IdxFixtures.gzip(testLabels));
            List<String> log = new ArrayList<>();
            DatasetFetcher fetcher = new DatasetFetcher("Toy", List.of(new HttpMirrorSource(List.of(server.uri("/")))), log::add);
            new IdxDatasetLoader("toy", toy, fetcher).load(cache);
            assertArrayEquals(testLabels, Files.readAllBytes(cache.resolve("t10k-labels-idx1-ubyte")));
            assertTrue(log.getFirst().contains("failed its check (SHA-256 mismatch: expected "), log.toString());
        }
    }

    @Test
    void withNoSourceReachableTheErrorNamesTheFileAndTheRepairCommand() throws IOException {
        Path cache = cacheWithAllFiles();
        Path images = cache.resolve("train-images-idx3-ubyte");
        Files.write(images, Arrays.copyOf(trainImages, 100));
        DatasetFetcher fetcher = new DatasetFetcher("Toy",
                List.of(new HttpMirrorSource(List.of(URI.create("http://127.0.0.1:1/m/")))), l -> { });
        UserError e = assertThrows(UserError.class, () -> new IdxDatasetLoader("toy", toy, fetcher).load(cache));
        String m = e.getMessage();
        assertFalse(m.contains("\n"), m);
        assertTrue(m.startsWith(images + " failed its check (truncated: expected " + trainImages.length
                + " bytes, found 100) and was moved aside to train-images-idx3-ubyte.bad; fetching it again failed: "), m);
        assertTrue(m.endsWith("Once a source is reachable, 'lottery fetch --dataset toy' repairs it"), m);
    }
}
