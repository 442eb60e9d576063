package dev.lottery.xor;

/**
 * Which trials of a trained batch succeeded under some {@link XorCriteria}: {@code decisionBoundary[t]} and
 * {@code zeroLoss[t]}.
 *
 * @param decisionBoundary per trial, whether it found the decision boundary; shared, not copied
 * @param zeroLoss         per trial, whether it reached zero loss; the same length
 */
public record XorOutcome(boolean[] decisionBoundary, boolean[] zeroLoss) {
    /**
     * Which trials of {@code trained} meet {@code criteria}.
     *
     * @param trained  the trained networks
     * @param criteria what counts as a success
     * @return one verdict per trial of each kind (padding trials are not judged)
     */
    public static XorOutcome of(XorBatch trained, XorCriteria criteria) {
        int n = trained.trials();
        boolean[] db = new boolean[n], zl = new boolean[n];
        for (int t = 0; t < n; t++) {
            XorNetwork net = trained.network(t);
            db[t] = criteria.decisionBoundary(net);
            zl[t] = criteria.zeroLoss(net);
        }
        return new XorOutcome(db, zl);
    }

    /**
     * Trials judged.
     *
     * @return the length of both verdict arrays
     */
    public int trials() {
        return decisionBoundary.length;
    }

    /**
     * Percent of trials that found the decision boundary.
     *
     * @return from 0 to 100
     */
    public double decisionBoundaryPercent() {
        return percent(decisionBoundary, null);
    }

    /**
     * Percent of trials that reached zero loss.
     *
     * @return from 0 to 100
     */
    public double zeroLossPercent() {
        return percent(zeroLoss, null);
    }

    /**
     * Percent of trials in which both {@code this} and {@code parent} found the decision boundary (Figure 10's
     * pruned columns count a ticket only when the network it was pruned from succeeded too).
     *
     * @param parent the outcome of the networks these were pruned from, trial for trial; as many trials
     * @return from 0 to 100, of all trials
     */
    public double decisionBoundaryPercentAlso(XorOutcome parent) {
        return percent(decisionBoundary, parent.decisionBoundary);
    }

    /**
     * Percent of trials in which both {@code this} and {@code parent} reached zero loss.
     *
     * @param parent the outcome of the networks these were pruned from, trial for trial; as many trials
     * @return from 0 to 100, of all trials
     */
    public double zeroLossPercentAlso(XorOutcome parent) {
        return percent(zeroLoss, parent.zeroLoss);
    }

    private static double percent(boolean[] a, boolean[] alsoRequired) {
        int hits = 0;
        for (int t = 0; t < a.length; t++) if (a[t] && (alsoRequired == null || alsoRequired[t])) hits++;
        return 100.0 * hits / a.length;
    }
}
