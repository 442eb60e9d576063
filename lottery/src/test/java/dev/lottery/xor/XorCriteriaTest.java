package dev.lottery.xor;

import dev.lottery.nn.UserError;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The readings of "found the decision boundary" and "reached zero loss" on hand-built networks. */
class XorCriteriaTest {
    /** Footnote 3's solution: relu(n·x0 − n·x1) and relu(n·x1 − n·x0), output weights v, output bias b2. */
    private static XorNetwork footnote(float n, float v, float b2) {
        return new XorNetwork(new float[]{n, -n}, new float[]{-n, n}, new float[2], new float[]{v, v}, b2);
    }

    private static XorNetwork stuck(float b2) {
        return new XorNetwork(new float[]{1, 1}, new float[]{-1, 1}, new float[]{0, -1.5f}, new float[]{20, -40}, b2);
    }

    @Test
    void tiesCountAPointOnTheBoundaryAsRight() {
        XorNetwork dead = new XorNetwork(new float[]{-1}, new float[]{-1}, new float[1], new float[]{0.5f}, 0f);
        assertFalse(XorCriteria.DecisionBoundary.POINTS.holds(dead));
        assertTrue(XorCriteria.DecisionBoundary.TIES.holds(dead), "every output is exactly 0.5");
        // relu(x0 − x1) lifts (1, 0), relu(x0 + x1 − 1.5) lowers (1, 1), and nothing serves (0, 0) or (0, 1):
        // both have the output bias as logit, a stuck network's typical state.
        for (float b2 : new float[]{-0.019f, 0.019f}) {
            assertFalse(XorCriteria.DecisionBoundary.POINTS.holds(stuck(b2)));
            assertTrue(XorCriteria.DecisionBoundary.TIES.holds(stuck(b2)), "outputs 0.50 at two decimals, b2 = " + b2);
        }
        assertFalse(XorCriteria.DecisionBoundary.TIES.holds(stuck(0.03f)), "(0, 0) at 0.5075 is misclassified");
        XorNetwork wrong = footnote(10, 1, 5); // every logit positive: (0,0) and (1,1) on the wrong side
        assertFalse(XorCriteria.DecisionBoundary.TIES.holds(wrong));
    }

    @Test
    void cornersDemandTheNeighbourhoodsOfTheFourPoints() {
        // Boundary |x0 − x1| = 1/2: the paper's example passes.
        XorNetwork example = footnote(10, 1, -5);
        assertTrue(XorCriteria.DecisionBoundary.POINTS.holds(example));
        assertTrue(XorCriteria.DecisionBoundary.CORNERS.holds(example));
        // Boundary |x0 − x1| = 1/10: the four points are right, but (0.2, 0), near (0, 0), is classified as 1.
        XorNetwork skewed = footnote(10, 1, -1);
        assertTrue(XorCriteria.DecisionBoundary.POINTS.holds(skewed));
        assertFalse(XorCriteria.DecisionBoundary.CORNERS.holds(skewed));
    }

    @Test
    void float32ZeroLossNeedsALogitAboutSeventeenOnTheRightSide() {
        XorNetwork margin7 = footnote(10, 1.5f, -7.5f); // logits -7.5 and +7.5
        assertTrue(XorCriteria.ZeroLoss.TOLERANCE.holds(margin7));
        assertFalse(XorCriteria.ZeroLoss.FLOAT32.holds(margin7));
        XorNetwork margin20 = footnote(40, 1, -20); // logits -20 and +20
        assertTrue(XorCriteria.ZeroLoss.FLOAT32.holds(margin20));
        XorNetwork margin16 = footnote(32, 1, -16);
        assertFalse(XorCriteria.ZeroLoss.FLOAT32.holds(margin16), "sigmoid(16) still rounds below 1 in float32");
    }

    @Test
    void labelsParseAndUnknownOnesAreUserErrors() {
        assertEquals(XorCriteria.DecisionBoundary.CORNERS, XorCriteria.DecisionBoundary.parse("Corners"));
        assertEquals(XorCriteria.ZeroLoss.FLOAT32, XorCriteria.ZeroLoss.parse("float32"));
        assertEquals(XorTraining.Optimizer.ADAM, XorTraining.Optimizer.parse("adam"));
        assertEquals(XorTraining.Reduction.SUM, XorTraining.Reduction.parse("SUM"));
        UserError e = assertThrows(UserError.class, () -> XorCriteria.DecisionBoundary.parse("grid"));
        assertTrue(e.getMessage().contains("points, ties, corners"), e.getMessage());
        assertThrows(UserError.class, () -> XorTraining.Optimizer.parse("sgd-momentum"));
    }
}
