package dev.lottery.bindings;

import java.util.List;

/**
 * A CUDA library could not be found or opened. The message is one line that names the library and
 * every place the loader looked, so that a user can fix the search path without a stack trace
 * (the CLI maps this exception to a user error).
 */
public final class CudaLibraryNotFoundException extends RuntimeException {
    private final List<String> sonames;
    private final List<String> searched;

    public CudaLibraryNotFoundException(String library, List<String> sonames, List<String> searched, String systemLoaderError) {
        super(library + " library not found: tried " + String.join(", ", sonames)
                + " in " + (searched.isEmpty() ? "(no directories)" : String.join(":", searched))
                + " and through the system loader" + (systemLoaderError == null ? "" : " (" + systemLoaderError + ")")
                + "; set -Dlottery.cuda.path or LOTTERY_CUDA_PATH to the directory that holds it");
        this.sonames = List.copyOf(sonames);
        this.searched = List.copyOf(searched);
    }

    /** The file names tried, in order. */
    public List<String> sonames() { return sonames; }

    /** The directories searched, in order (the system loader is tried after them). */
    public List<String> searched() { return searched; }
}
