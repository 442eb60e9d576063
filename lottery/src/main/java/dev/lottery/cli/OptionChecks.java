package dev.lottery.cli;

import dev.lottery.nn.UserError;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks of option values shared by the commands; each failure is a one-line {@link UserError} naming the option. */
final class OptionChecks {
    private OptionChecks() {}

    static void positive(String option, long value) {
        if (value <= 0) throw new UserError(option + " must be positive, got " + value);
    }

    static void nonNegative(String option, long value) {
        if (value < 0) throw new UserError(option + " must not be negative, got " + value);
    }

    /** A finite number {@code >= 0}; NaN and infinities are refused. */
    static void nonNegative(String option, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) throw new UserError(option + " must be a finite number >= 0, got " + value);
    }

    /**
     * A directory this process can write into, or one it can create: the nearest existing folder on the way
     * is a directory and writable. Nothing is created here.
     */
    static void writableDirectory(String option, Path dir) {
        Path existing = nearestExisting(option, dir);
        if (!Files.isWritable(existing)) {
            throw new UserError(option + " " + dir + ": cannot write to " + (existing.equals(absolute(dir)) ? "it" : existing));
        }
    }

    /** A directory that exists or can be created (it need not be writable: a read-only data cache that is complete works). */
    static void directoryOrCreatable(String option, Path dir) {
        nearestExisting(option, dir);
    }

    /** A directory that exists (to read from). */
    static void existingDirectory(String option, Path dir) {
        if (!Files.isDirectory(dir)) throw new UserError(option + " " + dir + ": " + (Files.exists(dir) ? "not a directory" : "no such directory"));
    }

    /** A regular file this process can read. */
    static void readableFile(String option, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserError(option + " " + file + ": " + (Files.exists(file) ? "not a regular file" : "no such file"));
        }
        if (!Files.isReadable(file)) throw new UserError(option + " " + file + ": cannot read it");
    }

    /** The nearest folder on the way to {@code dir} that exists; fails when it (or {@code dir}) is not a directory. */
    private static Path nearestExisting(String option, Path dir) {
        Path target = absolute(dir);
        Path existing = target;
        while (existing != null && !Files.exists(existing)) existing = existing.getParent();
        if (existing == null) throw new UserError(option + " " + dir + ": cannot be created (no existing folder above it)");
        if (!Files.isDirectory(existing)) {
            throw new UserError(option + " " + dir + (existing.equals(target) ? ": not a directory"
                    : ": cannot be created, " + existing + " is a file"));
        }
        return existing;
    }

    private static Path absolute(Path p) {
        return p.toAbsolutePath().normalize();
    }
}
