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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The study of the paper's unstated choices: its scoring, its grid and {@code lottery xor --sweep}. */
class XorSweepTest {
    @Test
    void thePaperFitsItselfExactly() {
        XorFit f = XorFit.of(XorTables.PAPER, XorTables.PAPER);
        assertEquals(0, f.decisionBoundary());
        assertEquals(0, f.zeroLoss());
        assertEquals(0, f.dbSwaps());
        assertEquals(0, f.zlSwaps());
        assertEquals("P>I>1>O", f.zlOrder());
        assertEquals(79.4 - 56.1, f.zlSpread(), 1e-9);
    }

    @Test
    void fitMeasuresTheWorstCellAndTheStrategyPairsOutOfOrder() {
        List<XorTables.Figure9Row> fig9 = new ArrayList<>(XorTables.PAPER.figure9());
        fig9.set(4, new XorTables.Figure9Row(2, 19.0, 17.6)); // 2-unit DB 30.1 points low
        List<XorTables.Figure10Row> fig10 = new ArrayList<>();
        for (XorTables.Figure10Row r : XorTables.PAPER.figure10()) {
            // Exchange the 2-unit rates of iterative product (the paper's best) and output magnitude (its worst).
            XorTables.Figure10Row from = switch (r.strategy()) {
                case "Product" -> XorFit.row(XorTables.PAPER.figure10(), "Output Magnitude");
                case "Output Magnitude" -> XorFit.row(XorTables.PAPER.figure10(), "Product");
                default -> r;
            };
            fig10.add(new XorTables.Figure10Row(r.strategy(), r.tenDb(), r.tenZl(), r.fourDb(), r.fourZl(), from.twoDb(), from.twoZl()));
        }
        XorFit f = XorFit.of(new XorTables(fig9, fig10), XorTables.PAPER);
        assertEquals(30.1, f.decisionBoundary(), 1e-9);
        assertEquals(0, f.zeroLoss(), 1e-9);
        assertEquals(30.1, f.worst(), 1e-9);
        // Paper P > I > 1 > O; ours O > I > 1 > P: every pair but (I, 1) is out of order.
        assertEquals(5, f.dbSwaps());
        assertEquals(5, f.zlSwaps());
        assertEquals("O>I>1>P", f.zlOrder());
    }

    @Test
    void withinTheTargetFigure10DecidesOutsideItTheDeviation() {
        XorFit closeButScrambled = new XorFit(2.0, 1.0, 1, 1, "I>P>1>O", 10);
        XorFit withinAndOrdered = new XorFit(4.0, 1.0, 0, 0, "P>I>1>O", 20);
        XorFit justOutside = new XorFit(5.5, 0.5, 0, 0, "P>I>1>O", 20);
        XorFit farButOrdered = new XorFit(30, 1, 0, 0, "P>I>1>O", 20);
        XorFit farAndScrambled = new XorFit(30, 1, 3, 3, "O>1>I>P", 2);
        List<XorFit> fits = new ArrayList<>(List.of(farAndScrambled, justOutside, farButOrdered, closeButScrambled, withinAndOrdered));
        fits.sort(XorFit.BEST_FIRST);
        assertEquals(List.of(withinAndOrdered, closeButScrambled, justOutside, farButOrdered, farAndScrambled), fits);
    }

    @Test
    void gridCrossesEveryChoiceAndContainsTheDefault() {
        List<XorTraining> grid = XorSweep.trainings(10_000);
        assertEquals(2 * 2 * (XorSweep.GD_RATES.length + XorSweep.ADAM_RATES.length), grid.size());
        assertEquals(grid.size(), new HashSet<>(grid).size(), "no setting twice");
        for (XorSetting s : XorSetting.values()) {
            assertTrue(grid.contains(s.training(10_000)), s + " is one of the cells");
            assertTrue(XorSweep.CRITERIA.contains(s.criteria()), s + "'s criteria are judged");
        }
        assertEquals(3 * 2, XorSweep.CRITERIA.size());
    }

