package dev.lottery.experiment;

import dev.lottery.nn.UserError;
import dev.lottery.nn.data.DatasetName;
import dev.lottery.nn.model.ModelSpec;
import dev.lottery.nn.train.Normalization;
import dev.lottery.nn.train.TrainingSpec;
import dev.lottery.prune.PruningStrategy;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Everything that decides an experiment's numbers, as one value. Its {@link #canonical()} string (one
 * {@code key=value} line per field) is hashed with SHA-256; the results go to {@code <root>/<name>-<hash12>/}
 * and nothing else decides where.
 *
 * @param levels pruning levels after the dense level 0 (so a trial trains {@code levels + 1} ticket networks per mode)
 * @param trials independent repetitions, each with its own seed derived from {@code seed}
 */
public record ExperimentSpec(String name, ModelSpec model, DatasetName dataset, TrainingSpec training,
                             PruningStrategy strategy, List<PruningMode> modes, List<Arm> arms, int levels, int trials,
                             long seed, ResetMode reset) {
    public ExperimentSpec {
        // canonical order (enum order), so the same set of modes or arms always hashes the same
        modes = modes.stream().distinct().sorted().toList();
        arms = arms.stream().distinct().sorted().toList();
        if (!name.matches("[A-Za-z0-9._-]+")) throw new UserError("experiment name '" + name + "' may only use letters, digits, '.', '_' and '-'");
        if (modes.isEmpty()) throw new UserError("an experiment needs at least one pruning mode");
        if (!arms.contains(Arm.TICKET)) throw new UserError("the ticket arm is required (controls are built from its masks)");
        if (levels < 0) throw new UserError("levels must be non-negative, got " + levels);
        if (trials <= 0) throw new UserError("trials must be positive, got " + trials);
        if (reset instanceof ResetMode.Rewind(long it) && it >= training.iterations()) {
            throw new UserError("rewind iteration " + it + " is not before the end of training (" + training.iterations() + " iterations)");
        }
    }

    /** The fields of the canonical string, in order; also written to the manifest and compared on resume. */
    public Map<String, String> fields() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("name", name);
        f.put("model", model.canonical());
        f.put("dataset", dataset.cliName());
        f.put("normalization", Normalization.standard(dataset).canonical());
        f.put("training", training.canonical());
        f.put("strategy", strategy.canonical());
        f.put("modes", modes.stream().map(PruningMode::cliName).collect(Collectors.joining(",")));
        f.put("arms", arms.stream().map(Arm::cliName).collect(Collectors.joining(",")));
        f.put("levels", Integer.toString(levels));
        f.put("trials", Integer.toString(trials));
        f.put("seed", Long.toString(seed));
        f.put("reset", reset.canonical());
        return f;
    }

    public String canonical() {
        return fields().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue() + "\n").collect(Collectors.joining());
    }

    /** SHA-256 of the UTF-8 canonical string, lower-case hex. */
    public String hash() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** {@code <name>-<first 12 hex digits of the hash>}. */
    public String directoryName() {
        return name + "-" + hash().substring(0, 12);
    }

    /** The seed of trial {@code t}: keyed, so trials are independent streams and no seed depends on another. */
    public long trialSeed(int trial) {
        return dev.lottery.nn.rng.KeyedRandom.key(seed, "trial", "trial-" + trial);
    }

    public ExperimentSpec withTrials(int t) {
        return new ExperimentSpec(name, model, dataset, training, strategy, modes, arms, levels, t, seed, reset);
    }

    public ExperimentSpec withLevels(int l) {
        return new ExperimentSpec(name, model, dataset, training, strategy, modes, arms, l, trials, seed, reset);
    }

    public ExperimentSpec withSeed(long s) {
        return new ExperimentSpec(name, model, dataset, training, strategy, modes, arms, levels, trials, s, reset);
    }

    public ExperimentSpec withReset(ResetMode r) {
        return new ExperimentSpec(name, model, dataset, training, strategy, modes, arms, levels, trials, seed, r);
    }

    public ExperimentSpec withTraining(TrainingSpec t) {
        return new ExperimentSpec(name, model, dataset, t, strategy, modes, arms, levels, trials, seed, reset);
    }

    public ExperimentSpec withModes(List<PruningMode> m) {
        return new ExperimentSpec(name, model, dataset, training, strategy, m, arms, levels, trials, seed, reset);
    }

    public ExperimentSpec withArms(List<Arm> a) {
        return new ExperimentSpec(name, model, dataset, training, strategy, modes, a, levels, trials, seed, reset);
    }

    public ExperimentSpec withStrategy(PruningStrategy s) {
        return new ExperimentSpec(name, model, dataset, training, s, modes, arms, levels, trials, seed, reset);
    }
}
