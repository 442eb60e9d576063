package dev.lottery.experiment;

import dev.lottery.nn.UserError;
import dev.lottery.nn.data.augment.BatchAugmentation;
import dev.lottery.nn.init.Initializer;
import dev.lottery.nn.model.Activation;
import dev.lottery.nn.model.ImageShape;
import dev.lottery.nn.model.LayerKind;
import dev.lottery.nn.model.LayerSpec;
import dev.lottery.nn.model.ModelSpec;
import dev.lottery.nn.model.Padding;
import dev.lottery.nn.model.Preset;
import dev.lottery.nn.model.Presets;
import dev.lottery.nn.train.LearningRateSchedule;
import dev.lottery.nn.train.Normalization;
import dev.lottery.nn.train.OptimizerSpec;
import dev.lottery.nn.train.TrainingSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads back the canonical text of the {@code nn} values an experiment holds (model, training, normalization), which
 * {@code nn} writes but does not read. Every reader checks that the value it built writes exactly the text it was
 * given, so a text that reads at all reads back to the same canonical string (and hash).
 *
 * <p>A model's canonical text names the model and each layer's shape but not the layers' own names (which key the
 * parameters' random streams and files). A model named like a model preset is rebuilt from that preset (over the
 * text's input shape and initializers), so every preset reads back to an equal {@link ModelSpec}; any other model is
 * rebuilt with the presets' naming ({@code fc1}, {@code conv1}, {@code pool1}, {@code dropout1}, {@code bn1},
 * {@code block1}, {@code flatten}, {@code pool}; the last dense layer is the output layer).
 */
final class CanonicalForms {
    private CanonicalForms() {}

    static final SettingType<ModelSpec> MODEL = new SettingType<>("MODEL", CanonicalForms::model, ModelSpec::canonical);
    static final SettingType<TrainingSpec> TRAINING = new SettingType<>("TRAINING", CanonicalForms::training, TrainingSpec::canonical);
    static final SettingType<Normalization> NORMALIZATION = new SettingType<>("normalize(MEAN,STD)", CanonicalForms::normalization, Normalization::canonical);

    private static final Pattern MODEL_TEXT = Pattern.compile("model\\(name=([^,]+),input=(\\d+(?:x\\d+x\\d+)?),layers=\\[(.*)],weight_init=(.+),bias_init=(.+)\\)");
    private static final Pattern TRAINING_TEXT = Pattern.compile("train\\(sgd\\(lr=(.+),momentum=([^,]+),weight_decay=([^,)]+)\\),"
            + "batch=(\\d+),iterations=(\\d+),eval_every=(\\d+),validation=(\\d+)(?:,augment=augment\\(shift=(\\d+),flip=(true|false)\\))?\\)");
    private static final Pattern NORMALIZATION_TEXT = Pattern.compile("normalize\\(([^,]+),([^,)]+)\\)");

    static ModelSpec model(String text) {
        return exactly(text, "model", ModelSpec::canonical, () -> {
            Matcher m = matching(MODEL_TEXT, text, "model");
            String name = m.group(1);
            ImageShape input = shape(m.group(2));
            Initializer weights = Initializer.parse(m.group(4));
            Initializer biases = Initializer.parse(m.group(5));
            for (Preset p : Presets.all()) {
                if (!p.model().name().equals(name)) continue;
                ModelSpec rebuilt = new ModelSpec(name, input, p.model().layers(), weights, biases);
                if (rebuilt.canonical().equals(text)) return rebuilt;
            }
            return new ModelSpec(name, input, layers(splitTopLevel(m.group(3))), weights, biases);
        });
    }

    private static ImageShape shape(String text) {
        String[] d = text.split("x");
        return d.length == 1 ? ImageShape.flat(Integer.parseInt(d[0]))
                : new ImageShape(Integer.parseInt(d[0]), Integer.parseInt(d[1]), Integer.parseInt(d[2]));
    }

    private static final Pattern DENSE = Pattern.compile("dense\\((\\d+)(,relu)?\\)");
    private static final Pattern CONV = Pattern.compile("conv\\((\\d+),(\\d+)x\\d+,s(\\d+),(same|valid)(,relu)?(,nobias)?\\)");
    private static final Pattern MAX_POOL = Pattern.compile("maxpool\\((\\d+),s(\\d+)\\)");
    private static final Pattern DROPOUT = Pattern.compile("dropout\\(([^)]+)\\)");
    private static final Pattern BATCH_NORM = Pattern.compile("batchnorm\\(([^,]+),([^,)]+)(,relu)?\\)");
    private static final Pattern RESIDUAL = Pattern.compile("residual\\((\\d+),s(\\d+)\\)");

    /** The layers of a model that is not a preset, named as the presets name theirs. */
    private static List<LayerSpec> layers(List<String> texts) {
        int lastDense = -1;
        for (int i = 0; i < texts.size(); i++) if (DENSE.matcher(texts.get(i)).matches()) lastDense = i;
        int dense = 0, conv = 0, pool = 0, dropout = 0, norm = 0, block = 0;
        List<LayerSpec> out = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            String t = texts.get(i);
            Matcher m;
            if ((m = DENSE.matcher(t)).matches()) {
                out.add(new LayerSpec.Dense("fc" + ++dense, Integer.parseInt(m.group(1)), activation(m.group(2)),
                        i == lastDense ? LayerKind.OUTPUT : LayerKind.FULLY_CONNECTED));
            } else if ((m = CONV.matcher(t)).matches()) {
                out.add(new LayerSpec.Conv2d("conv" + ++conv, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                        Integer.parseInt(m.group(3)), Padding.valueOf(m.group(4).toUpperCase(Locale.ROOT)), activation(m.group(5)), m.group(6) == null));
            } else if ((m = MAX_POOL.matcher(t)).matches()) {
                out.add(new LayerSpec.MaxPool("pool" + ++pool, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))));
            } else if ((m = DROPOUT.matcher(t)).matches()) {
                out.add(new LayerSpec.Dropout("dropout" + ++dropout, Double.parseDouble(m.group(1))));
            } else if ((m = BATCH_NORM.matcher(t)).matches()) {
                out.add(new LayerSpec.BatchNorm("bn" + ++norm, activation(m.group(3)), Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))));
            } else if ((m = RESIDUAL.matcher(t)).matches()) {
                out.add(new LayerSpec.ResidualBlock("block" + ++block, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))));
            } else if (t.equals("flatten")) {
                out.add(new LayerSpec.Flatten("flatten"));
            } else if (t.equals("global_avg_pool")) {
                out.add(new LayerSpec.GlobalAvgPool("pool"));
            } else {
                throw new UserError("unknown layer '" + t + "'");
            }
        }
        return out;
    }

    private static Activation activation(String relu) {
        return relu == null ? Activation.NONE : Activation.RELU;
    }

    /** Splits at the commas outside parentheses: {@code dense(300,relu),dense(10)} is two layers. */
    private static List<String> splitTopLevel(String text) {
        List<String> parts = new ArrayList<>();
        int depth = 0, start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(') depth++;
            else if (c == ')') depth--;
            else if (c == ',' && depth == 0) {
                parts.add(text.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(text.substring(start));
        return parts;
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
