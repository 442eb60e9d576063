package dev.lottery.nn.data;

import dev.lottery.nn.internal.AtomicFiles;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.zip.GZIPInputStream;

/**
 * The one way a file enters the cache: written to a temporary file in the target folder, checked against its
 * pinned SHA-256, then renamed into place in one atomic step. A crash, a bad download or a wrong checksum thus
 * never leaves a half-written or unverified file under the real name.
 */
final class FileInstaller {
    private FileInstaller() {
    }

    /** The content's checksum differed from the pin; the temporary file has been removed. */
    static final class ChecksumMismatchException extends IOException {
        ChecksumMismatchException(String message) {
            super(message);
        }
    }

    /**
     * Copies {@code in} to {@code dir/pin.name()}, gunzipping it first when it starts with the gzip header.
     * Returns the installed path.
     */
    static Path install(InputStream in, Path dir, PinnedFile pin) throws IOException {
        return install(in, dir.resolve(pin.name()), pin.sha256(), true);
    }

    /**
     * Copies {@code in} to {@code target}, verifying the SHA-256 of the bytes written (after gunzip when
     * {@code gunzip} is set and the stream is gzipped).
     */
    static Path install(InputStream in, Path target, String sha256, boolean gunzip) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".part");
        try {
            BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
            InputStream source = gunzip && IdxReader.isGzip(buffered) ? new GZIPInputStream(buffered, 1 << 16) : buffered;
            MessageDigest digest = Sha256.newDigest();
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(tmp), digest)) {
                source.transferTo(out);
            }
            String actual = Sha256.hex(digest);
            if (!actual.equals(sha256)) {
                throw new ChecksumMismatchException(target.getFileName() + ": SHA-256 mismatch: expected " + sha256
                        + ", got " + actual);
            }
            AtomicFiles.moveIntoPlace(tmp, target);
            tmp = null;
            return target;
        } finally {
            if (tmp != null) Files.deleteIfExists(tmp);
        }
    }
}
