package dev.lottery.nn.data;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A temporary folder inside the cache folder (same file system, so results can be renamed into place atomically),
 * deleted with everything in it on close.
 */
final class ScratchDir implements AutoCloseable {
    private final Path path;

    ScratchDir(Path parent, String prefix) throws IOException {
        Files.createDirectories(parent);
        this.path = Files.createTempDirectory(parent, "." + prefix + "-");
    }

    Path path() {
        return path;
    }

    @Override
    public void close() throws IOException {
        if (!Files.exists(path)) return;
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
