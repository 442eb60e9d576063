package dev.lottery.nn.train;

import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.data.DataSets;
import dev.lottery.nn.data.DataSplit;
import dev.lottery.nn.data.Dataset;
import dev.lottery.nn.data.DatasetName;
import dev.lottery.nn.data.PreparedSet;
import dev.lottery.nn.tensor.HostTensor;
import dev.lottery.nn.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A data split made resident in a backend's memory once: images as {@code [count, features]}, labels as
 * {@code [count]} (exact small integers in floats). Mini-batches are gathered from it by index lists.
 */
public final class ResidentData implements AutoCloseable {
    /**
     * One resident data set.
     *
     * @param name     the set's name, e.g. {@code mnist/train}, {@code mnist/validation} or {@code mnist/test}
     * @param images   the images {@code [count, features]}, one row per example in NCHW order, standardized unless
     *                 uploaded with {@link Normalization#NONE}
     * @param labels   the class of each example {@code [count]}, as exact small integers in floats
     * @param count    the number of examples
     * @param features values per example (784 for MNIST, 3072 for CIFAR-10)
     */
    public record Part(String name, Tensor images, Tensor labels, int count, int features) implements AutoCloseable {
        @Override
        public void close() {
            images.close();
            labels.close();
        }
    }

    private final Part train;
    private final Part validation;
    private final Part test;

    /** The parts, each of whose images the backend is told stay constant (nothing writes them after this). */
    private ResidentData(Backend backend, Part train, Part validation, Part test) {
        this.train = train;
        this.validation = validation;
        this.test = test;
        shareWith(backend);
    }

    /**
     * Lets {@code other}, a backend of the same memory as the one this data was made resident on (another CPU backend
     * in this process), train on these tensors without a copy: it is told, as the first one was, that the images stay
     * constant. Training only reads the data, so backends on several threads may share it.
     *
     * @param other a backend whose tensors live in the same memory as these
     * @throws IllegalArgumentException if {@code other} cannot read these tensors (e.g. a GPU backend and host data)
     */
    public void shareWith(Backend other) {
        for (Part p : new Part[] {train, validation, test}) if (p != null) other.markConstant(p.images());
    }

    /**
     * Data set {@code name} from the cache {@code cacheDir} (null: the default one), standardized with
     * {@link Normalization#standard}, with {@code validationSize} training examples held out as
     * {@link DataSplit#holdout} chooses them by {@code seed}: the same tensors as
     * {@code upload(backend, DataSets.load(name, cacheDir, validationSize, seed), Normalization.standard(name))}, but
     * read from prepared sets ({@link PreparedSet}, made from the raw files on first use) by memory-mapping, so a start
     * does no decoding, and the CPU backend computes on the mapped pages without copying them. Progress and repairs
     * are reported to {@code log}.
     *
     * @param backend        where the data is made resident; not owned
     * @param name           the data set
     * @param cacheDir       the data cache folder, or null for {@link DataSets#defaultCacheDir()}
     * @param validationSize training examples held out for validation, 0 for none
     * @param seed           chooses which examples are held out (not the training order)
     * @param log            receives one line per progress step or repair
     * @return the resident sets, owned by the caller, who closes them; {@link #validation()} is null without a
     *         holdout
     * @throws dev.lottery.nn.UserError if the data set cannot be fetched or read, or {@code validationSize} is not
     *                                  below the training set's size
     * @throws UncheckedIOException if a prepared set cannot be memory-mapped
     */
    public static ResidentData load(Backend backend, DatasetName name, Path cacheDir, int validationSize, long seed,
                                    Consumer<String> log) {
        Prepared p = prepare(name, cacheDir, log);
        if (p.raw() != null) return upload(backend, DataSplit.holdout(p.raw().train(), p.raw().test(), validationSize, seed), Normalization.standard(name));
        try {
            return fromPrepared(backend, p.train(), p.test(), validationSize, seed);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot map " + p.train().file() + " or " + p.test().file(), e);
        }
    }

    /**
     * Data set {@code name} from the default cache, standardized, with the {@link TrainingSpec#validationSize()}
     * training examples of {@code training} held out (chosen by seed 0), progress on standard error: the common case
     * of {@link #load(Backend, DatasetName, Path, int, long, Consumer)}.
     *
     * @param backend  where the data is made resident; not owned
     * @param name     the data set
     * @param training the run's settings; only {@link TrainingSpec#validationSize()} is read
     * @return the resident sets, owned by the caller, who closes them
     * @throws dev.lottery.nn.UserError if the data set cannot be fetched or read, or the holdout is too large
     */
    public static ResidentData load(Backend backend, DatasetName name, TrainingSpec training) {
        return load(backend, name, null, training.validationSize(), 0);
    }

