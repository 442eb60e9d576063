package dev.lottery.nn.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Fetches files from a Debian package without installing it: {@code apt-get download} (apt checks the package
 * against the signed archive index) into a scratch folder, {@code dpkg-deb -x} to unpack it there, then the
 * wanted files are verified and moved into the cache. Needs no root. Fashion-MNIST is Debian's
 * {@code dataset-fashion-mnist}, gzipped IDX files under {@code usr/share/datasets/fashion-mnist/}.
 */
record DebianPackageSource(HostCommands commands, String packageName, String dirInPackage, Duration timeout)
        implements FileSource {

    static DebianPackageSource fashionMnist(HostCommands commands) {
        return new DebianPackageSource(commands, "dataset-fashion-mnist", "usr/share/datasets/fashion-mnist",
                Duration.ofMinutes(10));
    }

    @Override
    public Optional<String> unavailableReason() {
        List<String> missing = new ArrayList<>();
        for (String tool : List.of("apt-get", "dpkg-deb")) {
            if (commands.find(tool).isEmpty()) missing.add(tool);
        }
        return missing.isEmpty() ? Optional.empty()
                : Optional.of(String.join(" and ", missing) + " not found (not a Debian-based system)");
    }

    @Override
    public String remedy() {
        return "apt-get install " + packageName;
    }

    @Override
    public String describe() {
        return "apt-get download " + packageName;
    }

    @Override
    public void fetch(List<PinnedFile> wanted, Path targetDir, Consumer<String> log) throws IOException {
        try (ScratchDir scratch = new ScratchDir(targetDir, "deb")) {
            log.accept("fetching " + describe() + " into " + targetDir);
            HostCommands.Result r = commands.run(scratch.path(), timeout, "apt-get", "download", packageName);
            if (!r.ok()) {
                String hint = r.lastLine().contains("Unable to locate") ? " (run apt-get update first)" : "";
                throw new IOException("exit " + r.exitCode() + ": " + r.lastLine() + hint);
            }
            Path deb = findDeb(scratch.path());
            Path unpacked = scratch.path().resolve("x");
            HostCommands.Result x = commands.run(scratch.path(), timeout, "dpkg-deb", "-x", deb.toString(),
                    unpacked.toString());
            if (!x.ok()) throw new IOException("dpkg-deb -x failed: " + x.lastLine());
            Path dir = unpacked.resolve(dirInPackage);
            for (PinnedFile pin : wanted) {
                Path file = Files.exists(dir.resolve(pin.name() + ".gz")) ? dir.resolve(pin.name() + ".gz")
                        : dir.resolve(pin.name());
                if (!Files.exists(file)) throw new IOException(packageName + " lacks " + pin.name());
                try (InputStream in = Files.newInputStream(file)) {
                    FileInstaller.install(in, targetDir, pin);
                }
                log.accept("  installed " + pin.name());
            }
        }
    }

    private Path findDeb(Path dir) throws IOException {
        try (DirectoryStream<Path> debs = Files.newDirectoryStream(dir, "*.deb")) {
            for (Path p : debs) return p;
        }
        throw new IOException("apt-get download produced no .deb file");
    }
}
