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

    /**
     * A cache in {@code directory} (made on first write).
     *
     * @param directory the folder of the {@code <key>.cubin} files; it may be shared by processes
     */
    public KernelCache(Path directory) {
        this.directory = directory;
    }

    /**
     * The cache in {@code -Dlottery.kernel.cache}, else {@code ~/.cache/lottery/kernels}.
     *
     * @return a cache over that folder, read from the system property at each call
     */
    public static KernelCache defaultCache() {
        String dir = System.getProperty("lottery.kernel.cache");
        return new KernelCache(dir != null ? Path.of(dir) : Path.of(System.getProperty("user.home"), ".cache", "lottery", "kernels"));
    }

    /**
     * The cache's directory.
     *
     * @return the folder given at construction, which may not exist yet
     */
    public Path directory() { return directory; }

    /**
     * The cache key of a compilation: a SHA-256 of the source, the options and the compiler version. The source's
     * file name is part of it, since it appears in the compiler's messages.
     *
     * @param source the compilation unit, its name and text
     * @param options the compile options, architecture included
     * @param compilerVersion NVRTC's version as text, e.g. {@code "13.0"}, so a new compiler misses the old images
     * @return 64 lowercase hex digits, usable as a file name
     */
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

    /**
     * The cached image of {@code key}, if any.
     *
     * @param key a key from {@link #key}
     * @return a fresh copy of the image's bytes, or empty when there is none or it cannot be read
     */
    public Optional<byte[]> get(String key) {
        Path f = file(key);
        try {
            return Files.isRegularFile(f) ? Optional.of(Files.readAllBytes(f)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty(); // an unreadable entry is a miss; the compiler will rewrite it
        }
    }

    /**
     * Stores {@code image} under {@code key} (atomically), replacing an image stored before.
     *
     * @param key a key from {@link #key}
     * @param image the compiled cubin, written as given
     * @throws java.io.UncheckedIOException if the folder or the file cannot be written
     */
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
