package dev.lottery.report;

import dev.lottery.experiment.ExperimentSpec;
import dev.lottery.experiment.PruningMode;
import dev.lottery.experiment.control.Control;
import dev.lottery.experiment.control.Controls;
import java.util.List;
import java.util.Locale;

/**
 * The Markdown tables of a report, per mode: final accuracy by level with one column per arm, then each arm's
 * accuracies and convergence over trials, level by level.
 */
final class SummaryTable {
    private SummaryTable() {}

    static String markdown(ExperimentResults r) {
        ConvergenceCriterion criterion = r.criterion();
        ExperimentSpec spec = r.spec();
        StringBuilder b = new StringBuilder();
        b.append("# ").append(spec.name()).append(" — ").append(r.store().dir().getFileName()).append("\n\n");
        b.append("Settings: ").append(spec.training().canonical()).append("; ").append(spec.strategy().canonical())
                .append("; reset ").append(spec.reset().canonical()).append("; trials ").append(spec.trials()).append(".\n\n");
        b.append("Accuracies are test accuracy, mean over the finished trials with [min, max]; convergence is ")
                .append(criterion.description()).append(". `n` = finished trials.\n\n");
        for (PruningMode mode : r.modes()) {
            b.append("## ").append(mode.cliName()).append("\n\n");
            byArm(b, r, mode);
            detail(b, r, mode, criterion);
        }
        return b.toString();
    }

    /** Final test accuracy: a row per level, a column per arm (the dense network in the ticket's column at level 0). */
    private static void byArm(StringBuilder b, ExperimentResults r, PruningMode mode) {
        b.append("| level | % weights remaining |");
        for (Control arm : r.arms()) b.append(' ').append(arm.name()).append(" |");
        b.append("\n|---:|---:|").append("---|".repeat(r.arms().size())).append('\n');
        for (int level : r.levels(mode, Controls.TICKET)) {
            List<UnitResult> ticket = r.trials(mode, Controls.TICKET, level);
            if (ticket.isEmpty()) continue;
            b.append(String.format(Locale.ROOT, "| %d | %.2f |", level, ticket.getFirst().remaining() * 100));
            for (Control arm : r.arms()) {
                List<UnitResult> t = level == 0 && !arm.equals(Controls.TICKET) ? List.of() : r.trials(mode, arm, level);
                b.append(' ').append(t.isEmpty() ? "" : pct(Stats.of(t, UnitResult::finalTestAccuracy))).append(" |");
            }
            b.append('\n');
        }
        b.append('\n');
    }

    private static void detail(StringBuilder b, ExperimentResults r, PruningMode mode, ConvergenceCriterion criterion) {
        b.append("| level | % weights remaining | arm | n | final accuracy | best accuracy | convergence iteration | accuracy at convergence |\n");
        b.append("|---:|---:|---|---:|---|---|---|---|\n");
        for (int level : r.levels(mode, Controls.TICKET)) {
            for (Control arm : r.arms()) {
                if (level == 0 && !arm.equals(Controls.TICKET)) continue;
                List<UnitResult> t = r.trials(mode, arm, level);
                if (t.isEmpty()) continue;
                b.append(String.format(Locale.ROOT, "| %d | %.2f | %s | %d | %s | %s | %s | %s |%n", level, t.getFirst().remaining() * 100,
                        level == 0 ? "dense" : arm.name(), t.size(),
                        pct(Stats.of(t, UnitResult::finalTestAccuracy)), pct(Stats.of(t, UnitResult::bestTestAccuracy)),
                        its(Stats.of(t, u -> u.convergence(criterion) == null ? Double.NaN : u.convergence(criterion).iteration())),
                        pct(Stats.of(t, u -> u.convergence(criterion) == null ? Double.NaN : u.convergence(criterion).testAccuracy()))));
            }
        }
        b.append("\n");
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
