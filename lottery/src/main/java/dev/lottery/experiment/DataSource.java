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
    /** The text of the {@code dataset} setting: {@code mnist}, or {@code custom(name=...,fingerprint=...)}. */
    String canonical();

    /** The data, with {@code validationSize} training examples held out by {@code seed}. */
    DataSplit load(Path cacheDir, int validationSize, long seed);

    /** One of the data sets this project fetches, checks against pinned checksums and reads. */
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

    Pattern CUSTOM = Pattern.compile("custom\\(name=([^,]+),fingerprint=([^)]+)\\)");

    /** Reads {@link #canonical()}; a built-in data set's name may also be written as the command line accepts it. */
    static DataSource parse(String text) {
        Matcher m = CUSTOM.matcher(text.strip());
        if (m.matches()) return new Custom(m.group(1), m.group(2));
        try {
            return new BuiltIn(DatasetName.parse(text));
        } catch (UserError e) {
            throw new UserError("'" + text + "' is neither a known data set (" + DatasetName.knownNames() + ") nor custom(name=...,fingerprint=...)");
        }
    }

    SettingType<DataSource> TYPE = new SettingType<>("DATA", DataSource::parse, DataSource::canonical);
}
