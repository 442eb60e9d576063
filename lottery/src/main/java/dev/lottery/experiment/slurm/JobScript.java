package dev.lottery.experiment.slurm;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The batch script of one job array: runs {@code lottery experiment run-unit} on the wave's units of the task's
 * trial, retries a failed attempt (complete units are skipped, partial ones resume from their training checkpoints),
 * and when every attempt failed writes a failure record ({@code slurm/failed/<wave>-t<trial>}, with the log path)
 * and exits non-zero, so Slurm cancels the units that depend on it while the rest of the sweep goes on.
 */
record JobScript(Wave wave, Path resultsDir, JavaLauncher launcher, List<String> unitArgs,
                 int attempts) {
    /** Exit status of a {@code UserError} (bad settings, a dependency not complete): retrying cannot help. */
    static final int USER_ERROR_EXIT = 2;

    JobScript {
        unitArgs = List.copyOf(unitArgs);
        if (attempts < 1) throw new IllegalArgumentException("attempts must be at least 1");
    }

    static Path logsDir(Path resultsDir) {
        return resultsDir.resolve("slurm").resolve("logs");
    }

    static Path failedDir(Path resultsDir) {
        return resultsDir.resolve("slurm").resolve("failed");
    }

    /** The log of one task; also passed to sbatch as {@code --output} with {@code %a} for the trial. */
    static String logPattern(Path resultsDir, Wave wave) {
        return logsDir(resultsDir).resolve(wave.name() + "-t%a.log").toString();
    }

    String render() {
        List<String> args = new ArrayList<>(List.of("experiment", "run-unit", "--results", resultsDir.toString()));
        args.addAll(wave.unitOptions());
        args.addAll(unitArgs);
        String command = launcher.command(args).stream().map(JobScript::quote).collect(Collectors.joining(" "));
        String failed = quote(failedDir(resultsDir).toString());
        String log = quote(logsDir(resultsDir).toString()) + "/" + wave.name() + "-t\"$trial\".log";
        return """
                #!/bin/bash
                # Written by `lottery experiment submit --engine slurm`: %8$s of %2$s.
                # One array task per trial; rerunning it is harmless (complete units are skipped, partial ones resume).
                set -u
                trial="${SLURM_ARRAY_TASK_ID:?this script runs as a Slurm array task}"
                attempts=%3$d
                rc=1
                for attempt in $(seq 1 "$attempts"); do
                  echo "lottery: %1$s trial $trial, attempt $attempt of $attempts, job ${SLURM_JOB_ID:-?} on $(hostname)" >&2
                  %4$s --trial "$trial"
                  rc=$?
                  if [ "$rc" -eq 0 ]; then
                    rm -f %5$s/%1$s-t"$trial"
                    exit 0
                  fi
                  echo "lottery: attempt $attempt failed with exit status $rc" >&2
                  [ "$rc" -eq %6$d ] && break
                done
                mkdir -p %5$s
                tmp=$(mktemp %5$s/.%1$s-t"$trial".XXXXXX)
                printf 'group=%%s\\ntrial=%%s\\nexit=%%s\\nattempts=%%s\\njob=%%s\\nlog=%%s\\n' \\
                  %1$s "$trial" "$rc" "$attempt" "${SLURM_ARRAY_JOB_ID:-?}_${trial}" %7$s > "$tmp"
                mv -f "$tmp" %5$s/%1$s-t"$trial"
                exit "$rc"
                """.formatted(wave.name(), resultsDir, attempts, command, failed, USER_ERROR_EXIT, log,
                        wave.groups().stream().map(UnitGroup::name).collect(Collectors.joining(", ")));
    }

    /** Single-quotes a word for bash. */
    static String quote(String s) {
        if (s.matches("[A-Za-z0-9_./=:,+@%-]+")) return s;
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
