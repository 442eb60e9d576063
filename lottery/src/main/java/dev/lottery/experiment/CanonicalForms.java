package dev.lottery.experiment;

import dev.lottery.nn.UserError;
import dev.lottery.nn.data.augment.BatchAugmentation;
import dev.lottery.nn.model.ModelSpec;
import dev.lottery.nn.train.LearningRateSchedule;
import dev.lottery.nn.train.Normalization;
import dev.lottery.nn.train.OptimizerSpec;
import dev.lottery.nn.train.TrainingSpec;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads back the canonical text of the {@code nn} values an experiment holds (model, training, normalization); models
 * are read by {@link ModelSpec#parse}. Every reader checks that the value it built writes exactly the text it was
 * given, so a text that reads at all reads back to the same canonical string (and hash).
 */
final class CanonicalForms {
    private CanonicalForms() {}

    static final SettingType<ModelSpec> MODEL = new SettingType<>("MODEL", CanonicalForms::model, ModelSpec::canonical);
    static final SettingType<TrainingSpec> TRAINING = new SettingType<>("TRAINING", CanonicalForms::training, TrainingSpec::canonical);
    static final SettingType<Normalization> NORMALIZATION = new SettingType<>("normalize(MEAN,STD)", CanonicalForms::normalization, Normalization::canonical);

    private static final Pattern TRAINING_TEXT = Pattern.compile("train\\(sgd\\(lr=(.+),momentum=([^,]+),weight_decay=([^,)]+)\\),"
            + "batch=(\\d+),iterations=(\\d+),eval_every=(\\d+),validation=(\\d+)(?:,augment=augment\\(shift=(\\d+),flip=(true|false)\\))?\\)");
    private static final Pattern NORMALIZATION_TEXT = Pattern.compile("normalize\\(([^,]+),([^,)]+)\\)");

    static ModelSpec model(String text) {
        return exactly(text, "model", ModelSpec::canonical, () -> ModelSpec.parse(text));
    }

    static TrainingSpec training(String text) {
        return exactly(text, "training", TrainingSpec::canonical, () -> {
            Matcher m = matching(TRAINING_TEXT, text, "training");
            OptimizerSpec optimizer = new OptimizerSpec(LearningRateSchedule.parse(m.group(1)),
                    Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3)));
            BatchAugmentation augmentation = m.group(8) == null ? BatchAugmentation.NONE
                    : new BatchAugmentation(Integer.parseInt(m.group(8)), Boolean.parseBoolean(m.group(9)));
            return new TrainingSpec(optimizer, Integer.parseInt(m.group(4)), Long.parseLong(m.group(5)),
                    Integer.parseInt(m.group(6)), Integer.parseInt(m.group(7)), augmentation);
        });
    }

    static Normalization normalization(String text) {
        return exactly(text, "normalization", Normalization::canonical, () -> {
            Matcher m = matching(NORMALIZATION_TEXT, text, "normalization");
            return new Normalization(Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)));
        });
    }

    private static Matcher matching(Pattern p, String text, String what) {
        Matcher m = p.matcher(text);
        if (!m.matches()) throw new UserError("'" + text + "' is not a " + what + " in canonical form");
        return m;
    }

    /** Builds a value from {@code text} and insists that it writes {@code text} again. */
    private static <T> T exactly(String text, String what, Function<T, String> canonical, Supplier<T> build) {
        T value;
        try {
            value = build.get();
        } catch (UserError | IllegalArgumentException e) { // IllegalArgumentException: also NumberFormatException
            throw new UserError("'" + text + "' is not a " + what + " in canonical form: " + e.getMessage());
        }
        if (!canonical.apply(value).equals(text)) {
            throw new UserError("'" + text + "' is not a " + what + " in canonical form (it reads back as '" + canonical.apply(value) + "')");
        }
        return value;
    }
}
