package dev.lottery.experiment;

import static dev.lottery.experiment.ExperimentSettings.ARMS;
import static dev.lottery.experiment.ExperimentSettings.DATASET;
import static dev.lottery.experiment.ExperimentSettings.LEVELS;
import static dev.lottery.experiment.ExperimentSettings.MODEL;
import static dev.lottery.experiment.ExperimentSettings.MODES;
import static dev.lottery.experiment.ExperimentSettings.NAME;
import static dev.lottery.experiment.ExperimentSettings.NORMALIZATION;
import static dev.lottery.experiment.ExperimentSettings.RESET;
import static dev.lottery.experiment.ExperimentSettings.SCHEMA;
import static dev.lottery.experiment.ExperimentSettings.SEED;
import static dev.lottery.experiment.ExperimentSettings.STRATEGY;
import static dev.lottery.experiment.ExperimentSettings.TRAINING;
import static dev.lottery.experiment.ExperimentSettings.TRIALS;

import dev.lottery.experiment.control.Control;
import dev.lottery.nn.data.DatasetName;
import dev.lottery.nn.model.ModelSpec;
import dev.lottery.nn.rng.KeyedRandom;
import dev.lottery.nn.train.Normalization;
import dev.lottery.nn.train.TrainingSpec;
import dev.lottery.prune.PruningStrategy;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything that decides an experiment's numbers, as one value: a value for every setting of
 * {@link ExperimentSettings}. Its {@link #canonical()} string (one {@code key=value} line per setting not at its
 * default) is hashed with SHA-256; the results go to {@code <root>/<name>-<hash12>/} and nothing else decides where.
 * {@link #parse} reads the canonical string back to an equal spec.
 *
 * <pre>{@code
 * ExperimentSpec spec = ExperimentPresets.get("lenet-quick").with(TRIALS, 3);
 * }</pre>
 */
public final class ExperimentSpec {
    /** Every setting of the schema, in its order, each value valid and in canonical form. */
    private final Map<Setting<?>, Object> values;

    private ExperimentSpec(Map<Setting<?>, Object> values) {
        this.values = SCHEMA.complete(values);
        ExperimentSettings.checkTogether(this);
    }

    /**
     * An empty builder: {@link Builder#build()} gives every unset setting its default (required ones must be set).
     *
     * @return a new builder with no setting set
     */
    public static Builder builder() {
        return new Builder(new LinkedHashMap<>());
    }

    /**
     * A builder holding this spec's values, to change several at once.
     *
     * @return a new builder over a copy of the values; changing it leaves this spec as it is
     */
    public Builder toBuilder() {
        return new Builder(new LinkedHashMap<>(values));
    }

    /**
     * Reads a {@link #canonical()} string back; a one-line {@code UserError} says what is wrong with one that is not.
     *
     * @param canonical exactly what {@link #canonical()} writes: {@code key=value} lines in schema order, each ending
     *                  with a newline, settings at their default left out
     * @return the spec whose {@link #canonical()} is {@code canonical}
     */
    public static ExperimentSpec parse(String canonical) {
        return new ExperimentSpec(SCHEMA.parse(canonical));
    }

    /**
     * The value of {@code setting}.
     *
     * @param <T>     the setting's value type
     * @param setting one of {@link ExperimentSettings#SCHEMA}; any other is an {@link IllegalArgumentException}
     * @return the value in canonical form, never null (a setting left unset holds its default)
     */
    @SuppressWarnings("unchecked")
    public <T> T get(Setting<T> setting) {
        if (!values.containsKey(setting)) throw new IllegalArgumentException("'" + setting.key() + "' is not an experiment setting");
        return (T) values.get(setting);
    }

    /**
     * This spec with one setting changed (checked, like every value).
     *
     * @param <T>     the setting's value type
     * @param setting one of {@link ExperimentSettings#SCHEMA}
     * @param value   the new value; one the setting does not accept is a one-line {@code UserError}
     * @return a new spec (this one is unchanged), with its own {@link #hash()}
     */
    public <T> ExperimentSpec with(Setting<T> setting, T value) {
        return toBuilder().set(setting, value).build();
    }

    /**
     * The {@link ExperimentSettings#NAME} setting.
     *
     * @return letters, digits, '.', '_' and '-' only; the start of {@link #directoryName()}
     */
    public String name() {
        return get(NAME);
    }

    /**
     * The {@link ExperimentSettings#MODEL} setting.
     *
     * @return the network every unit of the experiment trains: input shape, layers and initializers
     */
    public ModelSpec model() {
        return get(MODEL);
    }

    /**
     * The {@link ExperimentSettings#DATASET} setting.
     *
     * @return a built-in data set, or custom data named by its content fingerprint
     */
    public DataSource dataset() {
        return get(DATASET);
    }

    /**
     * The {@link ExperimentSettings#NORMALIZATION} setting.
     *
     * @return the per-pixel standardization applied when the data is made resident
     */
    public Normalization normalization() {
        return get(NORMALIZATION);
    }

    /**
     * The {@link ExperimentSettings#TRAINING} setting.
     *
     * @return how each network trains: optimizer, batch size, iterations, evaluation, holdout, augmentation
     */
    public TrainingSpec training() {
        return get(TRAINING);
    }

    /**
     * The {@link ExperimentSettings#STRATEGY} setting.
     *
     * @return how each level prunes: by magnitude per layer kind, or globally
     */
    public PruningStrategy strategy() {
        return get(STRATEGY);
    }

    /**
     * The {@link ExperimentSettings#MODES} setting.
     *
     * @return iterative and/or one-shot, at least one, in their natural order without repeats; unmodifiable
     */
    public List<PruningMode> modes() {
        return get(MODES);
    }

    /**
     * What is trained at each level, in the registry's order (the ticket first).
     *
     * @return at least one arm, each registered in {@code Controls}, without repeats; unmodifiable
     */
    public List<Control> arms() {
        return get(ARMS);
    }

    /**
     * Pruning levels after the dense level 0 (so a trial trains {@code levels + 1} ticket networks per mode).
     *
     * @return the number of pruned levels, at least 0
     */
    public int levels() {
        return get(LEVELS);
    }

    /**
     * Independent repetitions, each with its own seed derived from {@link #seed()}.
     *
     * @return the number of trials, at least 1; trials are numbered from 0
     */
    public int trials() {
        return get(TRIALS);
    }

    /**
     * The {@link ExperimentSettings#SEED} setting.
     *
     * @return the experiment's seed; each trial's seed is derived from it by {@link #trialSeed(int)}
     */
    public long seed() {
        return get(SEED);
    }

    /**
     * The {@link ExperimentSettings#RESET} setting.
     *
     * @return what survivors are reset to: the initial weights, or the dense network's after an earlier iteration
     */
    public ResetMode reset() {
        return get(RESET);
    }

    /**
     * Every setting's text, defaults included, in schema order: the manifest's {@code settings}.
     *
     * @return a new map from setting key to its canonical text, iterating in schema order
     */
    public Map<String, String> fields() {
        return SCHEMA.texts(values);
    }

    /**
     * One {@code key=value} line per setting that is not at its default, in schema order.
     *
     * @return the lines, each ending with a newline; what {@link #hash()} hashes and {@link #parse} reads back
     */
    public String canonical() {
        return SCHEMA.canonical(values);
    }

    /** The settings of this spec that differ from {@code recorded} (a manifest's), one entry each. */
    List<String> differencesFrom(Map<String, String> recorded) {
        return SCHEMA.diff(recorded, values);
    }

    /**
     * SHA-256 of the UTF-8 canonical string, lower-case hex.
     *
     * @return 64 lower-case hex digits; equal specs give equal hashes
     */
    public String hash() {
        return HexFormat.of().formatHex(DataFingerprint.sha256().digest(canonical().getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * The name of this experiment's results directory under the results root.
     *
     * @return {@code <name>-<first 12 hex digits of the hash>}
     */
    public String directoryName() {
        return name() + "-" + hash().substring(0, 12);
    }

    /**
     * The seed of one trial: keyed, so trials are independent streams and no seed depends on another.
     *
     * @param trial the trial's number, from 0 to {@code trials() - 1}
     * @return the seed of that trial's initial weights, data order, held-out set and controls
     */
    public long trialSeed(int trial) {
        return KeyedRandom.key(seed(), "trial", "trial-" + trial);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExperimentSpec other && values.equals(other.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return "ExperimentSpec[" + canonical().strip().replace("\n", ", ") + "]";
    }

    /** Values for some settings; {@link #build()} fills in defaults and checks everything. */
    public static final class Builder {
        private final Map<Setting<?>, Object> values;

        private Builder(Map<Setting<?>, Object> values) {
            this.values = values;
        }

        /**
         * Sets one setting (checked against its declared validation at once).
         *
         * @param <T>     the setting's value type
         * @param setting one of {@link ExperimentSettings#SCHEMA}; another is refused by {@link #build()}
         * @param value   the value, not null; one the setting does not accept is a one-line {@code UserError} now
         * @return this builder
         */
        public <T> Builder set(Setting<T> setting, T value) {
            values.put(setting, setting.check(value, setting.key()));
            return this;
        }

        /**
         * A built-in data set with its usual normalization: sets both {@link ExperimentSettings#DATASET} and
         * {@link ExperimentSettings#NORMALIZATION}.
         *
         * @param name the built-in data set
         * @return this builder
         */
        public Builder dataset(DatasetName name) {
            return set(DATASET, new DataSource.BuiltIn(name)).set(NORMALIZATION, Normalization.standard(name));
        }

        /**
         * The value set for {@code setting} so far.
         *
         * @param <T>     the setting's value type
         * @param setting the setting to read
         * @return the value set, in canonical form, or null when it has not been set (defaults are filled in only by
         *         {@link #build()})
         */
        @SuppressWarnings("unchecked")
        public <T> T get(Setting<T> setting) {
            return (T) values.get(setting);
        }

        /**
         * The spec; defaults filled in, every setting checked, alone and together (e.g. a rewind iteration before the
         * end of training).
         *
         * @return a new spec; a value that does not fit is a one-line {@code UserError}
         * @throws IllegalStateException when a required setting has no value
         */
        public ExperimentSpec build() {
            return new ExperimentSpec(values);
        }
    }
}
