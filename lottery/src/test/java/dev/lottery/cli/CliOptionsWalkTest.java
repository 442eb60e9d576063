package dev.lottery.cli;

import static java.util.Map.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lottery.experiment.ExperimentPresets;
import dev.lottery.experiment.ResultsStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Walks every option (and positional parameter) of every command, found through picocli's model, and gives each
 * bad values: the ones its type allows to be wrong (an empty value; text for a number; a negative count; NaN; a path
 * below a regular file, which can neither exist nor be created) and the ones known to be wrong for its meaning. Each
 * must end in one line on standard error and exit status 2, with no stack trace, before the command does any work
 * (the command line runs in its validate-only mode, so a value that slipped through fails the test instead of
 * starting a training run).
 */
class CliOptionsWalkTest {
    /** Values wrong for an option wherever it appears ("--x"), or only in one command ("experiment submit --x"). */
    private static final Map<String, List<String>> BAD_BY_MEANING = Map.ofEntries(
            entry("--model", List.of("no-such-model")),
            entry("--dataset", List.of("imagenet")),
            entry("--preset", List.of("no-such-preset")),
            entry("--device", List.of("gpu")),
            entry("--threads", List.of("0", "33")),
            entry("--population", List.of("0", "many")),
            entry("--concurrency", List.of("0", "-2", "many")),
            entry("--init", List.of("bogus(1)")),
            entry("--lr", List.of("0", "-0.5", "fast")),
            entry("train --lr", List.of("0.1,100:0", "0.1,0:0.01", "Infinity")),
            entry("--momentum", List.of("1")),
            entry("--epochs", List.of("0")),
            entry("--batch-size", List.of("0")),
            entry("--eval-every", List.of("0")),
            entry("--trials", List.of("0")),
            entry("train --iterations", List.of("0")),
            entry("experiment run --iterations", List.of("0")),
            entry("--reset", List.of("soon")),
            entry("--mode", List.of("sideways")),
            entry("--arm", List.of("leg")),
            entry("--engine", List.of("pbs")),
            entry("--gpus", List.of("0")),
            entry("--cpus", List.of("0")),
            entry("--mem", List.of("lots")),
            entry("--time", List.of("soon")),
            entry("--attempts", List.of("0")),
            entry("experiment submit --checkpoint-every", List.of("0")));

    /** Options that take any integer. */
    private static final Set<String> NEGATIVE_ALLOWED = Set.of("--seed");

    /** Paths as the compute nodes see them: they need not exist here, so only an empty value is wrong. */
    private static final Set<String> PATHS_ELSEWHERE = Set.of("experiment submit --java", "experiment submit --jar",
            "experiment submit --data-dir");

    @TempDir
    static Path tmp;
    private static Path results;
    private static Path experiment;
    private static Path belowAFile;

    @BeforeAll
    static void fixtures() throws IOException {
        results = tmp.resolve("results");
        // an experiment for status and report, whose manifest run-unit reads
        experiment = ResultsStore.open(results, ExperimentPresets.get("lenet-quick")).dir();
        Path file = Files.writeString(tmp.resolve("a-file"), "not a directory");
        belowAFile = file.resolve("below");
    }

    /** One command line for all cases (picocli resets every option to its initial value before each parse). */
    private static final CommandLine CLI = LotteryCli.commandLine(true);

    private static CliRun validate(List<String> args) {
        return CliRun.on(CLI, args.toArray(String[]::new));
    }

    /** What a command needs to pass validation: required options, and an experiment for those that read one. */
    private static Map<String, String> validBase(String command) {
        Map<String, String> base = new LinkedHashMap<>();
        if (command.startsWith("experiment ") && !command.equals("experiment list")) base.put("--results", results.toString());
        if (command.equals("experiment run-unit")) {
            base.put("--results", experiment.toString());
            base.put("--trial", "0");
            base.put("--level", "1");
        }
        if (command.equals("report")) base.put("DIR", results.toString());
        return base;
    }

