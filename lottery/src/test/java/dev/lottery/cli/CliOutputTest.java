package dev.lottery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What {@code lottery train} prints on real MNIST: one backend line (no logging framework's header) and progress
 * lines whose test accuracy is the evaluation of the iteration they name — the last one equals the final accuracy.
 */
class CliOutputTest {
    @Test
    void oneBackendLineAndProgressShowingTheEvaluationOfItsOwnIteration() {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        StringWriter out = new StringWriter();
        int code;
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            var cl = LotteryCli.commandLine();
            cl.setOut(new PrintWriter(out));
            code = cl.execute("train", "--iterations", "20", "--eval-every", "10");
        } finally {
            System.setErr(original);
        }
        String err = captured.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, err);
        List<String> lines = err.lines().toList();
        assertEquals(1, lines.stream().filter(l -> l.contains("backend")).count(), err);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("backend: CPU")), err);
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("INFO:") || l.contains("dev.lottery.nn.backend.Backends")), err);

        Pattern progress = Pattern.compile("it ([\\d,]+)/20 test acc ([\\d.]+)% loss [\\d.]+( \\(at it ([\\d,]+)\\))?");
        String last = null;
        for (String line : lines) {
            Matcher m = progress.matcher(line);
            if (!m.find()) continue;
            long it = Long.parseLong(m.group(1).replace(",", ""));
            // At an evaluation iteration the bar shows that evaluation; elsewhere it names the one it shows.
            if (it % 10 == 0) assertTrue(m.group(3) == null, line);
            else assertTrue(m.group(3) != null && Long.parseLong(m.group(4).replace(",", "")) == it / 10 * 10, line);
            if (it == 20) last = m.group(2);
        }
        Matcher fin = Pattern.compile("final test accuracy ([\\d.]+)%").matcher(out.toString());
        assertTrue(fin.find(), out.toString());
        assertEquals(fin.group(1), last, err);
    }
}
