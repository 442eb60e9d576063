package dev.lottery.experiment;

import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.backend.BackendOptions;
import dev.lottery.nn.backend.Backends;
import dev.lottery.nn.backend.DeviceChoice;
import dev.lottery.nn.data.DataSets;
import dev.lottery.nn.data.DataSplit;
import dev.lottery.nn.train.Normalization;
import dev.lottery.nn.train.ResidentData;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * An experiment ready to run: its spec plus where it runs (backend, engine) and where its data comes from.
 * <pre>{@code
 * Path dir = Experiment.of(ExperimentPresets.get("lenet-quick")).run(Path.of("results"), ExperimentListener.NONE);
 * }</pre>
 * Running again resumes: complete units are skipped, the unit in flight when a run was killed is redone.
 */
public final class Experiment {
    private final ExperimentSpec spec;
    private final Backend backend;
    /** What opens the backend when none is given: the device and each backend's settings. */
    private final BackendOptions options;
    /** Custom data given with {@link #withData}; null: the spec's built-in data set, loaded when the run starts. */
    private final DataSplit data;
    private final Path dataDir;
    private final Engine engine;

    private Experiment(ExperimentSpec spec, Backend backend, BackendOptions options, DataSplit data, Path dataDir, Engine engine) {
        this.spec = Objects.requireNonNull(spec);
        this.backend = backend;
        this.options = options;
        this.data = data;
        this.dataDir = dataDir;
        this.engine = engine;
    }

    /** Runs on the device {@code auto} picks, with the spec's data set from the default cache, on a {@link LocalEngine}. */
    public static Experiment of(ExperimentSpec spec) {
        return new Experiment(spec, null, BackendOptions.of(DeviceChoice.AUTO), null, null, new LocalEngine());
    }

    /** Runs on {@code backend} (owned by the caller, not closed). */
    public Experiment on(Backend b) {
        return new Experiment(spec, b, options, data, dataDir, engine);
    }

    /** Opens the backend for {@code choice}, with every backend's defaults, when the run starts (and closes it at the end). */
    public Experiment on(DeviceChoice choice) {
        return on(BackendOptions.of(choice));
    }

    /** Opens the backend {@code backendOptions} describe (device, CPU threads, ...) when the run starts, and closes it at the end. */
    public Experiment on(BackendOptions backendOptions) {
        return new Experiment(spec, null, backendOptions, data, dataDir, engine);
    }

    /**
     * Trains and tests on {@code split} instead of a built-in data set: the spec's data becomes
     * {@code custom(name=<name>,fingerprint=sha256:...)} with the {@link DataFingerprint} of the split's content, and
     * its normalization {@code normalization}. Both are settings, so other data (one label changed) or another
     * normalization gives another results directory, never the old results.
     */
    public Experiment withData(String name, DataSplit split, Normalization normalization) {
        return withData(name, split, normalization, DataFingerprint.of(split));
    }

    /**
     * As {@link #withData(String, DataSplit, Normalization)} with the caller's own {@code fingerprint} of the data
     * (e.g. a version or a checksum of the files it came from) instead of hashing the content: the caller vouches
     * that another fingerprint is given whenever the content changes.
     */
    public Experiment withData(String name, DataSplit split, Normalization normalization, String fingerprint) {
        ExperimentSpec custom = spec.toBuilder().set(ExperimentSettings.DATASET, new DataSource.Custom(name, fingerprint))
                .set(ExperimentSettings.NORMALIZATION, normalization).build();
        return new Experiment(custom, backend, options, split, dataDir, engine);
    }

    /** {@link #withData(String, DataSplit, Normalization)}, named {@code custom}, without normalization. */
    public Experiment withData(DataSplit split) {
        return withData("custom", split, Normalization.NONE);
    }

    /** Data cache directory (default: {@link DataSets#defaultCacheDir()}). */
    public Experiment withDataDir(Path dir) {
        return new Experiment(spec, backend, options, data, dir, engine);
    }

    /** Trains ready units of one trial together, in populations of at most {@code size} units, in this process. */
    public Experiment withPopulation(PopulationSize size) {
        return withEngine(new LocalEngine(size));
    }

    /** Runs the units with engine {@code e} (e.g. a {@link SlurmEngine}). */
    public Experiment withEngine(Engine e) {
        return new Experiment(spec, backend, options, data, dataDir, e);
    }

    /** The spec that runs, custom data included (it decides the results directory). */
    public ExperimentSpec spec() {
        return spec;
    }

    /** Runs (or resumes) every unit; returns the experiment's results directory. */
    public Path run(Path resultsRoot, ExperimentListener listener) {
        ResultsStore store = ResultsStore.open(resultsRoot, spec);
        List<Unit> units = store.plan();
        if (units.stream().allMatch(store::isDone)) {
            listener.onStart(spec, store.dir(), units.size(), units.size());
            return store.dir();
        }
        Backends.Selection selection = backend != null ? new Backends.Selection(backend, "given by the caller") : Backends.select(options);
        Backend b = selection.backend();
        try {
            listener.onBackend(selection.describe());
            try (ResidentData resident = ExperimentData.resident(spec, data, dataDir, b, store, line -> System.err.println("[data] " + line))) {
                engine.run(units, store, new UnitRunner(spec, store, b, resident), listener);
            }
        } finally {
            if (backend == null) b.close();
        }
        return store.dir();
    }

    /** {@link #run(Path, ExperimentListener)} without a listener. */
    public Path run(Path resultsRoot) {
        return run(resultsRoot, ExperimentListener.NONE);
    }
}
