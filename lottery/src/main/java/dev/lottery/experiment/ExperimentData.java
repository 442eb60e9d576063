package dev.lottery.experiment;

import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.data.DataSplit;
import dev.lottery.nn.data.DatasetName;
import dev.lottery.nn.train.Normalization;
import dev.lottery.nn.train.ResidentData;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Makes an experiment's data resident on a backend and records where it came from ({@link Provenance}) in the
 * results store: one rule for the local engine and for cluster jobs.
 */
public final class ExperimentData {
    private ExperimentData() {}

    /**
     * The data of {@code spec} on {@code backend}: {@code given} when the caller holds it in memory; otherwise a
     * built-in data set from the cache {@code dataDir} (null: the default). MNIST and Fashion-MNIST with their standard
     * normalization are memory-mapped from their prepared sets (no decoding at start); other cases are loaded and
     * standardized as the spec says. Progress and repairs go to {@code log}.
     *
     * @param spec    the experiment: its data set, normalization, validation holdout and seed
     * @param given   the caller's data ({@code Experiment.withData}), or null to load the spec's built-in data set
     * @param dataDir the data cache directory; null for the default
     * @param backend where the data is made resident
     * @param store   the results directory whose manifest records (or checks) the data's provenance
     * @param log     receives one line per step worth telling the user
     * @return the resident data; the caller owns and closes it
     */
    public static ResidentData resident(ExperimentSpec spec, DataSplit given, Path dataDir, Backend backend, ResultsStore store,
                                        Consumer<String> log) {
        int validation = spec.training().validationSize();
        if (given == null && spec.dataset() instanceof DataSource.BuiltIn(DatasetName name) && name != DatasetName.CIFAR10
                && spec.normalization().equals(Normalization.standard(name))) {
            // Pinned files are the provenance here: the split itself is not needed to name them.
            store.recordProvenance(Provenance.of(spec, null));
            return ResidentData.load(backend, name, dataDir, validation, spec.seed(), log);
        }
        DataSplit split = given != null ? given : spec.dataset().load(dataDir, validation, spec.seed());
        store.recordProvenance(Provenance.of(spec, split));
        return ResidentData.upload(backend, split, spec.normalization());
    }
}
