package dev.lottery.gpu;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Compiled kernel images on disk, keyed by a SHA-256 over everything that changes the output: source text,
 * options (which include the architecture) and the NVRTC version. Default folder
 * {@code ~/.cache/lottery/kernels}, or {@code -Dlottery.kernel.cache=DIR}. Writes go to a temporary file
 * that is then moved into place, so a concurrent reader sees a whole image or none.
 */
public final class KernelCache {
    private final Path directory;

    /** A cache in {@code directory} (made on first write). */
    public KernelCache(Path directory) {
        this.directory = directory;
    }

    /** The cache in {@code -Dlottery.kernel.cache}, else {@code ~/.cache/lottery/kernels}. */
    public static KernelCache defaultCache() {
        String dir = System.getProperty("lottery.kernel.cache");
        return new KernelCache(dir != null ? Path.of(dir) : Path.of(System.getProperty("user.home"), ".cache", "lottery", "kernels"));
    }

    /** The cache's directory. */
    public Path directory() { return directory; }

    /** The cache key of a compilation: a SHA-256 of the source, the options and the compiler version. */
    public static String key(KernelSource source, CompileOptions options, String compilerVersion) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String part : new String[] {source.name(), source.code(), String.join("\u0000", options.toArguments()), compilerVersion}) {
                byte[] b = part.getBytes(StandardCharsets.UTF_8);
                sha.update(HexFormat.of().formatHex(new byte[] {(byte) (b.length >>> 24), (byte) (b.length >>> 16), (byte) (b.length >>> 8), (byte) b.length})
                        .getBytes(StandardCharsets.US_ASCII));
                sha.update(b);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always present", e);
        }
    }

    private Path file(String key) {
        return directory.resolve(key + ".cubin");
    }

    /** The cached image of {@code key}, if any. */
    public Optional<byte[]> get(String key) {
        Path f = file(key);
        try {
            return Files.isRegularFile(f) ? Optional.of(Files.readAllBytes(f)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty(); // an unreadable entry is a miss; the compiler will rewrite it
        }
    }

    /** Stores {@code image} under {@code key} (atomically). */
    public void put(String key, byte[] image) {
        try {
            Files.createDirectories(directory);
            Path tmp = Files.createTempFile(directory, key, ".tmp");
            Files.write(tmp, image);
            try {
                Files.move(tmp, file(key), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file(key), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write kernel cache " + directory, e);
        }
    }
}