    @Test
    void everyCellIsTheExperimentJudgedUnderItsCriteriaBestFitFirst() {
        List<XorTraining> two = List.of(
                new XorTraining(XorTraining.Optimizer.GD, 1f, XorTraining.Reduction.MEAN, 0, 150),
                new XorTraining(XorTraining.Optimizer.ADAM, 0.01f, XorTraining.Reduction.SUM, 1, 150));
        List<String> progress = new ArrayList<>();
        List<XorSweep.Cell> cells = XorSweep.run(3, 24, two, progress::add);
        assertEquals(2 * XorSweep.CRITERIA.size(), cells.size());
        assertEquals(2, progress.size());
        for (int i = 1; i < cells.size(); i++) {
            assertTrue(XorFit.BEST_FIRST.compare(cells.get(i - 1).fit(), cells.get(i).fit()) <= 0, "sorted best first");
        }
        XorCriteria criteria = XorSetting.DEFAULT.criteria();
        XorSweep.Cell adam = cells.stream()
                .filter(c -> c.training().equals(two.get(1)) && c.criteria().equals(criteria)).findFirst().orElseThrow();
        assertEquals(new XorExperiment(3, 24, new XorTrainer(two.get(1))).run(criteria), adam.tables());
        assertEquals(XorFit.of(adam.tables(), XorTables.PAPER), adam.fit());
    }

    @Test
    void commandRunsTheSweepAndWritesItsCsv(@TempDir Path dir) throws Exception {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = new CommandLine(new XorCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute("--sweep", "--trials", "8", "--iterations", "20", "--out", dir.toString());
        assertEquals(0, code, out + "\n" + err);
        String text = out.toString();
        assertTrue(text.contains("paper") && text.contains("98.5 96.8 92.5 78.3 49.1") && text.contains("wall time"), text);
        int settings = XorSweep.trainings(20).size();
        assertTrue(err.toString().contains(settings + "/" + settings + " "), "progress per setting: " + err);
        List<String> csv = Files.readAllLines(dir.resolve("sweep.csv"));
        assertEquals(1 + settings * XorSweep.CRITERIA.size(), csv.size());
        assertTrue(csv.getFirst().startsWith("optimizer,lr,reduction,relu_slope_at_zero"), csv.getFirst());
    }

    @Test
    void commandRunsTheNamedSettingsAndAnOptionOverridesPartOfOne() {
        assertTrue(run("--trials", "8", "--iterations", "20")
                .contains("adam lr 0.003, mean loss, ReLU'(0) = 0, 20 iterations; DB ties, ZL tolerance"));
        assertTrue(run("--trials", "8", "--iterations", "20", "--setting", "gd")
                .contains("gd lr 1.0, mean loss, ReLU'(0) = 0, 20 iterations; DB points, ZL tolerance"));
        // Another optimizer brings its own default rate; the setting's criteria stay.
        assertTrue(run("--trials", "8", "--iterations", "20", "--setting", "gd", "--optimizer", "adam")
                .contains("adam lr 0.003, mean loss, ReLU'(0) = 0, 20 iterations; DB points, ZL tolerance"));
    }

    private static String run(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cl = new CommandLine(new XorCommand());
        cl.setOut(new PrintWriter(out));
        assertEquals(0, cl.execute(args), out.toString());
        return out.toString();
    }

    @Test
    void commandTakesEveryTrainingChoiceAndRejectsBadOnes() {
        String out = run("--trials", "8", "--iterations", "20", "--optimizer", "gd", "--lr", "0.5", "--loss", "sum",
                "--relu-slope-at-zero", "1", "--decision-boundary", "corners", "--zero-loss", "float32");
        assertTrue(out.contains("gd lr 0.5, sum loss, ReLU'(0) = 1, 20 iterations; DB corners, ZL float32"), out);
        for (String[] bad : new String[][]{{"--sweep", "--optimizer", "adam"}, {"--sweep", "--setting", "gd"},
                {"--setting", "sgd"}, {"--optimizer", "sgd-momentum"},
                {"--relu-slope-at-zero", "2"}, {"--loss", "max"}, {"--zero-loss", "exact"}, {"--lr", "-1"}}) {
            XorCommand c = CommandLine.populateCommand(new XorCommand(), bad);
            assertThrows(UserError.class, c::call, String.join(" ", bad));
        }
    }
}
