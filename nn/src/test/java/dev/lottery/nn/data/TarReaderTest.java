package dev.lottery.nn.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class TarReaderTest {
    @TempDir
    Path dir;

    private static Map<String, byte[]> readAll(InputStream in) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        TarReader.scan(in, (entry, content) -> {
            if (entry.regularFile()) out.put(entry.name(), content.readAllBytes());
        });
        return out;
    }

    @Test
    void readsEntriesPlainAndGzipped() throws IOException {
        byte[] big = new byte[1300];
        for (int i = 0; i < big.length; i++) big[i] = (byte) i;
        String longPath = "package/" + "d".repeat(60) + "/" + "e".repeat(60) + "/file.bin";
        byte[] tar = TarFixtures.tar(TarFixtures.entries("package/a.txt", "hello".getBytes(StandardCharsets.UTF_8),
                "package/data/big", big, longPath, new byte[] {1, 2, 3}, "empty", new byte[0]));
        for (byte[] archive : List.of(tar, IdxFixtures.gzip(tar))) {
            Map<String, byte[]> got = readAll(new ByteArrayInputStream(archive));
            assertEquals(List.of("package/a.txt", "package/data/big", longPath, "empty"), new ArrayList<>(got.keySet()));
            assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), got.get("package/a.txt"));
            assertArrayEquals(big, got.get("package/data/big"));
            assertArrayEquals(new byte[] {1, 2, 3}, got.get(longPath));
            assertEquals(0, got.get("empty").length);
        }
    }

    @Test
    void unreadEntriesAreSkipped() throws IOException {
        byte[] tar = TarFixtures.tar(TarFixtures.entries("a", new byte[700], "b", new byte[] {9}));
        List<String> names = new ArrayList<>();
        byte[][] b = new byte[1][];
        TarReader.scan(new ByteArrayInputStream(tar), (entry, content) -> {
            names.add(entry.baseName());
            if (entry.name().equals("b")) b[0] = content.readAllBytes();
        });
        assertEquals(List.of("a", "b"), names);
        assertArrayEquals(new byte[] {9}, b[0]);
    }

    @Test
    void garbageAndTruncationAreErrors() {
        byte[] notTar = new byte[1024];
        notTar[0] = 'x';
        assertThrows(IOException.class, () -> readAll(new ByteArrayInputStream(notTar)));
        byte[] tar = TarFixtures.tar(TarFixtures.entries("a", new byte[2000]));
        byte[] cut = java.util.Arrays.copyOf(tar, 1000);
        assertThrows(IOException.class, () -> readAll(new ByteArrayInputStream(cut)));
    }

    /** Archives written by GNU tar (the format CIFAR-10's archive uses), including a GNU long name. */
    @Test
    void readsArchivesMadeBySystemTar() throws Exception {
        Optional<Path> tar = HostCommands.system().find("tar");
        assumeTrue(tar.isPresent(), "no tar command on PATH");
        Path src = Files.createDirectories(dir.resolve("src/cifar-10-batches-bin"));
        Files.write(src.resolve("data_batch_1.bin"), new byte[] {1, 2, 3, 4});
        String longName = "n".repeat(120) + ".txt";
        Files.writeString(src.resolve(longName), "long");
        Path archive = dir.resolve("a.tar.gz");
        Process p = new ProcessBuilder(tar.get().toString(), "--format=gnu", "-czf", archive.toString(), "-C",
                dir.resolve("src").toString(), "cifar-10-batches-bin").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        Map<String, byte[]> got;
        try (InputStream in = Files.newInputStream(archive)) {
            got = readAll(in);
        }
        assertArrayEquals(new byte[] {1, 2, 3, 4}, got.get("cifar-10-batches-bin/data_batch_1.bin"));
        assertArrayEquals("long".getBytes(StandardCharsets.UTF_8), got.get("cifar-10-batches-bin/" + longName));
    }
}
