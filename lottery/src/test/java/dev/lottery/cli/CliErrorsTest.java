package dev.lottery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lottery.nn.UserError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The failures a first-time user meets end in one line, on the real command line (not the validate-only one). */
class CliErrorsTest {
    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    private static void assertOneLine(CliRun o, String expected) {
        assertEquals(2, o.code(), o.err());
        assertEquals(1, o.err().strip().lines().count(), o.err());
        assertTrue(o.err().startsWith("lottery: ") && o.err().contains(expected), o.err());
        assertFalse(o.err().contains("Exception"), o.err());
    }

    @Test
    void aZeroBatchSizeIsOneLineNotADivisionByZero() {
        assertOneLine(run("train", "--batch-size", "0"), "--batch-size must be positive, got 0");
    }

    @Test
    void aResultsFolderThatCannotBeCreatedIsOneLine(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("plain-file"), "x");
        Path results = file.resolve("results");
        assertOneLine(run("experiment", "run", "--results", results.toString()), "cannot be created, " + file + " is a file");
        assertFalse(Files.exists(results));
    }

    @Test
    void anOutputFolderThatIsAFileIsRefusedBeforeTraining(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("out"), "x");
        assertOneLine(run("train", "--iterations", "1", "--out", file.toString()), "--out " + file + ": not a directory");
        assertOneLine(run("xor", "--trials", "1", "--out", file.toString()), "--out " + file + ": not a directory");
    }

    @Test
    void fileSystemFailuresWhileRunningAreOneLineAndRetryable() {
        Optional<LotteryCli.Failure> missing = LotteryCli.failure(new UncheckedIOException(new NoSuchFileException("/r/trial-0/DONE")));
        assertEquals(Optional.of(new LotteryCli.Failure("/r/trial-0/DONE: no such file or directory", 1)), missing);
        assertEquals("/r/x: permission denied", LotteryCli.describe(new AccessDeniedException("/r/x")));
        assertEquals("I/O error: No space left on device", LotteryCli.describe(new IOException("No space left on device")));
        // a user error anywhere in the chain wins, with its own exit status
        assertEquals(Optional.of(new LotteryCli.Failure("bad", 2)),
                LotteryCli.failure(new RuntimeException(new UserError("bad", new IOException("x")))));
        // a bug keeps its stack trace
        assertEquals(Optional.empty(), LotteryCli.failure(new IllegalStateException("bug", new ArithmeticException("/ by zero"))));
    }

    @Test
    void noHelpLineOfAnyCommandBreaksMidSentence() {
        List<String> bad = new ArrayList<>();
        List<CommandLine> all = new ArrayList<>();
        all.add(LotteryCli.commandLine());
        for (int i = 0; i < all.size(); i++) all.addAll(all.get(i).getSubcommands().values());
        for (CommandLine cl : all) {
            for (String line : cl.getUsageMessage(CommandLine.Help.Ansi.OFF).lines().toList()) {
                String l = line.stripTrailing();
                if (l.endsWith(" and") || l.endsWith(" or") || l.endsWith(",")) bad.add(cl.getCommandSpec().qualifiedName() + ": " + l);
            }
        }
        assertTrue(all.size() >= 12, "commands: " + all.size());
        assertTrue(bad.isEmpty(), String.join("\n", bad));
    }
}
