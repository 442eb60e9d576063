package dev.lottery.report;

/**
 * Which convergence point the plots use: the paper's early-stop criterion (Section 2) when every run met it,
 * otherwise the iteration of minimum validation (or test) loss (Section 3's criterion) for all runs, so one plot
 * never mixes the two.
 */
public enum ConvergenceCriterion {
    /** Section 2's early-stopping point. */
    EARLY_STOP("early stopping (1000-it moving average of test loss)"),
    /** Section 3's iteration of minimum validation (or test) loss. */
    MINIMUM_LOSS("minimum validation/test loss");

    private final String description;

    ConvergenceCriterion(String description) {
        this.description = description;
    }

    /**
     * The criterion in words, for plot labels.
     *
     * @return a short phrase, e.g. {@code minimum validation/test loss}
     */
    public String description() {
        return description;
    }
}
