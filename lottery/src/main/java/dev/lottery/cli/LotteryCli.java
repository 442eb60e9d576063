package dev.lottery.cli;

import dev.lottery.nn.UserError;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.ParseResult;

/**
 * The {@code lottery} command line: a thin layer over the public Java API. Every failure a user can cause or fix
 * is one line on standard error, never a stack trace: bad flags and {@link UserError}s exit 2 (also before any work,
 * through {@link ValidatedOptions}); file-system failures while running (a full disk, a vanished folder) exit 1, so
 * a cluster job retries them. Bugs keep their stack trace and exit 1.
 */
@Command(name = "lottery",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Find winning lottery tickets: train, prune and reset neural networks on the CPU or a GPU.")
public final class LotteryCli implements Runnable {
    /**
     * The subcommands, in the order help lists them. Picocli builds a command's model by reflection when it is
     * registered, which is a good part of a short command's start, so a run registers only the command it runs.
     */
    private static final Map<String, Supplier<Object>> COMMANDS = commands();

    private static Map<String, Supplier<Object>> commands() {
        Map<String, Supplier<Object>> m = new LinkedHashMap<>();
        m.put("train", TrainCommand::new);
        m.put("describe", DescribeCommand::new);
        m.put("xor", XorCommand::new);
        m.put("experiment", ExperimentCommand::new);
        m.put("report", ReportCommand::new);
        m.put("fetch", FetchCommand::new);
        m.put("warm-up", WarmUpCommand::new);
        m.put("help", CommandLine.HelpCommand::new);
        m.put("generate-completion", AutoComplete.GenerateCompletion::new);
        return m;
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** A failure shown as one line, with the exit status it ends the process with. */
    record Failure(String line, int exitCode) {}

    /** Builds the command line with every command and the project's error handling; usable from tests without exiting. */
    public static CommandLine commandLine() {
        return commandLine(false, COMMANDS.keySet());
    }

    /**
     * The command line, or with {@code validateOnly} one that parses and validates every option exactly as a run
     * does and then stops before the command does any work (for tests that walk the options with bad values).
     */
    static CommandLine commandLine(boolean validateOnly) {
        return commandLine(validateOnly, COMMANDS.keySet());
    }

    /** The command line for {@code args}: only the command they name, or all of them for help and mistakes. */
    static CommandLine commandLineFor(String[] args) {
        boolean runsOne = args.length > 0 && COMMANDS.containsKey(args[0]) && !args[0].equals("help");
        return commandLine(false, runsOne ? Set.of(args[0]) : COMMANDS.keySet());
    }

    private static CommandLine commandLine(boolean validateOnly, Set<String> names) {
        CommandLine cl = new CommandLine(new LotteryCli());
        COMMANDS.forEach((name, command) -> {
            // A CommandLine of its own, because picocli applies model transformers (the experiment settings' options)
            // only to a hierarchy built by a CommandLine constructor, not to a bare object added later.
            if (names.contains(name)) cl.addSubcommand(name, new CommandLine(command.get()));
        });
        cl.setExecutionStrategy(parseResult -> {
            if (!CommandLine.printHelpIfRequested(parseResult)) {
                validate(parseResult);
                if (!validateOnly) return new CommandLine.RunLast().execute(parseResult);
            }
            return 0;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            Failure f = failure(ex).orElseThrow(() -> ex);
            commandLine.getErr().println("lottery: " + f.line());
            return f.exitCode();
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("lottery: " + ex.getMessage() + " (see '" + c.getCommandSpec().qualifiedName() + " --help')");
            return 2;
        });
        return cl;
    }

    /** Refuses empty option values, then lets the command to run check its options (no work is done here). */
    private static void validate(ParseResult parseResult) {
        ParseResult last = parseResult;
        while (last.hasSubcommand()) last = last.subcommand();
        try {
            for (ParseResult p = parseResult; p != null; p = p.hasSubcommand() ? p.subcommand() : null) {
                for (ArgSpec arg : p.matchedArgs()) {
                    for (String value : arg.originalStringValues()) {
                        if (value.isBlank()) throw new UserError(name(arg) + " needs a value, got an empty one");
                    }
                }
            }
            if (last.commandSpec().userObject() instanceof ValidatedOptions command) command.validateOptions();
        } catch (RuntimeException e) {
            throw new CommandLine.ExecutionException(last.commandSpec().commandLine(), e.getMessage(), e);
        }
    }

    private static String name(ArgSpec arg) {
        return arg instanceof CommandLine.Model.OptionSpec o ? o.longestName() : arg.paramLabel();
    }

    /** The one line for a failure a user can fix, or empty for a bug (which keeps its stack trace). */
    static Optional<Failure> failure(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof UserError) return Optional.of(new Failure(t.getMessage(), 2));
        }
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof IOException io) return Optional.of(new Failure(describe(io), 1));
        }
        return Optional.empty();
    }

    /** "FILE: no such file or directory" and the like; other I/O errors by their message. */
    static String describe(IOException e) {
        if (e instanceof FileSystemException fs) {
            String reason = switch (fs) {
                case NoSuchFileException x -> "no such file or directory";
                case AccessDeniedException x -> "permission denied";
                case NotDirectoryException x -> "not a directory";
                case FileAlreadyExistsException x -> "already exists";
                case DirectoryNotEmptyException x -> "directory not empty";
                default -> fs.getReason() != null ? fs.getReason() : "file-system error";
            };
            String files = fs.getOtherFile() == null ? fs.getFile() : fs.getFile() + " -> " + fs.getOtherFile();
            return files == null ? reason : files + ": " + reason;
        }
        String message = e.getMessage();
        return "I/O error: " + (message == null || message.isBlank() ? e.getClass().getSimpleName() : message.lines().findFirst().orElse(""));
    }

    public static void main(String[] args) {
        int code;
        try {
            code = commandLineFor(args).execute(args);
        } catch (OutOfMemoryError e) {
            System.err.println("lottery: out of memory (" + e.getMessage() + "); give the JVM more, e.g. LOTTERY_JAVA_OPTS=-Xmx16g");
            code = 1;
        }
        System.exit(code);
    }
}
