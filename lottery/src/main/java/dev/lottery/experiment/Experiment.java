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
    private final Concurrency concurrency;

    private Experiment(ExperimentSpec spec, Backend backend, BackendOptions options, DataSplit data, Path dataDir, Engine engine,
                       Concurrency concurrency) {
        this.spec = Objects.requireNonNull(spec);
        this.backend = backend;
        this.options = options;
        this.data = data;
        this.dataDir = dataDir;
        this.engine = engine;
        this.concurrency = concurrency;
    }

    /**
     * Runs on the device {@code auto} picks, with the spec's data set from the default cache, on a {@link LocalEngine}.
     *
     * @param spec the experiment's settings; they decide its results directory
     * @return an experiment that has not started; {@link #run} starts it
     */
    public static Experiment of(ExperimentSpec spec) {
        return new Experiment(spec, null, BackendOptions.of(DeviceChoice.AUTO), null, null, new LocalEngine(), Concurrency.AUTO);
    }

    /**
     * Runs on a backend the caller has opened.
     *
     * @param b the backend; owned by the caller, who closes it after {@link #run} (the run does not)
     * @return a copy of this experiment that runs on {@code b}
     */
    public Experiment on(Backend b) {
        return new Experiment(spec, b, options, data, dataDir, engine, concurrency);
    }

    /**
     * Opens the backend for {@code choice}, with every backend's defaults, when the run starts (and closes it at the
     * end).
     *
     * @param choice the device to run on, or {@code auto}
     * @return a copy of this experiment that opens that backend
     */
    public Experiment on(DeviceChoice choice) {
        return on(BackendOptions.of(choice));
    }

    /**
     * Opens the backend {@code backendOptions} describe (device, CPU threads, ...) when the run starts, and closes it
     * at the end.
     *
     * @param backendOptions the device and each backend's settings; not part of the spec, so they never change the
     *                       results directory
     * @return a copy of this experiment that opens that backend
     */
    public Experiment on(BackendOptions backendOptions) {
        return new Experiment(spec, null, backendOptions, data, dataDir, engine, concurrency);
    }

    /**
     * Trains and tests on {@code split} instead of a built-in data set: the spec's data becomes
     * {@code custom(name=<name>,fingerprint=sha256:...)} with the {@link DataFingerprint} of the split's content, and
     * its normalization {@code normalization}. Both are settings, so other data (one label changed) or another
     * normalization gives another results directory, never the old results.
     *
     * @param name          the data's name in the spec: letters, digits, '.', '_' and '-'; not part of the
     *                      fingerprint
     * @param split         the training and test data, read (and hashed) when this is called and made resident when the
     *                      run starts; it must not change in between
     * @param normalization the per-pixel standardization applied when the data is made resident
     * @return a copy of this experiment whose spec names the custom data
     */
    public Experiment withData(String name, DataSplit split, Normalization normalization) {
        return withData(name, split, normalization, DataFingerprint.of(split));
    }

    /**
     * As {@link #withData(String, DataSplit, Normalization)} with the caller's own {@code fingerprint} of the data
     * (e.g. a version or a checksum of the files it came from) instead of hashing the content: the caller vouches
     * that another fingerprint is given whenever the content changes.
     *
     * @param name          the data's name in the spec: letters, digits, '.', '_' and '-'
     * @param split         the training and test data, made resident when the run starts
     * @param normalization the per-pixel standardization applied when the data is made resident
     * @param fingerprint   the caller's name for this exact content; it goes into the spec and so into the hash
     * @return a copy of this experiment whose spec names the custom data
     */
    public Experiment withData(String name, DataSplit split, Normalization normalization, String fingerprint) {
        ExperimentSpec custom = spec.toBuilder().set(ExperimentSettings.DATASET, new DataSource.Custom(name, fingerprint))
                .set(ExperimentSettings.NORMALIZATION, normalization).build();
        return new Experiment(custom, backend, options, split, dataDir, engine, concurrency);
    }

    /**
     * {@link #withData(String, DataSplit, Normalization)}, named {@code custom}, without normalization.
     *
     * @param split the training and test data, hashed now and made resident when the run starts
     * @return a copy of this experiment whose spec names the custom data
     */
    public Experiment withData(DataSplit split) {
        return withData("custom", split, Normalization.NONE);
    }

    /**
     * Data cache directory (default: {@link DataSets#defaultCacheDir()}).
     *
     * @param dir where built-in data sets are looked for; not part of the spec
     * @return a copy of this experiment that reads its built-in data set from {@code dir}
     */
    public Experiment withDataDir(Path dir) {
        return new Experiment(spec, backend, options, data, dir, engine, concurrency);
    }

    /**
     * Trains ready units of one trial together, in populations of at most {@code size} units, in this process.
     *
     * @param size the most units per population, or {@link PopulationSize#AUTO}; results are the same bits either way
     * @return a copy of this experiment on a {@link LocalEngine} of that size
     */
    public Experiment withPopulation(PopulationSize size) {
        return withEngine(new LocalEngine(size));
    }

    /**
     * How many populations train at the same time on the CPU, each on its share of the CPU threads (by default one per
     * thread). A backend given with {@link #on(Backend)} and a GPU train one at a time; a {@link SlurmEngine}'s jobs
     * follow the {@code --concurrency} of its settings' run options (their default: one per allocated thread).
     *
     * @param c the most populations at a time, or {@link Concurrency#AUTO}; results are the same bits either way
     * @return a copy of this experiment with that concurrency
     */
    public Experiment withConcurrency(Concurrency c) {
        return new Experiment(spec, backend, options, data, dataDir, engine, Objects.requireNonNull(c));
    }

    /**
     * Runs the units with engine {@code e} (e.g. a {@link SlurmEngine}).
     *
     * @param e what runs the units: in this process or as cluster jobs
     * @return a copy of this experiment that runs on {@code e}
     */
    public Experiment withEngine(Engine e) {
        return new Experiment(spec, backend, options, data, dataDir, e, concurrency);
    }

    /**
     * The spec that runs, custom data included (it decides the results directory).
     *
     * @return the spec given to {@link #of}, with the custom data's settings when {@link #withData} was called
     */
    public ExperimentSpec spec() {
        return spec;
    }

    /**
     * Runs (or resumes) every unit. When every unit is already complete nothing is trained and no backend is opened.
     *
     * @param resultsRoot the directory that holds every experiment's results directory; created when missing
     * @param listener    told of progress on the calling thread
     * @return the experiment's results directory, {@code <resultsRoot>/<name>-<hash12>}
     */
    public Path run(Path resultsRoot, ExperimentListener listener) {
        ResultsStore store = ResultsStore.open(resultsRoot, spec);
        List<Unit> units = store.plan();
        if (units.stream().allMatch(store::isDone)) {
            listener.onStart(spec, store.dir(), units.size(), units.size());
            return store.dir();
        }
        Backends.Selection selection = backend != null ? new Backends.Selection(backend, "given by the caller") : Backends.select(options);
        // Populations side by side on CPU lanes for the local engine; one at a time on a GPU, a given backend or Slurm.
        try (Lanes lanes = Lanes.open(selection, options, engine instanceof LocalEngine ? concurrency : Concurrency.ONE, backend == null)) {
            listener.onBackend(lanes.describe());
            try (ResidentData resident = ExperimentData.resident(spec, data, dataDir, lanes.first(), store, l -> System.err.println("[data] " + l))) {
                engine.run(units, store, lanes.runners(spec, store, resident, 0), listener);
            }
        }
        return store.dir();
    }

    /**
     * {@link #run(Path, ExperimentListener)} without a listener.
     *
     * @param resultsRoot the directory that holds every experiment's results directory; created when missing
     * @return the experiment's results directory, {@code <resultsRoot>/<name>-<hash12>}
     */
    public Path run(Path resultsRoot) {
        return run(resultsRoot, ExperimentListener.NONE);
    }
}
