package dev.lottery.cli;

import dev.lottery.nn.train.EvalPoint;
import dev.lottery.nn.train.TrainingListener;
import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar on stderr: iterations, the latest test accuracy and loss (labelled with their iteration
 * when it is not the one shown), rate and ETA. On a terminal it
 * redraws in place at most every 200 ms; otherwise (logs, CI) it prints a line every 10 %.
 */
public final class ProgressBar implements TrainingListener {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private final String label;
    private final boolean interactive;
    private final long startNanos = System.nanoTime();
    private long lastDraw;
    private int lastDecile = -1;
    private EvalPoint lastEval;

    public ProgressBar(PrintStream out, String label) {
        this(out, label, onTerminal());
    }

    /** Whether the process writes to a terminal, where the bar redraws in place. */
    static boolean onTerminal() {
        return System.console() != null && System.console().isTerminal();
    }

    ProgressBar(PrintStream out, String label, boolean interactive) {
        this.out = out;
        this.label = label;
        this.interactive = interactive;
    }

    @Override
    public void onIteration(long iteration, long total) {
        long now = System.nanoTime();
        if (interactive) {
            if (now - lastDraw > 200_000_000L || iteration == total) {
                lastDraw = now;
                out.print("\r" + line(iteration, total, now));
                if (iteration == total) out.println();
                out.flush();
            }
        } else {
            int decile = (int) (iteration * 10 / total);
            if (decile != lastDecile) {
                lastDecile = decile;
                out.println(line(iteration, total, now));
            }
        }
    }

    @Override
    public void onEvaluation(EvalPoint point, long total) {
        lastEval = point;
    }

    String line(long iteration, long total, long now) {
        double frac = (double) iteration / total;
        int filled = (int) Math.round(frac * WIDTH);
        double secs = (now - startNanos) / 1e9;
        double rate = iteration / Math.max(secs, 1e-9);
        StringBuilder b = new StringBuilder(label).append(" [");
        b.append("#".repeat(filled)).append("-".repeat(WIDTH - filled)).append("] ");
        b.append(String.format(Locale.ROOT, "%3.0f%% it %,d/%,d", frac * 100, iteration, total));
        if (lastEval != null) {
            b.append(String.format(Locale.ROOT, " test acc %.2f%% loss %.4f", lastEval.testAccuracy() * 100, lastEval.testLoss()));
            // Between evaluations the figures are the last evaluation's: say which iteration that was.
            if (lastEval.iteration() != iteration) b.append(String.format(Locale.ROOT, " (at it %,d)", lastEval.iteration()));
        }
        b.append(String.format(Locale.ROOT, " %,.0f it/s", rate));
        if (iteration == total) b.append(" ").append(duration(secs));
        // The first iterations include the start-up, so an ETA from them would mislead; wait for 1 % of the run.
        else if (iteration * 100 >= total) b.append(" ETA ").append(duration((total - iteration) / rate));
        return b.toString();
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s >= 3600) return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
        if (s >= 60) return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        return s + "s";
    }
}
