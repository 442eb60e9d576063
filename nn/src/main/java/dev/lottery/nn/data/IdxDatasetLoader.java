package dev.lottery.nn.data;

import dev.lottery.nn.UserError;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Loads an MNIST-style data set (four IDX files): finds each file in the cache folder or a system package's folder
 * (plain or {@code .gz}), fetches the missing ones, checks each against its pinned SHA-256 and converts pixels to
 * [0,1] floats.
 */
final class IdxDatasetLoader {
    static final int CLASSES = 10;

    private final String name;
    private final IdxFileSet files;
    private final DatasetFetcher fetcher;

    /** @param name the data set's short name, e.g. {@code mnist}; the sets are called {@code mnist/train} etc. */
    IdxDatasetLoader(String name, IdxFileSet files, DatasetFetcher fetcher) {
        this.name = name;
        this.files = files;
        this.fetcher = fetcher;
    }

    /** The full training set and the test set of a data set. */
    record TrainTest(Dataset train, Dataset test) {
    }

    /**
     * The full training set and the test set, fetching into {@code dir} first if needed. A file that fails its size,
     * structure or checksum is repaired once: moved aside to {@code <name>.bad} (when it is in the cache; a bad copy in
     * a system folder is left alone and a good one fetched into the cache, where it is found first) and fetched again,
     * with a line to {@code log} saying so.
     */
    TrainTest load(Path dir) {
        Set<Path> repaired = new HashSet<>();
        while (true) {
            try {
                fetchMissing(dir);
                Dataset train = read(name + "/train", locateOrFail(dir, files.trainImages()), files.trainImages(),
                        locateOrFail(dir, files.trainLabels()), files.trainLabels());
                Dataset test = read(name + "/test", locateOrFail(dir, files.testImages()), files.testImages(),
                        locateOrFail(dir, files.testLabels()), files.testLabels());
                return new TrainTest(train, test);
            } catch (CorruptDataFile e) {
                if (!repaired.add(e.file())) throw e; // the fetched copy is bad as well: nothing more to try here
                repair(e, dir);
            }
        }
    }

    private void fetchMissing(Path dir) {
        List<PinnedFile> missing = new ArrayList<>();
        for (PinnedFile f : files.files()) {
            if (locate(dir, f).isEmpty()) missing.add(f);
        }
        if (!missing.isEmpty()) fetcher.fetch(missing, dir);
    }

    /** Moves a corrupt cache file aside and fetches it again (or a good copy of a system folder's bad one). */
    private void repair(CorruptDataFile e, Path dir) {
        Path aside = null;
        try {
            if (e.file().toAbsolutePath().startsWith(dir.toAbsolutePath())) {
                aside = e.moveAside(fetcher::log);
            } else {
                fetcher.log(e.file() + " failed its check (" + e.problem() + "): fetching a good copy into " + dir);
                fetcher.fetch(List.of(pinOf(e.file())), dir);
            }
            fetchMissing(dir);
        } catch (CorruptDataFile again) {
            throw again;
        } catch (UserError fetchFailure) {
            throw e.unrepaired(aside, name, fetchFailure);
        }
    }

    /** The pinned file {@code file} is a copy of ({@code name} or {@code name.gz}). */
    private PinnedFile pinOf(Path file) {
        String n = file.getFileName().toString();
        for (PinnedFile f : files.files()) {
            if (n.equals(f.name()) || n.equals(f.name() + ".gz")) return f;
        }
        throw new IllegalArgumentException(file + " is not one of " + files.fileNames());
    }

    /** {@code dir/name}, {@code dir/name.gz}, then the same in each system folder. */
    Optional<Path> locate(Path dir, PinnedFile f) {
        List<Path> dirs = new ArrayList<>();
        dirs.add(dir);
        dirs.addAll(files.systemDirs());
        for (Path d : dirs) {
            for (String candidate : List.of(f.name(), f.name() + ".gz")) {
                Path p = d.resolve(candidate);
                if (Files.isRegularFile(p)) return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private Path locateOrFail(Path dir, PinnedFile f) {
        return locate(dir, f).orElseThrow(() -> new UserError(f.name() + " is still missing from " + dir
                + " after fetching"));
    }

    private static Dataset read(String setName, Path imagesFile, PinnedFile imagesPin, Path labelsFile,
                                PinnedFile labelsPin) {
        IdxImages images = IdxReader.readImages(imagesFile);
        checkPin(imagesFile, imagesPin, images.sha256());
        IdxLabels labels = IdxReader.readLabels(labelsFile);
        checkPin(labelsFile, labelsPin, labels.sha256());
        return toDataset(setName, images, labels, labelsFile);
    }

    static void checkPin(Path file, PinnedFile pin, String actual) {
        if (!pin.sha256().equals(actual)) {
            throw new CorruptDataFile(file, "SHA-256 mismatch: expected " + pin.sha256() + ", found " + actual);
        }
    }

    /** Pixels become byte/255f, one channel; labels must match the images in number and be in 0..9. */
    static Dataset toDataset(String setName, IdxImages images, IdxLabels labels, Path labelsFile) {
        if (images.count() != labels.count()) {
            throw new UserError(labelsFile + ": " + labels.count() + " labels for " + images.count() + " images");
        }
        byte[] lb = labels.labels();
        for (int i = 0; i < lb.length; i++) {
            if (Byte.toUnsignedInt(lb[i]) >= CLASSES) {
                throw new UserError(labelsFile + ": label " + Byte.toUnsignedInt(lb[i]) + " at index " + i
                        + " is not a class in 0.." + (CLASSES - 1));
            }
        }
        return new Dataset(setName, toUnitFloats(images.pixels()), lb, images.count(), 1, images.rows(),
                images.cols(), CLASSES);
    }

    static float[] toUnitFloats(byte[] pixels) {
        float[] out = new float[pixels.length];
        for (int i = 0; i < pixels.length; i++) out[i] = Byte.toUnsignedInt(pixels[i]) / 255f;
        return out;
    }
}
