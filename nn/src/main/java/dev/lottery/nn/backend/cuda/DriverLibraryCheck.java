package dev.lottery.nn.backend.cuda;

import dev.lottery.bindings.LibrarySearchPath;
import dev.lottery.bindings.NativeLibraries;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Rules out the CUDA driver from the file system alone, before any native code runs. On a machine without a GPU
 * driver the full probe (opening libraries through the foreign-function linker, cuInit) costs a noticeable part of a
 * short command's start-up and can only fail; this check finds that out with a few file look-ups.
 *
 * <p>The driver ({@code libcuda.so.1}) is surely absent when it is in none of the directories of the library search
 * path and — where the system loader is used — in none of {@code LD_LIBRARY_PATH}'s directories, none of the
 * system library folders and not named in the loader's cache ({@code /etc/ld.so.cache}, which covers every folder
 * of {@code ld.so.conf}, such as WSL's or a container runtime's). Whenever the answer is not certain (the cache
 * cannot be read, a candidate file exists), the full probe decides.
 */
final class DriverLibraryCheck {
    private DriverLibraryCheck() {}

    /** Empty when the driver may exist (run the full probe); otherwise why it cannot be loaded. */
    static Optional<String> surelyMissing() {
        return surelyMissing(NativeLibraries.searchPath(), System.getenv(), Path.of("/"));
    }

    /** As {@link #surelyMissing()}, with every input given; {@code root} stands for {@code /} in tests. */
    static Optional<String> surelyMissing(LibrarySearchPath path, Map<String, String> env, Path root) {
        List<String> sonames = NativeLibraries.CUDA.sonames();
        if (NativeLibraries.CUDA.locate(path).isPresent()) return Optional.empty();
        if (path.useSystemLoader()) {
            List<Path> dirs = new ArrayList<>();
            String ldPath = env.get("LD_LIBRARY_PATH");
            if (ldPath != null) {
                for (String d : ldPath.split(":")) if (!d.isBlank()) dirs.add(Path.of(d));
            }
            dirs.addAll(systemLibraryDirs(root));
            for (Path d : dirs) {
                for (String soname : sonames) if (Files.exists(d.resolve(soname))) return Optional.empty();
            }
            Optional<Boolean> cached = namedInLoaderCache(root.resolve("etc/ld.so.cache"), sonames);
            if (cached.isEmpty() || cached.get()) return Optional.empty();
        }
        return Optional.of("no CUDA driver: " + String.join(", ", sonames) + " is in no library folder"
                + (path.useSystemLoader() ? " or the loader's cache" : " of the search path")
                + "; set LOTTERY_CUDA_PATH to its folder if it is installed elsewhere");
    }

    /** The folders the system loader searches after its cache: /lib, /usr/lib, their 64-bit and multiarch folders. */
    static List<Path> systemLibraryDirs(Path root) {
        List<Path> dirs = new ArrayList<>();
        for (String base : List.of("lib", "lib64", "usr/lib", "usr/lib64")) {
            Path dir = root.resolve(base);
            dirs.add(dir);
            if (!Files.isDirectory(dir)) continue;
            try (DirectoryStream<Path> multiarch = Files.newDirectoryStream(dir, "*-linux-gnu*")) {
                for (Path d : multiarch) dirs.add(d);
            } catch (IOException | SecurityException e) {
                // An unreadable folder holds nothing the loader could open either.
            }
        }
        return dirs;
    }

    /** Whether the loader's cache names one of {@code sonames}; empty when the cache cannot be read. */
    static Optional<Boolean> namedInLoaderCache(Path cache, List<String> sonames) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(cache);
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
        // The cache stores each library's name as a NUL-terminated string; a byte search finds it in any format version.
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        for (String soname : sonames) if (text.contains(soname + '\0')) return Optional.of(true);
        return Optional.of(false);
    }
}
