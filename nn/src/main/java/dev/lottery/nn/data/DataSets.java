package dev.lottery.nn.data;

import dev.lottery.nn.UserError;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The entry point: a named data set, split into train / validation / test, fetched into the cache on first use.
 *
 * <p>Cache layout: {@code <cache>/mnist/}, {@code <cache>/fashion-mnist/} (the four uncompressed IDX files each)
 * and {@code <cache>/cifar10/cifar-10-batches-bin/}. See {@code docs/data.md} for sources and checksums.
 */
public final class DataSets {
    private DataSets() {
    }

    /**
     * As {@link #load(DatasetName, Path, int, long, Consumer)}, with progress lines on standard error.
     *
     * @param name           the data set
     * @param cacheDir       the cache folder, or null for {@link #defaultCacheDir()}
     * @param validationSize training examples to hold out, 0 for none
     * @param seed           the seed that chooses the held-out examples
     * @return the train / validation / test split, held on the host
     * @throws UserError if the data cannot be fetched or read, or the validation size is out of range
     */
    public static DataSplit load(DatasetName name, Path cacheDir, int validationSize, long seed) {
        return load(name, cacheDir, validationSize, seed, line -> System.err.println("[data] " + line));
    }

    /**
     * Loads {@code name} from {@code cacheDir} (null: {@link #defaultCacheDir()}), fetching it first if needed, and
     * holds out {@code validationSize} training examples chosen by {@code seed} (0: no validation set).
     * Progress goes to {@code log}. Any problem the user can fix is a one-line {@link dev.lottery.nn.UserError}.
     *
     * @param name           the data set
     * @param cacheDir       the cache folder, or null for {@link #defaultCacheDir()}; created when fetching
     * @param validationSize training examples to hold out, in {@code [0, training examples)}
     * @param seed           the seed that chooses the held-out examples
     * @param log            receives one-line progress messages (downloads, repairs), from the calling thread
     * @return the train / validation / test split, held on the host
     * @throws UserError if the data cannot be fetched or read, or the validation size is out of range
     */
    public static DataSplit load(DatasetName name, Path cacheDir, int validationSize, long seed,
                                 Consumer<String> log) {
        Path dir = datasetDir(name, cacheDir);
        HostCommands commands = HostCommands.system();
        IdxDatasetLoader.TrainTest sets = switch (name) {
            case MNIST -> new IdxDatasetLoader(name.cliName(), IdxFileSet.MNIST,
                    DatasetFetcher.mnist(commands, log)).load(dir);
            case FASHION_MNIST -> new IdxDatasetLoader(name.cliName(), IdxFileSet.FASHION_MNIST,
                    DatasetFetcher.fashionMnist(commands, log)).load(dir);
            case CIFAR10 -> loadCifar10(dir, log);
        };
        return DataSplit.holdout(sets.train(), sets.test(), validationSize, seed);
    }

    /**
     * CIFAR-10 from {@code dir}, downloading it first if needed. A batch file of the wrong size or content, or an
     * archive with the wrong checksum, is moved aside once and fetched again (as the IDX loader does).
     */
    private static IdxDatasetLoader.TrainTest loadCifar10(Path dir, Consumer<String> log) {
        Cifar10Reader reader = Cifar10Reader.standard();
        Cifar10Fetcher fetcher = Cifar10Fetcher.standard(log);
        Set<Path> repaired = new HashSet<>();
        CorruptDataFile repairing = null;
        Path aside = null;
        while (true) {
            try {
                Path batches = fetcher.ensure(dir);
                return new IdxDatasetLoader.TrainTest(reader.readTrain(batches), reader.readTest(batches));
            } catch (CorruptDataFile e) {
                if (!repaired.add(e.file())) throw e;
                repairing = e;
                aside = e.moveAside(log);
            } catch (UserError fetchFailure) {
                if (repairing == null) throw fetchFailure;
                throw repairing.unrepaired(aside, DatasetName.CIFAR10.cliName(), fetchFailure);
            }
        }
    }

    /**
     * The data set's folder in the cache {@code cacheDir} (null: {@link #defaultCacheDir()}).
     *
     * @param name     the data set, whose command-line name is the folder's name
     * @param cacheDir the cache folder, or null for the default
     * @return the folder's path; it need not exist
     */
    public static Path datasetDir(DatasetName name, Path cacheDir) {
        return (cacheDir == null ? defaultCacheDir() : cacheDir).resolve(name.cliName());
    }

    /**
     * The raw content a part ({@code train} or {@code test}) of a data set is made from, as pinned checksums: what a
     * {@link PreparedSet} records, so that a prepared copy is used only for the content it was made from.
     *
     * @param name the data set
     * @param part {@code train} or {@code test}
     * @return {@code sha256:} followed by the checksums of the files the part is read from
     * @throws IllegalArgumentException if {@code part} is neither {@code train} nor {@code test}
     */
    public static String source(DatasetName name, String part) {
        boolean train = switch (part) {
            case "train" -> true;
            case "test" -> false;
            default -> throw new IllegalArgumentException("part " + part + " is neither train nor test");
        };
        return switch (name) {
            case MNIST -> idxSource(IdxFileSet.MNIST, train);
            case FASHION_MNIST -> idxSource(IdxFileSet.FASHION_MNIST, train);
            case CIFAR10 -> "sha256:" + Cifar10Fetcher.SHA256 + (train ? ":data_batch_1-5" : ":test_batch");
        };
    }

    private static String idxSource(IdxFileSet files, boolean train) {
        return "sha256:" + (train ? files.trainImages().sha256() + "," + files.trainLabels().sha256()
                : files.testImages().sha256() + "," + files.testLabels().sha256());
    }

    /**
     * {@code $LOTTERY_DATA}, else {@code $XDG_CACHE_HOME/lottery/data}, else {@code ~/.cache/lottery/data}.
     *
     * @return the cache folder used when none is given (blank variables count as unset); it need not exist
     */
    public static Path defaultCacheDir() {
        return defaultCacheDir(System.getenv(), System.getProperty("user.home"));
    }

    static Path defaultCacheDir(Map<String, String> env, String home) {
        String explicit = env.get("LOTTERY_DATA");
        if (explicit != null && !explicit.isBlank()) return Path.of(explicit);
        String xdg = env.get("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) return Path.of(xdg, "lottery", "data");
        return Path.of(home, ".cache", "lottery", "data");
    }
}
