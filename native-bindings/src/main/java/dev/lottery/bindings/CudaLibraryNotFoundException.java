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

    /**
     * A miss for {@code library}, with the one-line message built from what was tried.
     *
     * @param library the library's name for people, e.g. {@code "cuBLAS"}
     * @param sonames the file names tried, in order; copied
     * @param searched the directories searched, in order, possibly none; copied
     * @param systemLoaderError why the system loader failed too, or null when it was not asked
     */
    public CudaLibraryNotFoundException(String library, List<String> sonames, List<String> searched, String systemLoaderError) {
        super(library + " library not found: tried " + String.join(", ", sonames)
                + " in " + (searched.isEmpty() ? "(no directories)" : String.join(":", searched))
                + " and through the system loader" + (systemLoaderError == null ? "" : " (" + systemLoaderError + ")")
                + "; set -Dlottery.cuda.path or LOTTERY_CUDA_PATH to the directory that holds it");
        this.sonames = List.copyOf(sonames);
        this.searched = List.copyOf(searched);
    }

    /**
     * The file names tried, in order.
     *
     * @return the sonames, e.g. {@code [libcublas.so.13, libcublas.so.12]}; unmodifiable
     */
    public List<String> sonames() { return sonames; }

    /**
     * The directories searched, in order (the system loader is tried after them).
     *
     * @return the directories as given to the search, unmodifiable, possibly empty
     */
    public List<String> searched() { return searched; }
}
