package dev.lottery.experiment;

import dev.lottery.nn.UserError;
import dev.lottery.nn.data.DataSets;
import dev.lottery.nn.data.DataSplit;
import dev.lottery.nn.data.DatasetName;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which data an experiment trains and tests on, as it enters the hash. A built-in data set is named: its loader
 * accepts only the files whose SHA-256 it pins, so the name stands for that content (what was loaded is also
 * recorded in the manifest, see {@link Provenance}). Custom data is named by its caller and identified by a
 * fingerprint of its content ({@link DataFingerprint}) or one its caller supplies, so other data can never share
 * a results directory with it.
 */
public sealed interface DataSource {
    /**
     * The text of the {@code dataset} setting.
     *
     * @return {@code mnist} and the like, or {@code custom(name=...,fingerprint=...)}; {@link #parse} reads it back
     */
    String canonical();

    /**
     * The data, with {@code validationSize} training examples held out by {@code seed}.
     *
     * @param cacheDir       where built-in data sets are cached; null for the default cache
     * @param validationSize training examples held out as the validation set; 0 for none
     * @param seed           draws which examples are held out
     * @return the training, validation (null when none is held out) and test sets; custom data cannot be loaded
     *         (it is a one-line {@link UserError}: the caller passes it in)
     */
    DataSplit load(Path cacheDir, int validationSize, long seed);

    /**
     * One of the data sets this project fetches, checks against pinned checksums and reads.
     *
     * @param name the data set
     */
    record BuiltIn(DatasetName name) implements DataSource {
        @Override
        public String canonical() {
            return name.cliName();
        }

        @Override
        public DataSplit load(Path cacheDir, int validationSize, long seed) {
            return DataSets.load(name, cacheDir, validationSize, seed);
        }
    }

    /**
     * Data held by the caller (see {@code Experiment.withData}).
     *
     * @param name        the caller's name for the data: letters, digits, '.', '_' and '-'; not part of the fingerprint
     * @param fingerprint {@code sha256:<hex>} of the content, or the caller's own identifier of it
     */
    record Custom(String name, String fingerprint) implements DataSource {
        /** Checks that the name and fingerprint use only the characters a setting allows. */
        public Custom {
            if (!name.matches("[A-Za-z0-9._-]+")) throw new UserError("data name '" + name + "' may only use letters, digits, '.', '_' and '-'");
            if (!fingerprint.matches("[A-Za-z0-9._:+-]+")) {
                throw new UserError("data fingerprint '" + fingerprint + "' may only use letters, digits and '.', '_', ':', '+', '-'");
            }
        }

        @Override
        public String canonical() {
            return "custom(name=" + name + ",fingerprint=" + fingerprint + ")";
        }

        @Override
        public DataSplit load(Path cacheDir, int validationSize, long seed) {
            throw new UserError("custom data '" + name + "' is not stored anywhere: it is passed to the experiment in Java (Experiment.withData)");
        }
    }

    /** The canonical text of custom data: group 1 is the name, group 2 the fingerprint. */
    Pattern CUSTOM = Pattern.compile("custom\\(name=([^,]+),fingerprint=([^)]+)\\)");

    /**
     * Reads {@link #canonical()}; a built-in data set's name may also be written as the command line accepts it.
     *
     * @param text a data set's name or {@code custom(name=...,fingerprint=...)}; anything else is a one-line
     *             {@link UserError} listing the known data sets
     * @return the data source
     */
    static DataSource parse(String text) {
        Matcher m = CUSTOM.matcher(text.strip());
        if (m.matches()) return new Custom(m.group(1), m.group(2));
        try {
            return new BuiltIn(DatasetName.parse(text));
        } catch (UserError e) {
            throw new UserError("'" + text + "' is neither a known data set (" + DatasetName.knownNames() + ") nor custom(name=...,fingerprint=...)");
        }
    }

    /** How the {@code dataset} setting is written and read. */
    SettingType<DataSource> TYPE = new SettingType<>("DATA", DataSource::parse, DataSource::canonical);
}
