package dev.lottery.experiment;

import dev.lottery.nn.data.DataSplit;
import dev.lottery.nn.data.IdxFileSet;
import dev.lottery.nn.data.PinnedFile;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an experiment's results came from beyond its settings: entries recorded in the manifest but not hashed, so
 * they never move a results directory. Resuming a directory whose recorded entry differs from the current one is
 * refused with the difference (see {@link ResultsStore#recordProvenance}); entries a directory has not recorded yet
 * are added.
 *
 * <p>Recorded now, for a built-in data set: MNIST's and Fashion-MNIST's files by their pinned SHA-256
 * ({@code data.file.<name>}), which their loader checks on every load; CIFAR-10, whose loader checks its archive only
 * when it extracts it, by the {@link DataFingerprint} of what was loaded ({@code data.content}). Custom data needs no
 * entry: its fingerprint is a setting, in the hash.
 */
public final class Provenance {
    /** The key of a data set's content fingerprint. */
    public static final String DATA_CONTENT = "data.content";
    /** The prefix of the keys of a data set's pinned files. */
    public static final String DATA_FILE = "data.file.";

    private Provenance() {}

    /**
     * The entries for {@code spec} trained on {@code split}, in a fixed order.
     *
     * @param spec  the experiment; only its data set decides the entries
     * @param split the loaded data; read only for CIFAR-10, so it may be null for the other data sets
     * @return a new map; empty for custom data
     */
    public static Map<String, String> of(ExperimentSpec spec, DataSplit split) {
        Map<String, String> entries = new LinkedHashMap<>();
        if (spec.dataset() instanceof DataSource.BuiltIn(var name)) {
            switch (name) {
                case MNIST -> pins(IdxFileSet.MNIST, entries);
                case FASHION_MNIST -> pins(IdxFileSet.FASHION_MNIST, entries);
                case CIFAR10 -> entries.put(DATA_CONTENT, DataFingerprint.of(split));
            }
        }
        return entries;
    }

    private static void pins(IdxFileSet files, Map<String, String> entries) {
        for (PinnedFile f : files.files()) entries.put(DATA_FILE + f.name(), "sha256:" + f.sha256());
    }
}
