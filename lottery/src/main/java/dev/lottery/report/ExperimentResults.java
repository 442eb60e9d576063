package dev.lottery.report;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.lottery.experiment.ExperimentSpec;
import dev.lottery.experiment.PruningMode;
import dev.lottery.experiment.ResultsStore;
import dev.lottery.experiment.Unit;
import dev.lottery.experiment.control.Control;
import dev.lottery.experiment.control.Controls;
import dev.lottery.nn.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Everything finished in an experiment directory (units without their DONE marker are left out). */
public final class ExperimentResults {
    private final ResultsStore store;
    private final List<UnitResult> units;

    private ExperimentResults(ResultsStore store, List<UnitResult> units) {
        this.store = store;
        this.units = units;
    }

    /**
     * The finished units of the experiment in results directory {@code dir}.
     *
     * @param dir an experiment directory; one without a manifest, or with an unreadable metrics file, is a one-line
     *            {@link UserError}
     * @return the results as they are now: a snapshot, not updated as more units finish
     */
    public static ExperimentResults load(Path dir) {
        ResultsStore store = ResultsStore.existing(dir);
        List<UnitResult> out = new ArrayList<>();
        for (Unit u : store.plan()) {
            if (!store.isDone(u)) continue;
            out.add(read(store.unitDir(u).resolve(ResultsStore.METRICS)));
        }
        return new ExperimentResults(store, out);
    }

    static UnitResult read(Path file) {
        try {
            JsonObject o = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
            JsonObject rem = o.getAsJsonObject("remaining");
            Map<String, Double> layers = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> e : rem.getAsJsonObject("layers").entrySet()) {
                layers.put(e.getKey(), e.getValue().getAsJsonObject().get("fraction").getAsDouble());
            }
            JsonObject series = o.getAsJsonObject("series");
            JsonArray its = series.getAsJsonArray("iteration");
            JsonArray acc = series.getAsJsonArray("test_accuracy");
            long[] iterations = new long[its.size()];
            double[] accuracy = new double[acc.size()];
            for (int i = 0; i < iterations.length; i++) iterations[i] = its.get(i).getAsLong();
            for (int i = 0; i < accuracy.length; i++) accuracy[i] = acc.get(i).isJsonNull() ? Double.NaN : acc.get(i).getAsDouble();
            return new UnitResult(o.get("unit").getAsString(), o.get("trial").getAsInt(),
                    o.get("mode").isJsonNull() ? null : PruningMode.parse(o.get("mode").getAsString()), Controls.get(o.get("arm").getAsString()),
                    o.get("level").getAsInt(), rem.get("fraction").getAsDouble(), layers, iterations, accuracy,
                    number(o, "final_test_accuracy"), number(o, "best_test_accuracy"), point(o.get("early_stop")), point(o.get("minimum_loss")));
        } catch (IOException e) {
            throw new UserError("cannot read " + file + ": " + e.getMessage());
        } catch (RuntimeException e) {
            throw new UserError(file + " is not a unit's metrics file: " + e.getMessage());
        }
    }

    private static double number(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? Double.NaN : e.getAsDouble();
    }

    private static UnitResult.Point point(JsonElement e) {
        if (e == null || e.isJsonNull()) return null;
        JsonObject p = e.getAsJsonObject();
        return new UnitResult.Point(p.get("iteration").getAsLong(), number(p, "test_accuracy"));
    }

    /**
     * The experiment's results store.
     *
     * @return the store of the directory these results were loaded from
     */
    public ResultsStore store() {
        return store;
    }

    /**
     * The finished units, each with its metrics.
     *
     * @return the units in plan order (per trial, level by level); empty when none has finished
     */
    public List<UnitResult> units() {
        return units;
    }

    /**
     * The experiment these results are of.
     *
     * @return the spec the manifest records
     */
    public ExperimentSpec spec() {
        return store.spec();
    }

    /**
     * The experiment's pruning modes.
     *
     * @return at least one mode, in their natural order (iterative first)
     */
    public List<PruningMode> modes() {
        return spec().modes();
    }

    /**
     * The experiment's arms.
     *
     * @return at least one arm, in the registry's order (the ticket first)
     */
    public List<Control> arms() {
        return spec().arms();
    }

    /**
     * The mode the single-mode figures plot.
     *
     * @return iterative pruning when the experiment ran it, else its first mode
     */
    public PruningMode iterativeOrFirst() {
        return modes().contains(PruningMode.ITERATIVE) ? PruningMode.ITERATIVE : modes().getFirst();
    }

    /**
     * The trials of one curve point: {@code (mode, arm)} at {@code level}; level 0 is the dense network, which every
     * mode and arm starts from.
     *
     * @param mode  the pruning mode; ignored at level 0
     * @param arm   the ticket or a control; ignored at level 0
     * @param level the pruning level, 0 for the dense network
     * @return the finished trials of that point, by trial number; empty when none has finished
     */
    public List<UnitResult> trials(PruningMode mode, Control arm, int level) {
        return units.stream()
                .filter(u -> u.level() == level && (level == 0 ? u.mode() == null : u.mode() == mode && u.control().equals(arm)))
                .sorted(Comparator.comparingInt(UnitResult::trial)).toList();
    }

    /**
     * Levels with at least one finished trial for {@code (mode, arm)}.
     *
     * @param mode the pruning mode
     * @param arm  the ticket or a control
     * @return the levels, ascending, with 0 when a dense network has finished; unmodifiable
     */
    public List<Integer> levels(PruningMode mode, Control arm) {
        TreeSet<Integer> ls = new TreeSet<>();
        for (UnitResult u : units) {
            if (u.level() == 0 || (u.mode() == mode && u.control().equals(arm))) ls.add(u.level());
        }
        return List.copyOf(ls);
    }

    /**
     * The convergence criterion every plot of these results uses, so one plot never mixes two.
     *
     * @return early stopping when every finished unit met it (also when none has finished), else minimum loss
     */
    public ConvergenceCriterion criterion() {
        return units.stream().allMatch(u -> u.earlyStop() != null) ? ConvergenceCriterion.EARLY_STOP : ConvergenceCriterion.MINIMUM_LOSS;
    }
}