    private static List<String> args(String command, Map<String, String> options) {
        List<String> args = new ArrayList<>(List.of(command.split(" ")));
        options.forEach((name, value) -> {
            if (!name.startsWith("-")) return;
            args.add(name);
            args.add(value);
        });
        options.forEach((name, value) -> {
            if (!name.startsWith("-")) args.add(value);
        });
        return args;
    }

    private List<String> badValues(String command, ArgSpec arg, String name) {
        Class<?> type = arg.type();
        List<String> bad = new ArrayList<>(List.of("", " "));
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            bad.add("many");
            if (!NEGATIVE_ALLOWED.contains(name)) bad.add("-1");
        } else if (type == double.class || type == Double.class || type == float.class || type == Float.class) {
            bad.addAll(List.of("many", "-1", "NaN", "Infinity"));
        } else if (type == Path.class && !PATHS_ELSEWHERE.contains(command + " " + name)) {
            bad.add(belowAFile.toString());
        }
        bad.addAll(BAD_BY_MEANING.getOrDefault(name, List.of()));
        bad.addAll(BAD_BY_MEANING.getOrDefault(command + " " + name, List.of()));
        return bad;
    }

    private static void commands(CommandLine cl, List<CommandLine> out) {
        out.add(cl);
        for (CommandLine sub : cl.getSubcommands().values()) commands(sub, out);
    }

    @Test
    void everyOptionOfEveryCommandRefusesBadValuesInOneLineWithoutAStackTrace() {
        List<CommandLine> all = new ArrayList<>();
        commands(LotteryCli.commandLine(true), all);
        List<String> failures = new ArrayList<>();
        int cases = 0;
        Set<String> walked = new java.util.TreeSet<>();
        for (CommandLine cl : all) {
            CommandSpec spec = cl.getCommandSpec();
            String command = spec.qualifiedName(" ").replaceFirst("^lottery ?", "");
            if (command.isEmpty()) continue;
            walked.add(command);
            Map<String, String> base = validBase(command);
            CliRun ok = validate(args(command, base));
            assertEquals(0, ok.code(), "'" + command + "' with valid options must pass validation: " + ok.err());
            for (ArgSpec arg : spec.args()) {
                if (arg instanceof OptionSpec o && (o.usageHelp() || o.versionHelp())) continue;
                if (arg.type() == boolean.class || arg.type() == Boolean.class) continue; // flags take no value
                String name = arg instanceof OptionSpec o ? o.longestName() : arg.paramLabel();
                if (arg instanceof PositionalParamSpec && !name.equals("DIR") && !name.equals("COMMAND")) {
                    failures.add(command + " " + name + ": a positional parameter this test does not know");
                    continue;
                }
                for (String value : badValues(command, arg, name)) {
                    Map<String, String> options = new LinkedHashMap<>(base);
                    options.put(name, value);
                    List<String> args = args(command, options);
                    CliRun o = validate(args);
                    cases++;
                    String err = o.err().strip();
                    boolean oneLine = !err.isEmpty() && err.lines().count() == 1 && err.startsWith("lottery: ");
                    boolean trace = (o.err() + o.out()).contains("Exception") || (o.err() + o.out()).contains("\tat ");
                    if (o.code() != 2 || !oneLine || trace) {
                        failures.add(String.join(" ", args.stream().map(a -> a.isBlank() ? "'" + a + "'" : a).toList())
                                + " -> exit " + o.code() + ": " + err.replace("\n", " | "));
                    }
                }
            }
        }
        assertTrue(walked.containsAll(Set.of("train", "describe", "xor", "report", "experiment run", "experiment status",
                "experiment report", "experiment list", "experiment submit", "experiment run-unit")), walked.toString());
        assertTrue(cases > 150, "bad values tried: " + cases);
        assertTrue(failures.isEmpty(), failures.size() + " of " + cases + " bad values not refused cleanly:\n" + String.join("\n", failures));
    }
}
