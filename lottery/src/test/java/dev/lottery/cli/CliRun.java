package dev.lottery.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** One in-process run of a command line: its exit status and what it printed on its out and err writers. */
public record CliRun(int code, String out, String err) {
    /** Runs {@code args} on the project's command line. */
    public static CliRun of(String... args) {
        return on(LotteryCli.commandLine(), args);
    }

    /** Runs {@code args} on {@code cl}, capturing its writers. */
    public static CliRun on(CommandLine cl, String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }
}
