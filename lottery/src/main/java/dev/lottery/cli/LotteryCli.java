package dev.lottery.cli;

import dev.lottery.nn.UserError;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code lottery} command line: a thin layer over the public Java API. User mistakes ({@link UserError},
 * bad flags) print one line and exit 2; bugs keep their stack trace and exit 1.
 */
@Command(name = "lottery",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Find winning lottery tickets: train, prune and reset neural networks on the CPU or a GPU.",
        subcommands = {
                TrainCommand.class,
                DescribeCommand.class,
                XorCommand.class,
                ExperimentCommand.class,
                ReportCommand.class,
                CommandLine.HelpCommand.class,
                AutoComplete.GenerateCompletion.class,
        })
public final class LotteryCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Builds the command line with the project's error handling; usable from tests without exiting. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new LotteryCli());
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            Throwable t = ex;
            while (t != null && !(t instanceof UserError)) t = t.getCause();
            if (t != null) {
                commandLine.getErr().println("lottery: " + t.getMessage());
                return 2;
            }
            throw ex;
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("lottery: " + ex.getMessage() + " (see '" + c.getCommandSpec().qualifiedName() + " --help')");
            return 2;
        });
        return cl;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
