package dev.lottery.experiment;

import dev.lottery.experiment.control.Control;
import dev.lottery.experiment.control.Controls;
import dev.lottery.nn.UserError;
import dev.lottery.nn.data.DatasetName;
import dev.lottery.nn.model.ModelSpec;
import dev.lottery.nn.train.Normalization;
import dev.lottery.nn.train.TrainingSpec;
import dev.lottery.prune.PruningStrategy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Every setting of an experiment, each declared once: key, type, default, validation, command-line option and help.
 * From this list come {@link ExperimentSpec#canonical()} (and so the results directory), {@link ExperimentSpec#parse},
 * the manifest's settings, the diff shown when a resume is refused and the {@code experiment} command's options
 * ({@link #OPTIONS}).
 *
 * <p>To add a setting: declare it here with a default (the value every existing experiment implicitly had), add it
 * to {@link #SCHEMA}, and read it with {@code spec.get(SETTING)}. While a spec holds the default, the setting is left
 * out of the canonical string, so every existing results directory keeps its hash. The settings below all predate
 * that rule and are required, always written.
 */
public final class ExperimentSettings {
    private ExperimentSettings() {}

    /** The experiment's name; its results directory is {@code <name>-<hash12>}. */
    public static final Setting<String> NAME = Setting.required("name", SettingType.TEXT,
                    "Experiment name; the results directory is <name>-<hash12>.")
            .validWhen(n -> n.matches("[A-Za-z0-9._-]+"), "letters, digits, '.', '_' and '-'");

    /** The network: input shape, layers and initializers. */
    public static final Setting<ModelSpec> MODEL = Setting.required("model", CanonicalForms.MODEL,
            "The network: input shape, layers and initializers.");

    /** The data: a built-in data set, or custom data named by its content fingerprint. */
    public static final Setting<DataSource> DATASET = Setting.required("dataset", DataSource.TYPE,
            "The data: a built-in data set by name, or custom data by name and content fingerprint.");

    /** Per-pixel standardization applied when the data is made resident. */
    public static final Setting<Normalization> NORMALIZATION = Setting.required("normalization", CanonicalForms.NORMALIZATION,
            "Per-pixel standardization applied when the data is made resident (a built-in set's usual statistics).");

    /** How each network trains (optimizer, batch size, iterations, evaluation, validation holdout, augmentation). */
    public static final Setting<TrainingSpec> TRAINING = Setting.required("training", CanonicalForms.TRAINING,
            "Optimizer, batch size, iterations per network, evaluation interval, validation holdout, augmentation.");

    /** How each level prunes: by magnitude per layer kind, or globally. */
    public static final Setting<PruningStrategy> STRATEGY = Setting.required("strategy",
            new SettingType<>("STRATEGY", PruningStrategy::parse, PruningStrategy::canonical),
            "How each level prunes: by magnitude per layer (rates per layer kind) or globally.");

    /** Iterative and/or one-shot pruning. */
    public static final Setting<List<PruningMode>> MODES = Setting.required("modes",
                    SettingType.listOf("MODES", PruningMode::parse, PruningMode::cliName, Comparator.naturalOrder()),
                    "Pruning modes, comma-separated: iterative|oneshot.")
            .validWhen(m -> !m.isEmpty(), "at least one mode")
            .withOption("--modes");

    /** What is trained at each pruned level: the ticket and the controls. */
    public static final Setting<List<Control>> ARMS = Setting.required("arms",
                    SettingType.listOf("ARMS", Controls::get, Control::name, Controls.ORDER),
                    "What is trained at each level, comma-separated: " + Controls.names().replace(", ", "|") + " (see 'experiment list').")
            .validWhen(a -> !a.isEmpty() && Controls.all().containsAll(a), "at least one arm, each registered in Controls")
            .withOption("--arms");

    /** Pruning levels after the dense level 0. */
    public static final Setting<Integer> LEVELS = Setting.required("levels", SettingType.INTEGER,
                    "Pruning levels after the dense level 0.")
            .validWhen(l -> l >= 0, "non-negative")
            .withOption("--levels");

    /** Independent trials, each with its own seed derived from the experiment's. */
    public static final Setting<Integer> TRIALS = Setting.required("trials", SettingType.INTEGER,
                    "Independent trials, each with its own seed derived from the experiment's.")
            .validWhen(t -> t > 0, "positive")
            .withOption("--trials");

    /** The seed of the initial weights, the data order, the held-out set and the controls. */
    public static final Setting<Long> SEED = Setting.required("seed", SettingType.LONG,
                    "The seed that draws the initial weights and the data order, and also the held-out set and the controls.")
            .withOption("--seed");

    /** What survivors are reset to: the initial weights (the paper) or those after iteration K. */
    public static final Setting<ResetMode> RESET = Setting.required("reset",
                    new SettingType<>("init|K", ResetMode::parse, ResetMode::canonical),
                    "What survivors are reset to: init (θ0, the paper) or K, the dense network's weights after iteration K (late resetting).")
            .withOption("--reset");

    /** Every setting, in the order of the canonical string. */
    public static final SettingsSchema SCHEMA = new SettingsSchema(List.of(NAME, MODEL, DATASET, NORMALIZATION, TRAINING,
            STRATEGY, MODES, ARMS, LEVELS, TRIALS, SEED, RESET));

    /**
     * A command-line option that changes a spec being built: {@code --trials 3} sets one setting; {@code --dataset}
     * and {@code --iterations} change parts of several or of one.
     *
     * @param name  the option with its dashes, e.g. {@code --trials}
     * @param form  the value's shape for help ({@code N})
     * @param help  one sentence for the command line's help
     * @param apply sets the option's text on a builder; bad text is a one-line {@link UserError}
     */
    public record Option(String name, String form, String help, BiConsumer<ExperimentSpec.Builder, String> apply) {
        static <T> Option of(Setting<T> s) {
            return new Option(s.option(), s.type().form(), s.help(), (b, text) -> b.set(s, s.read(text, s.option())));
        }
    }

    /** Not a setting of its own: the option that changes the iterations of {@link #TRAINING}. */
    private static final Setting<Long> ITERATIONS = Setting.required("iterations", SettingType.LONG, "Training iterations per network.")
            .validWhen(n -> n > 0, "positive")
            .withOption("--iterations");

    /** The options of the {@code experiment} commands, applied in this order over a preset. */
    public static final List<Option> OPTIONS = options();

    private static List<Option> options() {
        List<Option> out = new ArrayList<>();
        out.add(new Option("--dataset", "NAME",
                "Run on another built-in data set (" + DatasetName.knownNames().replace(", ", "|") + "); conv models are rebuilt for its input shape.",
                (b, text) -> ExperimentPresets.onDataset(b, DatasetName.parse(text))));
        out.add(new Option(ITERATIONS.option(), ITERATIONS.type().form(), ITERATIONS.help(),
                (b, text) -> b.set(TRAINING, withIterations(b.get(TRAINING), ITERATIONS.read(text, ITERATIONS.option())))));
        for (Setting<?> s : SCHEMA.settings()) if (s.option() != null) out.add(Option.of(s));
        return List.copyOf(out);
    }

    private static TrainingSpec withIterations(TrainingSpec t, long iterations) {
        return new TrainingSpec(t.optimizer(), t.batchSize(), iterations, t.evalEvery(), t.validationSize(), t.augmentation());
    }

    /** The checks that involve several settings; a one-line {@link UserError} names what does not fit. */
    static void checkTogether(ExperimentSpec spec) {
        if (spec.reset() instanceof ResetMode.Rewind(long it) && it >= spec.training().iterations()) {
            throw new UserError("rewind iteration " + it + " is not before the end of training (" + spec.training().iterations() + " iterations)");
        }
        for (Control arm : spec.arms()) {
            for (PruningMode mode : spec.modes()) {
                for (Unit needed : arm.dependencies(new Unit.Pruned(0, mode, arm, 2))) {
                    if (needed instanceof Unit.Pruned p && !spec.arms().contains(p.control())) {
                        throw new UserError("arm " + arm.name() + " needs arm " + p.control().name() + " (it starts from its results)");
                    }
                }
            }
        }
    }
}
