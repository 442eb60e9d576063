package dev.lottery.xor;

import dev.lottery.cli.XorCommand;
import dev.lottery.nn.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class XorPartsTest {
    @Test
    void initializationIsTruncatedNormalWithZeroBiasesAndKeyedPerTrial() {
        XorBatch a = XorBatch.initialize(9, 50, 10), b = XorBatch.initialize(9, 50, 10);
        for (int t = 0; t < 50; t++) {
            XorNetwork n = a.network(t);
            assertArrayEquals(n.w1a(), b.network(t).w1a());
            assertEquals(0f, n.b2());
            for (int k = 0; k < 10; k++) {
                assertEquals(0f, n.b1()[k]);
                for (float w : new float[]{n.w1a()[k], n.w1b()[k], n.w2()[k]}) assertTrue(Math.abs(w) <= 0.2f, "beyond 2 sigma: " + w);
            }
        }
        assertFalse(java.util.Arrays.equals(a.network(0).w2(), a.network(1).w2()), "trials differ");
        // A trial does not depend on how many trials the batch holds.
        assertArrayEquals(a.network(3).w1b(), XorBatch.initialize(9, 4, 10).network(3).w1b());
    }

    @Test
    void heuristicsRankUnitsAsThePaperDefines() {
        // unit:            0      1      2      3
        float[] inA = {0.1f, 2.0f, 0.5f, -3.0f};
        float[] inB = {0.1f, -2.0f, 0.5f, 0.0f};
        float[] out = {4.0f, 0.1f, 1.0f, -0.4f};
        XorBatch batch = new XorBatch(1, 4);
        batch.setNetwork(0, new XorNetwork(inA, inB, new float[4], out, 0f));
        // input avg |w|: 0.1, 2.0, 0.5, 1.5 -> keep 1, 3
        assertArrayEquals(new int[]{1, 3}, PruningHeuristic.INPUT_MAGNITUDE.keep(batch, 2)[0]);
        // |out|: 4, 0.1, 1, 0.4 -> keep 0, 2
        assertArrayEquals(new int[]{0, 2}, PruningHeuristic.OUTPUT_MAGNITUDE.keep(batch, 2)[0]);
        // |out|*(|a|+|b|): 0.8, 0.4, 1.0, 1.2 -> keep 2, 3
        assertArrayEquals(new int[]{2, 3}, PruningHeuristic.MAGNITUDE_PRODUCT.keep(batch, 2)[0]);
    }

    @Test
    void selectResetsKeptUnitsToTheirValues() {
        XorBatch theta0 = XorBatch.initialize(1, 3, 10);
        XorBatch ticket = theta0.select(new int[][]{{1, 7}, {0, 9}, {4, 5}});
        assertEquals(2, ticket.hidden());
        assertEquals(theta0.network(0).w1a()[7], ticket.network(0).w1a()[1]);
        assertEquals(theta0.network(1).w2()[9], ticket.network(1).w2()[1]);
        assertEquals(theta0.network(2).w1b()[4], ticket.network(2).w1b()[0]);
    }

    @Test
    void criteria() {
        // The paper's footnote-3 solution with n = 10: hard outputs, boundary found.
        float n = 10;
        XorNetwork exact = new XorNetwork(new float[]{n, -n}, new float[]{-n, n}, new float[2], new float[]{1.5f, 1.5f}, -n / 2 - 2.5f);
        assertTrue(XorSetting.GD.criteria().decisionBoundary(exact));
        assertTrue(XorSetting.GD.criteria().zeroLoss(exact));
        // Same shape, tiny weights: right side of 0.5 everywhere but far from zero loss.
        float s = 0.1f;
        XorNetwork soft = new XorNetwork(new float[]{s, -s}, new float[]{-s, s}, new float[2], new float[]{1, 1}, -s / 2);
        assertTrue(XorSetting.GD.criteria().decisionBoundary(soft));
        assertFalse(XorSetting.GD.criteria().zeroLoss(soft));
        // All outputs exactly 0.5: no boundary.
        XorNetwork flat = new XorNetwork(new float[1], new float[1], new float[1], new float[1], 0f);
        assertFalse(XorSetting.GD.criteria().decisionBoundary(flat));
        assertEquals(Math.log(2), flat.loss(), 1e-12);
    }

    @Test
    void commandPrintsBothTablesBesideThePaperAndWritesCsv(@TempDir Path dir) throws Exception {
        StringWriter sw = new StringWriter();
        CommandLine cl = new CommandLine(new XorCommand());
        cl.setOut(new PrintWriter(sw));
        int code = cl.execute("--trials", "16", "--iterations", "100", "--seed", "3", "--out", dir.toString());
        String text = sw.toString();
        assertEquals(0, code, text);
        assertTrue(text.contains("Figure 9") && text.contains("Figure 10") && text.contains("wall time"), text);
        assertTrue(text.contains("/98.5") && text.contains("/79.4"), "paper numbers shown: " + text);
        assertEquals(6, Files.readAllLines(dir.resolve("figure9.csv")).size());
        assertTrue(Files.readString(dir.resolve("figure10.csv")).contains("One-shot Product,"));
        // Options are checked before the command runs (the command line calls validateOptions first).
        XorCommand bad = CommandLine.populateCommand(new XorCommand(), "--trials", "0");
        assertThrows(UserError.class, bad::validateOptions);
    }
}
