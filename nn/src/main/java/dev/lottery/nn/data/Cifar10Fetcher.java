package dev.lottery.nn.data;

import dev.lottery.nn.UserError;
import dev.lottery.nn.internal.AtomicFiles;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Makes {@code <dir>/cifar-10-batches-bin/} complete: if any batch file is missing, uses
 * {@code <dir>/cifar-10-binary.tar.gz} when the user put it there, else downloads it; checks the archive's SHA-256,
 * extracts the six batch files (each via a temporary file and an atomic rename, after a length check) and deletes
 * the archive.
 */
final class Cifar10Fetcher {
    static final URI URL = URI.create("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz");
    /**
     * SHA-256 of cifar-10-binary.tar.gz (170,052,171 bytes) as published alongside the authors' MD5
     * c32a1d4ab5d03f1284b67883e8d87530 (torchvision, MLDatasets.jl and others pin the same value).
     */
    static final String SHA256 = "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd";
    static final String ARCHIVE = "cifar-10-binary.tar.gz";

    private final URI url;
    private final String sha256;
    private final Cifar10Reader reader;
    private final Consumer<String> log;

    Cifar10Fetcher(URI url, String sha256, Cifar10Reader reader, Consumer<String> log) {
        this.url = url;
        this.sha256 = sha256;
        this.reader = reader;
        this.log = log;
    }

    static Cifar10Fetcher standard(Consumer<String> log) {
        return new Cifar10Fetcher(URL, SHA256, Cifar10Reader.standard(), log);
    }

    static List<String> batchFiles() {
        List<String> all = new ArrayList<>(Cifar10Reader.TRAIN_FILES);
        all.add(Cifar10Reader.TEST_FILE);
        return all;
    }

    /** Returns the batches folder, fetching or extracting first if a file is missing. */
    Path ensure(Path dir) {
        Path batches = dir.resolve(Cifar10Reader.BATCHES_DIR);
        if (batchFiles().stream().allMatch(f -> Files.isRegularFile(batches.resolve(f)))) return batches;
        Path archive = dir.resolve(ARCHIVE);
        try {
            if (!Files.isRegularFile(archive)) {
                log.accept("downloading " + url + " (163 MB) into " + dir);
                try (InputStream in = HttpDownload.open(url)) {
                    FileInstaller.install(in, archive, sha256, false);
                }
            } else {
                checkArchive(archive);
            }
            extract(archive, batches);
            Files.deleteIfExists(archive);
            return batches;
        } catch (FileInstaller.ChecksumMismatchException e) {
            throw new UserError("CIFAR-10 download from " + url + " failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UserError("CIFAR-10 not found in " + batches + " and download from " + url + " failed ("
                    + FileSource.oneLine(e) + "): download " + ARCHIVE + " yourself and put it in " + dir
                    + ", or extract it there so that " + batches + " holds " + String.join(", ", batchFiles()), e);
        }
    }

    private void checkArchive(Path archive) throws IOException {
        log.accept("checking " + archive);
        var digest = Sha256.newDigest();
        try (InputStream in = Files.newInputStream(archive)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) digest.update(buf, 0, n);
        }
        String actual = Sha256.hex(digest);
        if (!actual.equals(sha256)) throw new CorruptDataFile(archive, "SHA-256 mismatch: expected " + sha256 + ", found " + actual);
    }

    /** Installs the six batch files out of the (verified) archive; other members are ignored. */
    void extract(Path archive, Path batches) throws IOException {
        Files.createDirectories(batches);
        Set<String> wanted = new HashSet<>(batchFiles());
        log.accept("extracting " + archive.getFileName() + " into " + batches);
        try (InputStream in = Files.newInputStream(archive)) {
            TarReader.scan(in, (entry, content) -> {
                if (!entry.regularFile() || !wanted.contains(entry.baseName())) return;
                installBatch(content, batches.resolve(entry.baseName()));
                wanted.remove(entry.baseName());
            });
        }
        if (!wanted.isEmpty()) {
            throw new UserError(archive + ": archive lacks " + String.join(", ", wanted.stream().sorted().toList()));
        }
    }

    /** A batch file has no pin of its own (the archive has); its exact length is checked before the rename. */
    private void installBatch(InputStream content, Path target) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".part");
        try {
            long n;
            try (OutputStream out = Files.newOutputStream(tmp)) {
                n = content.transferTo(out);
            }
            if (n != reader.fileBytes()) {
                throw new UserError(target.getFileName() + " in the archive has " + n + " bytes, expected "
                        + reader.fileBytes());
            }
            AtomicFiles.moveIntoPlace(tmp, target);
            tmp = null;
        } finally {
            if (tmp != null) Files.deleteIfExists(tmp);
        }
    }
}
