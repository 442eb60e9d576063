package dev.lottery.xor;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The paper's qualitative XOR facts on a reduced run: 200 networks per configuration and 2,000 iterations at
 * the default learning rate (the decision-boundary rates are already those of 10,000 iterations: gradient descent
 * here is in its gradient-flow regime, see docs/xor.md).
 */
class XorExperimentTest {
    private static XorTables tables;

    @BeforeAll
    static void run() {
        tables = new XorExperiment(11, 200, gd(2000)).run(XorSetting.GD.criteria());
    }

    /** Gradient descent at lr 1 on the mean loss with ReLU'(0) = 0 (the {@link XorSetting#GD} setting). */
    private static XorTrainer gd(int iterations) {
        return new XorTrainer(XorSetting.GD.training(iterations));
    }

    private static XorTables.Figure9Row width(int hidden) {
        return width(tables, hidden);
    }

    private static XorTables.Figure9Row width(XorTables tables, int hidden) {
        return tables.figure9().stream().filter(r -> r.hidden() == hidden).findFirst().orElseThrow();
    }

    private static XorTables.Figure10Row strategy(String name) {
        return strategy(tables, name);
    }

    private static XorTables.Figure10Row strategy(XorTables tables, String name) {
        return tables.figure10().stream().filter(r -> r.strategy().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void moreHiddenUnitsSucceedMoreOften() {
        assertTrue(width(10).decisionBoundary() > 85, "ten units nearly always find the boundary: " + width(10));
        assertTrue(width(10).decisionBoundary() > width(6).decisionBoundary(), tables.figure9().toString());
        assertTrue(width(6).decisionBoundary() > width(4).decisionBoundary(), tables.figure9().toString());
        assertTrue(width(4).decisionBoundary() > width(2).decisionBoundary() + 15, tables.figure9().toString());
        assertTrue(width(2).decisionBoundary() < 50, "two random units often fail: " + width(2));
        for (XorTables.Figure9Row r : tables.figure9()) assertTrue(r.zeroLoss() <= r.decisionBoundary(), r.toString());
    }

    @Test
    void prunedTwoUnitTicketsBeatRandomTwoUnitNetworks() {
        double random = width(2).decisionBoundary();
        for (XorTables.Figure10Row r : tables.figure10()) {
            // Even counted as "both the ten-unit network and the ticket succeeded", tickets win by a wide margin.
            assertTrue(r.twoDb() > random + 30, r + " vs random 2-unit " + random);
            assertTrue(r.fourDb() <= r.tenDb() && r.twoDb() <= r.tenDb(), "pruned columns are conditioned on the parent: " + r);
            assertTrue(r.fourDb() > r.tenDb() - 5, "4-unit tickets mirror their ten-unit parents: " + r);
        }
        assertEquals(4, tables.figure10().size());
        assertEquals("One-shot Product", tables.figure10().getFirst().strategy());
    }

    @Test
    void sameSeedSameTablesOtherSeedOtherTables() {
        XorTrainer trainer = gd(300);
        XorTables a = new XorExperiment(5, 48, trainer).run(XorSetting.GD.criteria());
        XorTables b = new XorExperiment(5, 48, trainer).run(XorSetting.GD.criteria());
        assertEquals(a, b);
        assertNotEquals(a, new XorExperiment(6, 48, trainer).run(XorSetting.GD.criteria()));
    }

    @Test
    void reluSlopeOneAtZeroFindsTheBoundaryMoreOften() {
        // With biases at 0 every unit starts on the kink at (0, 0); letting it pass gradient there revives units
        // whose input weights are both negative (measured at this size: 4 units 80.0% vs 51.5%, 2 units 26.0% vs 14.5%).
        XorTraining slopeOne = new XorTraining(XorTraining.Optimizer.GD, 1f, XorTraining.Reduction.MEAN, 1, 2000);
        XorTables t = new XorExperiment(11, 200, new XorTrainer(slopeOne)).run(XorSetting.GD.criteria());
        assertTrue(width(t, 10).decisionBoundary() >= 97, t.figure9().toString());
        assertTrue(width(t, 4).decisionBoundary() > width(4).decisionBoundary() + 15, t.figure9() + " vs " + tables.figure9());
        assertTrue(width(t, 2).decisionBoundary() > width(2).decisionBoundary() + 5, t.figure9() + " vs " + tables.figure9());
    }

    @Test
    void defaultSettingFindsThePapersDecisionBoundaryRatesAndSeparatesTheHeuristics() {
        // Measured at this size (the DB rates are settled by 2,000 iterations; zero loss is not yet reached):
        // DB 100.0, 98.0, 92.0, 78.5, 51.5 against the paper's 98.5, 96.8, 92.5, 78.3, 49.1; 2-unit DB of
        // product tickets 97.0 vs output magnitude 84.0.
        XorSetting setting = XorSetting.DEFAULT;
        XorTables t = new XorExperiment(11, 200, new XorTrainer(setting.training(2000))).run(setting.criteria());
        for (XorTables.Figure9Row paper : XorTables.PAPER.figure9()) {
            assertEquals(paper.decisionBoundary(), width(t, paper.hidden()).decisionBoundary(), 8, t.figure9().toString());
        }
        assertTrue(strategy(t, "Product").twoDb() > strategy(t, "Output Magnitude").twoDb() + 5, t.figure10().toString());
        // Gradient descent's tickets all succeed alike.
        assertTrue(Math.abs(strategy("Product").twoDb() - strategy("Output Magnitude").twoDb()) < 5, tables.figure10().toString());
    }
}
