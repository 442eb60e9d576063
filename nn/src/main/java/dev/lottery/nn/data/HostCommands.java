package dev.lottery.nn.data;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Finds and runs the external tools a fetch may use ({@code npm}, {@code apt-get}, {@code dpkg-deb}) on a given
 * search path, so tests can pretend a tool is missing by handing in another PATH.
 */
record HostCommands(String searchPath) {

    /** The commands on this process's PATH. */
    static HostCommands system() {
        String path = System.getenv("PATH");
        return new HostCommands(path == null ? "" : path);
    }

    /** The executable called {@code name} on the search path, if any. */
    Optional<Path> find(String name) {
        for (String dir : searchPath.split(File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) return Optional.of(candidate);
        }
        return Optional.empty();
    }

    /** What a finished command left behind: its exit status and its combined output. */
    record Result(int exitCode, List<String> lines) {
        Result {
            lines = List.copyOf(lines);
        }

        boolean ok() {
            return exitCode == 0;
        }

        /** The last non-blank output line, or "" (tools such as apt-get put their error last). */
        String lastLine() {
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (!lines.get(i).isBlank()) return lines.get(i).strip();
            }
            return "";
        }
    }

    /**
     * Runs {@code tool} (looked up on the search path) with {@code args} in {@code workDir}; output goes to a log
     * file there (no pipe to fill up). Killed after {@code timeout}.
     */
    Result run(Path workDir, Duration timeout, String tool, String... args) throws IOException {
        Path exe = find(tool).orElseThrow(() -> new IOException(tool + " is not on PATH"));
        List<String> command = new ArrayList<>();
        command.add(exe.toString());
        command.addAll(List.of(args));
        Path log = Files.createTempFile(workDir, "." + tool + ".", ".log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(nullFile()));
        pb.environment().put("PATH", searchPath);
        Process p = pb.start();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new IOException(tool + " did not finish within " + timeout.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(tool + " interrupted", e);
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        Files.deleteIfExists(log);
        return new Result(p.exitValue(), lines);
    }

    private static File nullFile() {
        return new File(File.separatorChar == '\\' ? "NUL" : "/dev/null");
    }
}