    /**
     * A data set's prepared train and test sets ({@link PreparedSet}, standardized as {@link Normalization#standard}),
     * or, where they cannot be written (a read-only cache), the raw split instead ({@code train} and {@code test}
     * null then).
     *
     * @param train the prepared training set, or null when {@code raw} is given
     * @param test  the prepared test set, or null when {@code raw} is given
     * @param raw   the decoded split with no holdout, when the prepared sets could not be written; null otherwise
     */
    public record Prepared(PreparedSet train, PreparedSet test, DataSplit raw) {}

    /**
     * The prepared sets of data set {@code name} in the cache {@code cacheDir} (null: the default), made from the raw
     * files when missing or damaged: those are fetched, checked against their pins and repaired as
     * {@link DataSets#load} does. Progress and repairs go to {@code log}.
     *
     * @param name     the data set
     * @param cacheDir the data cache folder, or null for {@link DataSets#defaultCacheDir()}
     * @param log      receives one line per progress step or repair
     * @return the prepared sets, or the raw split when the cache is read-only
     * @throws dev.lottery.nn.UserError if the raw files are needed and cannot be fetched or read
     */
    public static Prepared prepare(DatasetName name, Path cacheDir, Consumer<String> log) {
        Normalization normalization = Normalization.standard(name);
        Path dir = DataSets.datasetDir(name, cacheDir);
        Optional<PreparedSet> train = prepared(dir, name, "train", normalization, log);
        Optional<PreparedSet> test = prepared(dir, name, "test", normalization, log);
        if (train.isPresent() && test.isPresent()) return new Prepared(train.get(), test.get(), null);
        DataSplit raw = DataSets.load(name, cacheDir, 0, 0, log);
        try {
            log.accept("preparing " + name.cliName() + " for memory-mapping in " + PreparedSet.folder(dir));
            write(dir, name, "train", raw.train(), normalization);
            write(dir, name, "test", raw.test(), normalization);
            train = prepared(dir, name, "train", normalization, log);
            test = prepared(dir, name, "test", normalization, log);
        } catch (IOException e) {
            log.accept("cannot write the prepared copy (" + e.getMessage() + "); reading the raw files every time");
        }
        return train.isPresent() && test.isPresent() ? new Prepared(train.get(), test.get(), null) : new Prepared(null, null, raw);
    }

    /**
     * As {@link #load(Backend, DatasetName, Path, int, long, Consumer)}, reporting on standard error.
     *
     * @param backend        where the data is made resident; not owned
     * @param name           the data set
     * @param cacheDir       the data cache folder, or null for {@link DataSets#defaultCacheDir()}
     * @param validationSize training examples held out for validation, 0 for none
     * @param seed           chooses which examples are held out (not the training order)
     * @return the resident sets, owned by the caller, who closes them
     * @throws dev.lottery.nn.UserError if the data set cannot be fetched or read, or the holdout is too large
     */
    public static ResidentData load(Backend backend, DatasetName name, Path cacheDir, int validationSize, long seed) {
        return load(backend, name, cacheDir, validationSize, seed, line -> System.err.println("[data] " + line));
    }

    private static Optional<PreparedSet> prepared(Path dir, DatasetName name, String part, Normalization normalization,
                                                  Consumer<String> log) {
        Path file = PreparedSet.file(dir, part);
        try {
            return PreparedSet.open(file, name.cliName() + "/" + part, normalization.canonical(), DataSets.source(name, part));
        } catch (PreparedSet.Mismatch e) {
            log.accept(e.getMessage() + "; making it again");
            return Optional.empty();
        }
    }

    private static void write(Path dir, DatasetName name, String part, Dataset d, Normalization normalization) throws IOException {
        PreparedSet.Header h = new PreparedSet.Header(name.cliName() + "/" + part, d.count(), d.channels(), d.height(), d.width(),
                d.classes(), normalization.canonical(), DataSets.source(name, part));
        PreparedSet.write(PreparedSet.file(dir, part), h, normalization.apply(d.images()), d.labels());
    }

    private static ResidentData fromPrepared(Backend backend, PreparedSet train, PreparedSet test, int validationSize, long seed)
            throws IOException {
        PreparedSet.Header th = train.header();
        DataSplit.Holdout holdout = DataSplit.holdout(th.name(), th.count(), validationSize, seed);
        Part testPart = null, trainPart = null, validationPart = null;
        try {
            testPart = mapped(backend, test);
            if (holdout == null) {
                trainPart = mapped(backend, train);
            } else {
                trainPart = gathered(backend, train, th.name(), holdout.kept());
                validationPart = gathered(backend, train, DataSplit.validationName(th.name()), holdout.held());
            }
            return new ResidentData(backend, trainPart, validationPart, testPart);
        } catch (IOException | RuntimeException e) {
            for (Part p : new Part[] {testPart, trainPart, validationPart}) if (p != null) p.close();
            throw e;
        }
    }

