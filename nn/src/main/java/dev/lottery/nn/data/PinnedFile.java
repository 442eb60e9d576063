package dev.lottery.nn.data;

/**
 * A file we know by content: its name in the cache, the SHA-256 of its (uncompressed) bytes and its length.
 * Pinning the uncompressed content means every source (npm tarball, Debian package, gzipped mirror) is checked
 * against the same value.
 *
 * @param name   the file's name in the cache, e.g. {@code train-images-idx3-ubyte}
 * @param sha256 the SHA-256 of its uncompressed bytes, 64 lower-case hex digits
 * @param bytes  its uncompressed length in bytes, positive
 */
public record PinnedFile(String name, String sha256, long bytes) {
    /** Checks that the digest is SHA-256 hex and the length positive. */
    public PinnedFile {
        if (!sha256.matches("[0-9a-f]{64}")) throw new IllegalArgumentException("not a SHA-256 hex digest: " + sha256);
        if (bytes <= 0) throw new IllegalArgumentException(name + ": non-positive length " + bytes);
    }
}
