package dev.lottery.nn.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The project's one way of writing a file so that nobody ever sees half of it: write a temporary file in the
 * target's folder, force it to disk, make it readable by everyone (temporary files start owner-only; results
 * and data caches are meant to be shared), then rename it over the target in one step.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Writes the file's bytes to the channel of the temporary file. */
    @FunctionalInterface
    public interface Body {
        /** Writes the file's content to {@code channel}. */
        void write(FileChannel channel) throws IOException;
    }

    /** Writes {@code file} atomically; a failure leaves the old file (if any) and no temporary file behind. */
    public static void write(Path file, Body body) {
        Path target = file.toAbsolutePath();
        Path tmp = null;
        try {
            Files.createDirectories(target.getParent());
            tmp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".part");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                body.write(ch);
                ch.force(true);
            }
            moveIntoPlace(tmp, target);
            tmp = null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the write already failed; a stray .part file is the lesser problem
                }
            }
        }
    }

    /** Writes {@code text} as UTF-8, atomically. */
    public static void writeString(Path file, String text) {
        write(file, ch -> writeFully(ch, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8))));
    }

    /** Writes all remaining bytes of {@code buf}. */
    public static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) ch.write(buf);
    }

    /**
     * Makes {@code tmp} readable by everyone and renames it over {@code target} (same folder) in one step, or with
     * a plain rename where the file system cannot do it atomically. REPLACE_EXISTING because a concurrent writer
     * of the same content may have won the race.
     */
    public static void moveIntoPlace(Path tmp, Path target) throws IOException {
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException notPosix) {
            // not a POSIX file system: keep the default access
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
