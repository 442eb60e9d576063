package dev.lottery.bindings;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The four CUDA libraries we bind, opened lazily by soname.
 *
 * <h2>Loading</h2>
 * Nothing is opened until a bound function is first called (each function's symbol is looked up in a
 * nested holder class), so a CPU-only run never touches CUDA. The first lookup searches
 * {@link LibrarySearchPath#fromEnvironment()} (or the path given to {@link #useSearchPath}) for each
 * soname in order, then asks the system loader; failure is a {@link CudaLibraryNotFoundException}
 * whose message lists every directory tried. A failed lookup is not cached, so fixing the path and
 * calling again works.
 *
 * <h2>Arena rules</h2>
 * <ul>
 *   <li>Libraries are opened in {@link Arena#global()}: they stay loaded for the life of the process.
 *       Unloading CUDA while handles or kernels exist would leave dangling code pointers, and the
 *       driver does not support re-initialisation anyway.</li>
 *   <li>The bindings allocate nothing themselves. Callers pass segments from an arena they own:
 *       a confined arena ({@link Arena#ofConfined()}) per call or per object for out-parameters
 *       (handles, sizes), closed by the same thread in try-with-resources; {@link Arena#global()} only
 *       for things that must live as long as the process (cached error strings). Shared arenas are never
 *       closed inside loops (closing a shared arena triggers a global handshake).</li>
 *   <li>Pointers returned by C ({@code const char*} from cuGetErrorString and friends) are zero-length
 *       segments; read them with {@code reinterpret(Long.MAX_VALUE).getString(0)} — they point to
 *       static storage in the library, never freed.</li>
 *   <li>No downcall is linked with {@code Linker.Option.critical}: most CUDA calls can block (synchronise,
 *       allocate, compile, launch into a full queue) and a critical call holds off the garbage collector
 *       while it runs. The non-blocking getters would save a few nanoseconds at most, which no caller needs.</li>
 * </ul>
 */
public enum NativeLibraries {
    /** The driver API. It ships with the display driver, never in pip wheels. */
    CUDA("CUDA driver", List.of("libcuda.so.1"), List.of()),
    /** NVRTC loads its builtins library by name at run time, so it is opened first from the same directory. */
    NVRTC("NVRTC", List.of("libnvrtc.so.13", "libnvrtc.so.12"), List.of("libnvrtc-builtins.so.13.0", "libnvrtc-builtins.so.12.9", "libnvrtc-builtins.so.12.8", "libnvrtc-builtins.so.12.6")),
    CUBLAS("cuBLAS", List.of("libcublas.so.13", "libcublas.so.12"), List.of("libcublasLt.so.13", "libcublasLt.so.12")),
    /**
     * cuDNN 9 is split into sub-libraries that libcudnn.so.9 dlopens by soname. Opening them first from the
     * directory where libcudnn.so.9 was found makes those later dlopens find the already-loaded copies even
     * when that directory is not on LD_LIBRARY_PATH (as with pip wheels).
     */
    CUDNN("cuDNN", List.of("libcudnn.so.9"), List.of("libcudnn_graph.so.9", "libcudnn_engines_runtime_compiled.so.9",
            "libcudnn_engines_precompiled.so.9", "libcudnn_heuristic.so.9", "libcudnn_ops.so.9", "libcudnn_cnn.so.9",
            "libcudnn_adv.so.9"));

    private static volatile LibrarySearchPath searchPath;

    private final String displayName;
    private final List<String> sonames;
    private final List<String> companions;
    private volatile Loaded loaded;

    /** Where a library was opened from: a file path, or "system loader: soname". */
    public record Loaded(SymbolLookup lookup, String origin) {}

    NativeLibraries(String displayName, List<String> sonames, List<String> companions) {
        this.displayName = displayName;
        this.sonames = sonames;
        this.companions = companions;
    }

    /** Replaces the search path for libraries not yet opened (already opened ones stay). */
    public static void useSearchPath(LibrarySearchPath path) {
        searchPath = path;
    }

    /** The search path in force: the one set with {@link #useSearchPath}, else from the environment. */
    public static LibrarySearchPath searchPath() {
        LibrarySearchPath p = searchPath;
        return p != null ? p : LibrarySearchPath.fromEnvironment();
    }

    public List<String> sonames() { return sonames; }

    /** The address of {@code symbol}, opening the library on first use. */
    public MemorySegment find(String symbol) {
        return load().lookup().find(symbol).orElseThrow(() -> new UnsatisfiedLinkError(
                "symbol " + symbol + " not found in " + displayName + " (" + loaded.origin() + "); the library is older than the bindings expect"));
    }

    /** Where the library came from, if it has been opened. Never opens it. */
    public Optional<String> origin() {
        Loaded l = loaded;
        return l == null ? Optional.empty() : Optional.of(l.origin());
    }

    /** Opens the library now (idempotent) and returns where it came from. */
    public Loaded load() {
        Loaded l = loaded;
        if (l != null) return l;
        synchronized (this) {
            if (loaded == null) loaded = open(searchPath(), displayName, sonames, companions);
            return loaded;
        }
    }

    /**
     * Finds a file in the search path without opening anything, for diagnostics (device-check prints this).
     */
    public Optional<Path> locate(LibrarySearchPath path) {
        for (Path dir : path.directories()) {
            for (String soname : sonames) {
                Path candidate = dir.resolve(soname);
                if (Files.isRegularFile(candidate)) return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    static Loaded open(LibrarySearchPath path, String displayName, List<String> sonames, List<String> companions) {
        List<String> searched = new ArrayList<>();
        for (Path dir : path.directories()) {
            searched.add(dir.toString());
            for (String soname : sonames) {
                Path candidate = dir.resolve(soname);
                if (!Files.isRegularFile(candidate)) continue;
                for (String companion : companions) {
                    Path c = dir.resolve(companion);
                    if (Files.isRegularFile(c)) {
                        try {
                            SymbolLookup.libraryLookup(c, Arena.global());
                        } catch (IllegalArgumentException e) {
                            // A companion that fails to open will fail again, with a clearer message, when the main
                            // library asks for it; opening it early is only a convenience.
                        }
                    }
                }
                try {
                    return new Loaded(SymbolLookup.libraryLookup(candidate, Arena.global()), candidate.toString());
                } catch (IllegalArgumentException e) {
                    throw new CudaLibraryNotFoundException(displayName, sonames, searched,
                            "found " + candidate + " but it failed to open: " + e.getMessage());
                }
            }
        }
        String systemError = null;
        if (path.useSystemLoader()) {
            for (String soname : sonames) {
                try {
                    return new Loaded(SymbolLookup.libraryLookup(soname, Arena.global()), "system loader: " + soname);
                } catch (IllegalArgumentException e) {
                    systemError = e.getMessage();
                }
            }
        } else {
            systemError = "system loader not used";
        }
        throw new CudaLibraryNotFoundException(displayName, sonames, searched, systemError);
    }
}
