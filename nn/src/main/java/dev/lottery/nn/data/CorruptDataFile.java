package dev.lottery.nn.data;

import dev.lottery.nn.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Consumer;

/**
 * A data file whose content is wrong — wrong size, broken structure or a checksum that is not the pinned one — as
 * opposed to one that is missing or unreadable. The loaders repair such a file in the cache: it is moved aside and
 * fetched again.
 */
final class CorruptDataFile extends UserError {
    private final transient Path file;
    private final String problem;

    CorruptDataFile(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
        this.problem = problem;
    }

    CorruptDataFile(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
        this.problem = problem;
    }

    Path file() {
        return file;
    }

    /** What is wrong, e.g. "truncated: expected 47040016 bytes, found 1000000". */
    String problem() {
        return problem;
    }

    /**
     * Renames the file to {@code <name>.bad} beside it (replacing an older one), out of the loaders' way, and says so
     * on {@code log}; a file that cannot be moved is a one-line error.
     */
    Path moveAside(Consumer<String> log) {
        Path aside = file.resolveSibling(file.getFileName() + ".bad");
        try {
            Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UserError(getMessage() + "; moving it aside failed (" + e.getMessage() + "); delete it to fetch it again", e);
        }
        log.accept(file + " failed its check (" + problem + "): moved aside to " + aside.getFileName() + ", fetching it again");
        return aside;
    }

    /**
     * The one-line error when the repair cannot fetch the file again: what was wrong, where the bad copy went, why
     * fetching failed, and the command that finishes the repair once a source is reachable.
     */
    UserError unrepaired(Path aside, String dataset, UserError fetchFailure) {
        return new UserError(file + " failed its check (" + problem + ")"
                + (aside == null ? "" : " and was moved aside to " + aside.getFileName())
                + "; fetching it again failed: " + fetchFailure.getMessage()
                + ". Once a source is reachable, 'lottery fetch --dataset " + dataset + "' repairs it", fetchFailure);
    }
}
