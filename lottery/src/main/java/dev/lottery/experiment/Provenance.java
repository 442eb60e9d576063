package dev.lottery.experiment;

import dev.lottery.nn.data.DataSplit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an experiment's results came from beyond its settings: entries recorded in the manifest but not hashed, so
 * they never move a results directory. Resuming a directory whose recorded entry differs from the current one is
 * refused with the difference (see {@link ResultsStore#recordProvenance}); entries a directory has not recorded yet
 * are added.
 *
 * <p>Recorded now: {@code data.content}, the {@link DataFingerprint} of a built-in data set as loaded (its loader
 * checks the files' pinned SHA-256, so this changes only when those pins or the reading of the files change). Custom
 * data needs no entry: its fingerprint is a setting, in the hash.
 */
public final class Provenance {
    public static final String DATA_CONTENT = "data.content";

    private Provenance() {}

    /** The entries for {@code spec} trained on {@code split}, in a fixed order. */
    public static Map<String, String> of(ExperimentSpec spec, DataSplit split) {
        Map<String, String> entries = new LinkedHashMap<>();
        if (spec.dataset() instanceof DataSource.BuiltIn) entries.put(DATA_CONTENT, DataFingerprint.of(split));
        return entries;
    }
}