    /** A whole prepared set, resident as mapped. */
    private static Part mapped(Backend backend, PreparedSet set) throws IOException {
        PreparedSet.Header h = set.header();
        Arena imagesArena = Arena.ofShared(), labelsArena = Arena.ofShared();
        Tensor images = null;
        try {
            images = backend.adopt(h.name() + ".images", set.mapImages(imagesArena), imagesArena, h.count(), h.features());
            Tensor labels = backend.adopt(h.name() + ".labels", set.mapLabels(labelsArena), labelsArena, h.count());
            return new Part(h.name(), images, labels, h.count(), h.features());
        } catch (IOException | RuntimeException e) {
            if (images != null) images.close();
            closeIfOpen(imagesArena, labelsArena);
            throw e;
        }
    }

    /** Arenas a backend did not take over (it closes the ones it did, or they belong to a tensor that was closed). */
    private static void closeIfOpen(Arena... arenas) {
        for (Arena a : arenas) if (a.scope().isAlive()) a.close();
    }

    /** The examples {@code rows} (increasing) of a prepared set, copied out of the mapping, as part {@code name}. */
    private static Part gathered(Backend backend, PreparedSet set, String name, int[] rows) throws IOException {
        PreparedSet.Header h = set.header();
        long rowBytes = (long) h.features() * Float.BYTES;
        Arena imagesArena = Arena.ofShared(), labelsArena = Arena.ofShared();
        try (Arena mapping = Arena.ofConfined()) {
            MemorySegment allImages = set.mapImages(mapping), allLabels = set.mapLabels(mapping);
            MemorySegment images = imagesArena.allocate(rows.length * rowBytes, HostTensor.ALIGNMENT);
            MemorySegment labels = labelsArena.allocate((long) rows.length * Float.BYTES, HostTensor.ALIGNMENT);
            for (int k = 0; k < rows.length; k++) {
                MemorySegment.copy(allImages, rows[k] * rowBytes, images, k * rowBytes, rowBytes);
                MemorySegment.copy(allLabels, (long) rows[k] * Float.BYTES, labels, (long) k * Float.BYTES, Float.BYTES);
            }
            Tensor imageTensor = backend.adopt(name + ".images", images, imagesArena, rows.length, h.features());
            try {
                return new Part(name, imageTensor, backend.adopt(name + ".labels", labels, labelsArena, rows.length), rows.length, h.features());
            } catch (RuntimeException e) {
                imageTensor.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            closeIfOpen(imagesArena, labelsArena);
            throw e;
        }
    }

    /**
     * Uploads the split as it is (pixels in [0, 1]).
     *
     * @param backend where the data is made resident; not owned
     * @param split   the decoded sets; copied to the backend, so the caller may drop them
     * @return the resident sets, owned by the caller, who closes them
     */
    public static ResidentData upload(Backend backend, DataSplit split) {
        return upload(backend, split, Normalization.NONE);
    }

    /**
     * Uploads the split with every pixel standardized by {@code normalization}.
     *
     * @param backend       where the data is made resident; not owned
     * @param split         the decoded sets; not modified, copied to the backend
     * @param normalization applied to the images of every set; {@link Normalization#NONE} keeps them as they are
     * @return the resident sets, owned by the caller, who closes them
     */
    public static ResidentData upload(Backend backend, DataSplit split, Normalization normalization) {
        Part train = upload(backend, split.train(), normalization);
        Part validation = split.validation() == null ? null : upload(backend, split.validation(), normalization);
        Part test = upload(backend, split.test(), normalization);
        return new ResidentData(backend, train, validation, test);
    }

    private static Part upload(Backend backend, Dataset d, Normalization normalization) {
        float[] labels = new float[d.count()];
        for (int i = 0; i < labels.length; i++) labels[i] = d.labels()[i] & 0xff;
        Tensor images = backend.upload(d.name() + ".images", normalization.apply(d.images()), d.count(), d.featureSize());
        Tensor labelTensor = backend.upload(d.name() + ".labels", labels, d.count());
        return new Part(d.name(), images, labelTensor, d.count(), d.featureSize());
    }

    /**
     * The training set.
     *
     * @return the examples the trainer draws batches from (without the validation holdout); closed with this object
     */
    public Part train() {
        return train;
    }

    /**
     * The validation set held out of the training set.
     *
     * @return the held-out examples, closed with this object; null when no validation set is held out
     */
    public Part validation() {
        return validation;
    }

    /**
     * The test set.
     *
     * @return the test examples, closed with this object
     */
    public Part test() {
        return test;
    }

    @Override
    public void close() {
        train.close();
        if (validation != null) validation.close();
        test.close();
    }
}
