package dev.lottery.cli;

import dev.lottery.report.Report;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code lottery report DIR}: plots and a Markdown table for an experiment directory (finished or not). */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write the plots of Figures 2, 3 and 8 (PNG) and report.md for an experiment directory (for a results root"
                + " holding the conv/resnet experiments: Figures 4-7); works on partial results.")
public final class ReportCommand implements Callable<Integer>, ValidatedOptions {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "Experiment directory (holds manifest.json), or a results root of several.")
    Path dir;

    @Override
    public void validateOptions() {
        OptionChecks.existingDirectory("DIR", dir);
    }

    @Override
    public Integer call() {
        writeAndPrint(dir, spec.commandLine().getOut());
        return 0;
    }

    static void writeAndPrint(Path dir, PrintWriter out) {
        List<Path> files = Report.write(dir);
        for (Path f : files) out.println("wrote " + f);
        out.flush();
    }
}
