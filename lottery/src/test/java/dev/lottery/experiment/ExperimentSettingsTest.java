package dev.lottery.experiment;

import static dev.lottery.experiment.ExperimentSettings.ARMS;
import static dev.lottery.experiment.ExperimentSettings.MODEL;
import static dev.lottery.experiment.ExperimentSettings.SCHEMA;
import static dev.lottery.experiment.ExperimentSettings.TRIALS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lottery.cli.LotteryCli;
import dev.lottery.experiment.control.Controls;
import dev.lottery.nn.UserError;
import dev.lottery.nn.data.DatasetName;
import dev.lottery.nn.init.Initializer;
import dev.lottery.nn.model.Activation;
import dev.lottery.nn.model.ImageShape;
import dev.lottery.nn.model.LayerKind;
import dev.lottery.nn.model.LayerSpec;
import dev.lottery.nn.model.ModelSpec;
import dev.lottery.nn.model.Padding;
import dev.lottery.nn.model.Presets;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The settings schema: canonical strings read back exactly, hashes that never move, defaults, validation. */
class ExperimentSettingsTest {
    /** Every results directory name the docs and kept results show: they must never move. */
    @Test
    void theDocumentedDirectoriesKeepTheirNames() {
        assertEquals("lenet-quick-dc628bc084b1", ExperimentPresets.get("lenet-quick").directoryName());
        assertEquals("lenet-fig3-94aeb4e36fd9", ExperimentPresets.get("lenet-fig3").directoryName());
        assertEquals("conv2-fashion-quick-09ee8250d306", ExperimentPresets.get("conv2-fashion-quick").directoryName());
    }

    @Test
    void everyPresetReadsBackExactlyOnEveryDataSet() {
        int read = 0;
        for (String name : ExperimentPresets.names()) {
            for (DatasetName data : DatasetName.values()) {
                ExperimentSpec s = ExperimentPresets.onDataset(ExperimentPresets.get(name), data);
                ExperimentSpec back = ExperimentSpec.parse(s.canonical());
                assertEquals(s, back, name + " on " + data);
                assertEquals(s.canonical(), back.canonical(), name);
                assertEquals(s.hash(), back.hash(), name);
                read++;
            }
        }
        assertEquals(ExperimentPresets.names().size() * DatasetName.values().length, read);
        // every setting's value, with the signs control and a late reset
        ExperimentSpec quick = ExperimentPresets.get("lenet-quick").toBuilder().set(ARMS, Controls.all())
                .set(ExperimentSettings.RESET, new ResetMode.Rewind(300)).set(ExperimentSettings.MODES, List.of(PruningMode.ONESHOT)).build();
        assertEquals(quick, ExperimentSpec.parse(quick.canonical()));
    }

    @Test
    void modelsThatAreNotPresetsReadBackUnderThePresetsNaming() {
        ModelSpec tiny = Presets.lenet("tiny", 40, 20).withInput(48);
        ModelSpec conv = new ModelSpec("small-conv", new ImageShape(1, 8, 8), List.of(
                new LayerSpec.Conv2d("conv1", 4, 3, 1, Padding.SAME, Activation.RELU, true),
                new LayerSpec.MaxPool("pool1", 2, 2),
                new LayerSpec.Conv2d("conv2", 4, 3, 1, Padding.VALID, Activation.NONE, false),
                new LayerSpec.BatchNorm("bn1", Activation.RELU),
                new LayerSpec.ResidualBlock("block1", 4, 1),
                new LayerSpec.GlobalAvgPool("pool"),
                new LayerSpec.Dense("fc1", 16, Activation.RELU, LayerKind.FULLY_CONNECTED),
                new LayerSpec.Dropout("dropout1", 0.25),
                new LayerSpec.Dense("fc2", 3, Activation.NONE, LayerKind.OUTPUT)),
                new Initializer.XavierNormal(true), new Initializer.Zeros());
        ExperimentSpec base = ExperimentPresets.get("lenet-quick");
        for (ModelSpec m : List.of(tiny, conv)) {
            ExperimentSpec s = base.with(MODEL, m);
            assertEquals(s, ExperimentSpec.parse(s.canonical()), m.name());
        }
        // layer names are not in the canonical string: another naming reads back under the presets' naming
        ModelSpec renamed = new ModelSpec("tiny", 48, List.of(
                new LayerSpec.Dense("hidden", 40, Activation.RELU, LayerKind.FULLY_CONNECTED),
                new LayerSpec.Dense("out", 10, Activation.NONE, LayerKind.OUTPUT)), new Initializer.TruncatedNormal(0.1), new Initializer.Zeros());
        ExperimentSpec r = base.with(MODEL, renamed);
        assertEquals(r.canonical(), ExperimentSpec.parse(r.canonical()).canonical());
        assertEquals("fc1", ExperimentSpec.parse(r.canonical()).model().layers().getFirst().name());
    }

