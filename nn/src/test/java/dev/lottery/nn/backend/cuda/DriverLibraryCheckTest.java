package dev.lottery.nn.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lottery.bindings.LibrarySearchPath;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file-system check rules the driver out only when it is certain; anything else leaves it to the full probe. */
class DriverLibraryCheckTest {
    private static final LibrarySearchPath SYSTEM = new LibrarySearchPath(List.of(), true);

    private static void loaderCache(Path root, String content) throws IOException {
        Files.createDirectories(root.resolve("etc"));
        Files.write(root.resolve("etc/ld.so.cache"), content.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static void library(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("libcuda.so.1"), "");
    }

    @Test
    void aCacheThatDoesNotNameTheDriverAndNoFileRuleItOut(@TempDir Path root) throws IOException {
        loaderCache(root, "ld.so-1.7.0\0libm.so.6\0/usr/lib/x86_64-linux-gnu/libm.so.6\0");
        Files.createDirectories(root.resolve("usr/lib/x86_64-linux-gnu"));
        Optional<String> reason = DriverLibraryCheck.surelyMissing(SYSTEM, Map.of(), root);
        assertTrue(reason.isPresent());
        assertTrue(reason.get().contains("libcuda.so.1") && reason.get().contains("LOTTERY_CUDA_PATH"), reason.get());
        assertTrue(!reason.get().contains("\n"), reason.get());
    }

    @Test
    void aCacheEntryLeavesItToTheProbe(@TempDir Path root) throws IOException {
        loaderCache(root, "glibc-ld.so.cache1.1\0libcuda.so.1\0/usr/lib/wsl/lib/libcuda.so.1\0");
        assertEquals(Optional.empty(), DriverLibraryCheck.surelyMissing(SYSTEM, Map.of(), root));
    }

    @Test
    void anUnreadableOrMissingCacheLeavesItToTheProbe(@TempDir Path root) {
        assertEquals(Optional.empty(), DriverLibraryCheck.surelyMissing(SYSTEM, Map.of(), root));
    }

    @Test
    void aFileInAnyPlaceTheLoaderLooksLeavesItToTheProbe(@TempDir Path root) throws IOException {
        loaderCache(root, "ld.so-1.7.0\0");
        library(root.resolve("usr/lib/aarch64-linux-gnu"));
        assertEquals(Optional.empty(), DriverLibraryCheck.surelyMissing(SYSTEM, Map.of(), root));

        Path other = Files.createDirectories(root.resolve("other"));
        loaderCache(other, "ld.so-1.7.0\0");
        Path ld = root.resolve("ld-library-path");
        library(ld);
        assertEquals(Optional.empty(), DriverLibraryCheck.surelyMissing(SYSTEM, Map.of("LD_LIBRARY_PATH", "/nowhere:" + ld), other));
        assertTrue(DriverLibraryCheck.surelyMissing(SYSTEM, Map.of("LD_LIBRARY_PATH", "/nowhere"), other).isPresent());

        Path configured = root.resolve("configured");
        library(configured);
        assertEquals(Optional.empty(), DriverLibraryCheck.surelyMissing(new LibrarySearchPath(List.of(configured), false), Map.of(), other));
    }

    @Test
    void withoutTheSystemLoaderOnlyTheSearchPathCounts(@TempDir Path root) throws IOException {
        library(root.resolve("usr/lib"));
        Optional<String> reason = DriverLibraryCheck.surelyMissing(LibrarySearchPath.only(List.of(root.resolve("none"))), Map.of(), root);
        assertTrue(reason.isPresent(), "the system folders are not searched when the system loader is off");
    }
}
