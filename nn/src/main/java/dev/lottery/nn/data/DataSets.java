package dev.lottery.nn.data;

import java.nio.file.Path;
import java.util.Map;
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

    /** As {@link #load(DatasetName, Path, int, long, Consumer)}, with progress lines on standard error. */
    public static DataSplit load(DatasetName name, Path cacheDir, int validationSize, long seed) {
        return load(name, cacheDir, validationSize, seed, line -> System.err.println("[data] " + line));
    }

    /**
     * Loads {@code name} from {@code cacheDir} (null: {@link #defaultCacheDir()}), fetching it first if needed, and
     * holds out {@code validationSize} training examples chosen by {@code seed} (0: no validation set).
     * Progress goes to {@code log}. Any problem the user can fix is a one-line {@link dev.lottery.nn.UserError}.
     */
    public static DataSplit load(DatasetName name, Path cacheDir, int validationSize, long seed,
                                 Consumer<String> log) {
        Path root = cacheDir == null ? defaultCacheDir() : cacheDir;
        Path dir = root.resolve(name.cliName());
        HostCommands commands = HostCommands.system();
        IdxDatasetLoader.TrainTest sets = switch (name) {
            case MNIST -> new IdxDatasetLoader(name.cliName(), IdxFileSet.MNIST,
                    DatasetFetcher.mnist(commands, log)).load(dir);
            case FASHION_MNIST -> new IdxDatasetLoader(name.cliName(), IdxFileSet.FASHION_MNIST,
                    DatasetFetcher.fashionMnist(commands, log)).load(dir);
            case CIFAR10 -> {
                Cifar10Reader reader = Cifar10Reader.standard();
                Path batches = Cifar10Fetcher.standard(log).ensure(dir);
                yield new IdxDatasetLoader.TrainTest(reader.readTrain(batches), reader.readTest(batches));
            }
        };
        return DataSplit.holdout(sets.train(), sets.test(), validationSize, seed);
    }

    /** {@code $LOTTERY_DATA}, else {@code $XDG_CACHE_HOME/lottery/data}, else {@code ~/.cache/lottery/data}. */
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