    @Test
    void whatIsNotCanonicalIsAOneLineError() {
        String c = ExperimentPresets.get("lenet-quick").canonical();
        List<String> lines = c.lines().toList();
        List<String> swapped = new ArrayList<>(lines);
        swapped.set(8, lines.get(9));
        swapped.set(9, lines.get(8));
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put(c.replace("trials=2\n", "trials=two\n"), "trials: 'two' is not an integer");
        bad.put(c.replace("trials=2\n", "trials=0\n"), "trials must be positive, got '0'");
        bad.put(c.replace("trials=2\n", ""), "no 'trials' setting");
        bad.put(c + "colour=blue\n", "unknown setting 'colour'");
        bad.put(String.join("\n", swapped) + "\n", "not in canonical form");
        bad.put(c.replace("seed=0\n", "seed= 0\n"), "not in canonical form");
        bad.put(c.replace("arms=ticket,reinit,rearrange\n", "arms=ticket,magic\n"), "'magic' is not a known arm");
        bad.put(c.replace("dense(300,relu)", "dense(300,tanh)"), "unknown layer 'dense(300,tanh)'");
        bad.put(c.replace("batch=60", "batch=060"), "reads back as");
        bad.put(c.replace("\n", "\r\n"), "not in canonical form");
        for (Map.Entry<String, String> e : bad.entrySet()) {
            UserError err = assertThrows(UserError.class, () -> ExperimentSpec.parse(e.getKey()), e.getKey());
            assertTrue(err.getMessage().contains(e.getValue()), err.getMessage());
            assertFalse(err.getMessage().contains("\n"), err.getMessage());
        }
    }

    /** A setting added later with a default: existing specs keep their canonical string, hash and manifests. */
    @Test
    void aNewSettingWithADefaultKeepsEveryDirectory() {
        Setting<Integer> widgets = Setting.required("widgets", SettingType.INTEGER, "A setting from the future.")
                .withDefault(3).validWhen(w -> w > 0, "positive");
        List<Setting<?>> extended = new ArrayList<>(SCHEMA.settings());
        extended.add(4, widgets);
        SettingsSchema future = new SettingsSchema(extended);
        ExperimentSpec quick = ExperimentPresets.get("lenet-quick");
        Map<Setting<?>, Object> values = new LinkedHashMap<>();
        for (Setting<?> s : SCHEMA.settings()) values.put(s, quick.get(s));
        Map<Setting<?>, Object> atDefault = future.complete(values);
        assertEquals(3, atDefault.get(widgets));
        assertEquals(quick.canonical(), future.canonical(atDefault), "a setting at its default is not written");
        assertEquals(atDefault, future.parse(quick.canonical()), "and reads back as its default");
        assertEquals(List.of(), future.diff(quick.fields(), atDefault), "an older manifest (no widgets) had the default");
        values.put(widgets, 4);
        Map<Setting<?>, Object> changed = future.complete(values);
        assertNotEquals(quick.canonical(), future.canonical(changed));
        assertTrue(future.canonical(changed).contains("\nwidgets=4\ntraining="), future.canonical(changed));
        assertEquals(changed, future.parse(future.canonical(changed)));
        assertEquals(List.of("widgets: 3 in the results vs 4 requested"), future.diff(quick.fields(), changed));
        assertTrue(future.texts(atDefault).containsKey("widgets"), "the manifest lists every setting, defaults included");
        UserError e = assertThrows(UserError.class, () -> future.parse(quick.canonical().replace("training=", "widgets=3\ntraining=")));
        assertTrue(e.getMessage().contains("not in canonical form"), "a default written out is not canonical: " + e.getMessage());
    }

