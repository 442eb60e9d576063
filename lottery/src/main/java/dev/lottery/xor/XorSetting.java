package dev.lottery.xor;

import dev.lottery.xor.XorCriteria.DecisionBoundary;
import dev.lottery.xor.XorCriteria.ZeroLoss;
import dev.lottery.xor.XorTraining.Optimizer;
import dev.lottery.xor.XorTraining.Reduction;

/**
 * Named choices for everything the paper's XOR appendix leaves open: how to train and how to judge success.
 * docs/xor.md shows the sweep behind them.
 */
public enum XorSetting implements XorChoice {
    /**
     * The sweep's best fit to both columns of Figure 9 and to Figure 10: Adam at 0.003 on the mean loss with
     * ReLU'(0) = 0; a point left on the decision boundary is not misclassified; zero loss within 10^-3 a point.
     */
    ADAM(Optimizer.ADAM, DecisionBoundary.TIES),
    /**
     * Plain gradient descent at lr 1 with every point strictly on its side of 0.5: matches the paper's ZL column
     * but not its DB column, and does not separate Figure 10's pruning heuristics.
     */
    GD(Optimizer.GD, DecisionBoundary.POINTS);

    /** What {@code lottery xor} runs unless told otherwise. */
    public static final XorSetting DEFAULT = ADAM;

    private final Optimizer optimizer;
    private final XorCriteria criteria;

    XorSetting(Optimizer optimizer, DecisionBoundary decisionBoundary) {
        this.optimizer = optimizer;
        this.criteria = new XorCriteria(decisionBoundary, ZeroLoss.TOLERANCE);
    }

    /**
     * The training, at the optimizer's default rate on the mean loss with ReLU'(0) = 0, for {@code iterations} steps.
     *
     * @param iterations full-batch training steps per network, positive
     * @return the training this setting names
     */
    public XorTraining training(int iterations) {
        return new XorTraining(optimizer, optimizer.defaultLearningRate(), Reduction.MEAN, 0, iterations);
    }

    /**
     * The setting's success criteria.
     *
     * @return the setting's decision-boundary reading, with zero loss judged by {@link ZeroLoss#TOLERANCE}
     */
    public XorCriteria criteria() {
        return criteria;
    }

    /**
     * The setting named {@code s}; another name is a {@code UserError} listing the known ones.
     *
     * @param s {@code adam} or {@code gd}, in any case
     * @return the setting
     */
    public static XorSetting parse(String s) {
        return XorChoice.parse(XorSetting.class, s, "setting");
    }
}
