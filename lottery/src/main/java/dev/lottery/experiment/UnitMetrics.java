package dev.lottery.experiment;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.lottery.experiment.control.Controls;
import dev.lottery.nn.train.Convergence;
import dev.lottery.nn.train.EvalPoint;
import dev.lottery.nn.train.TrainingResult;
import dev.lottery.prune.SurvivorCount;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The {@code metrics.json} of one unit: which unit, how many weights survive per layer, the evaluation series
 * (every {@code evalEvery} iterations), final and best test accuracy and the paper's convergence points. Contains
 * nothing that depends on wall time, so an interrupted-and-resumed run writes the same bytes.
 */
final class UnitMetrics {
    private UnitMetrics() {}

    static JsonObject toJson(Unit unit, List<SurvivorCount> survivors, TrainingResult r) {
        JsonObject o = new JsonObject();
        o.addProperty("unit", unit.path());
        o.addProperty("trial", unit.trial());
        o.addProperty("level", unit.level());
        switch (unit) {
            case Unit.Dense d -> {
                o.add("mode", JsonNull.INSTANCE);
                o.addProperty("arm", Controls.TICKET.name());
            }
            case Unit.Pruned p -> {
                o.addProperty("mode", p.mode().cliName());
                o.addProperty("arm", p.control().name());
            }
        }
        JsonObject remaining = new JsonObject();
        remaining.addProperty("fraction", SurvivorCount.overall(survivors));
        JsonObject layers = new JsonObject();
        for (SurvivorCount c : survivors) {
            JsonObject l = new JsonObject();
            l.addProperty("kind", c.kind().shortName());
            l.addProperty("total", c.total());
            l.addProperty("remaining", c.remaining());
            l.addProperty("fraction", c.fraction());
            layers.add(c.name(), l);
        }
        remaining.add("layers", layers);
        o.add("remaining", remaining);
        o.addProperty("iterations", r.iterations());
        o.add("final_test_accuracy", num(r.finalTestAccuracy()));
        o.add("best_test_accuracy", num(r.bestTestAccuracy()));
        o.add("early_stop", point(r.earlyStop()));
        o.add("minimum_loss", point(r.minimumLoss()));
        JsonObject series = new JsonObject();
        series.add("iteration", column(r.series(), e -> e.iteration()));
        series.add("test_loss", column(r.series(), EvalPoint::testLoss));
        series.add("test_accuracy", column(r.series(), EvalPoint::testAccuracy));
        series.add("validation_loss", column(r.series(), EvalPoint::validationLoss));
        series.add("validation_accuracy", column(r.series(), EvalPoint::validationAccuracy));
        o.add("series", series);
        return o;
    }

    private static JsonArray column(List<EvalPoint> series, ToDoubleFunction<EvalPoint> f) {
        JsonArray a = new JsonArray();
        for (EvalPoint e : series) a.add(num(f.applyAsDouble(e)));
        return a;
    }

    private static JsonElement point(Convergence.Point p) {
        if (p == null) return JsonNull.INSTANCE;
        JsonObject o = new JsonObject();
        o.addProperty("iteration", p.iteration());
        o.add("test_accuracy", num(p.testAccuracy()));
        return o;
    }

    /** JSON has no NaN: missing values (no validation set) are null; whole numbers print without a fraction. */
    private static JsonElement num(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) return JsonNull.INSTANCE;
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return new JsonPrimitive((long) v);
        return new JsonPrimitive(v);
    }
}