    @Test
    void everySettingIsDescribedAndTheOptionsComeFromTheSchema() {
        for (Setting<?> s : SCHEMA.settings()) assertFalse(s.help().isBlank(), s.key());
        List<String> options = ExperimentSettings.OPTIONS.stream().map(ExperimentSettings.Option::name).toList();
        assertEquals(List.of("--dataset", "--iterations", "--modes", "--arms", "--levels", "--trials", "--seed", "--reset"), options);
        assertTrue(ARMS.help().contains("signs"), "the arms' help lists the registry: " + ARMS.help());
    }

    private static String[] cli(Path root, int code, String... options) {
        CommandLine cl = LotteryCli.commandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        List<String> args = new ArrayList<>(List.of("experiment", "status", "--results", root.toString()));
        args.addAll(List.of(options));
        assertEquals(code, cl.execute(args.toArray(String[]::new)), err.toString());
        return new String[] {out.toString(), err.toString()};
    }

    @Test
    void badOptionValuesAreOneLineErrorsNamingTheOptionAndTheValue(@TempDir Path root) {
        Map<List<String>, String> bad = new LinkedHashMap<>();
        bad.put(List.of("--trials", "0"), "--trials must be positive, got '0'");
        bad.put(List.of("--trials", "x"), "--trials: 'x' is not an integer");
        bad.put(List.of("--levels", "-1"), "--levels must be non-negative, got '-1'");
        bad.put(List.of("--iterations", "0"), "--iterations must be positive, got '0'");
        bad.put(List.of("--seed", "1.5"), "--seed: '1.5' is not an integer");
        bad.put(List.of("--reset", "soon"), "--reset: 'soon' is neither init nor a rewind iteration");
        bad.put(List.of("--reset", "5000"), "rewind iteration 5000 is not before the end of training (1000 iterations)");
        bad.put(List.of("--arms", "ticket,magic"), "--arms: 'magic' is not a known arm (known: ticket, reinit, rearrange, signs)");
        bad.put(List.of("--arms", "reinit"), "arm reinit needs arm ticket");
        bad.put(List.of("--modes", "sideways"), "--modes: 'sideways' is not a pruning mode");
        bad.put(List.of("--dataset", "imagenet"), "imagenet");
        for (Map.Entry<List<String>, String> e : bad.entrySet()) {
            String err = cli(root, 2, e.getKey().toArray(String[]::new))[1];
            assertTrue(err.contains(e.getValue()), e.getKey() + ": " + err);
            assertEquals(1, err.strip().lines().count(), err);
        }
        // a late reset that fits the shorter run is checked once all options are in, whatever their order
        String err = cli(root, 2, "--reset", "1500", "--iterations", "2000")[1];
        assertTrue(err.contains("no manifest.json"), "valid settings, nothing run yet: " + err);
    }

    @Test
    void theArmsOptionAddsTheSignsControl(@TempDir Path root) {
        ExperimentSpec withSigns = ExperimentPresets.get("lenet-quick").with(ARMS, Controls.all());
        String err = cli(root, 2, "--arms", "ticket,reinit,rearrange,signs")[1];
        assertTrue(err.contains(withSigns.directoryName()), err);
        assertNotEquals(ExperimentPresets.get("lenet-quick").hash(), withSigns.hash());
        assertEquals(1 + 5 * 4, Unit.plan(withSigns.with(TRIALS, 1)).size(), "dense, then 5 levels of 4 arms");
    }
}
