package dev.lottery.report;

import java.util.List;
import java.util.Locale;

/** The Markdown table of a report: per mode and level, each arm's accuracy and convergence over trials. */
final class SummaryTable {
    private SummaryTable() {}

    static String markdown(ExperimentResults r) {
        ConvergenceCriterion criterion = r.criterion();
        StringBuilder b = new StringBuilder();
        b.append("# ").append(r.store().settings().get("name")).append(" — ").append(r.store().dir().getFileName()).append("\n\n");
        b.append("Settings: ").append(r.store().settings().get("training")).append("; ").append(r.store().settings().get("strategy"))
                .append("; reset ").append(r.store().settings().get("reset")).append("; trials ").append(r.store().settings().get("trials")).append(".\n\n");
        b.append("Accuracies are test accuracy, mean over the finished trials with [min, max]; convergence is ")
                .append(criterion.description()).append(". `n` = finished trials.\n\n");
        for (String mode : r.modes()) {
            b.append("## ").append(mode).append("\n\n");
            b.append("| level | % weights remaining | arm | n | final accuracy | best accuracy | convergence iteration | accuracy at convergence |\n");
            b.append("|---:|---:|---|---:|---|---|---|---|\n");
            for (int level : r.levels(mode, "ticket")) {
                for (String arm : r.arms()) {
                    if (level == 0 && !arm.equals("ticket")) continue;
                    List<UnitResult> t = r.trials(mode, arm, level);
                    if (t.isEmpty()) continue;
                    b.append(String.format(Locale.ROOT, "| %d | %.2f | %s | %d | %s | %s | %s | %s |%n", level, t.getFirst().remaining() * 100,
                            level == 0 ? "dense" : arm, t.size(),
                            pct(Stats.of(t, UnitResult::finalTestAccuracy)), pct(Stats.of(t, UnitResult::bestTestAccuracy)),
                            its(Stats.of(t, u -> u.convergence(criterion) == null ? Double.NaN : u.convergence(criterion).iteration())),
                            pct(Stats.of(t, u -> u.convergence(criterion) == null ? Double.NaN : u.convergence(criterion).testAccuracy()))));
                }
            }
            b.append("\n");
        }
        return b.toString();
    }

    private static String pct(Stats s) {
        if (s.count() == 0) return "—";
        return String.format(Locale.ROOT, "%.2f%% [%.2f, %.2f]", s.mean() * 100, s.min() * 100, s.max() * 100);
    }

    private static String its(Stats s) {
        if (s.count() == 0) return "—";
        return String.format(Locale.ROOT, "%,.0f [%,.0f, %,.0f]", s.mean(), s.min(), s.max());
    }
}
