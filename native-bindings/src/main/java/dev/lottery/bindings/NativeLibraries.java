package dev.lottery.bindings;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The four CUDA libraries we bind, opened by soname when {@link #load()} is first called.
 *
 * <h2>Loading</h2>
 * The jextract-generated classes ({@code cuda_h}, {@code cudnn_h}, ...) load nothing themselves: they look each
 * symbol up with {@link SymbolLookup#loaderLookup()}, i.e. in the libraries that this class loader has loaded with
 * {@link System#load}. {@link #load()} is that step, so a library must be loaded before the first call of one of its
 * functions ({@code gpu-runtime} does it at each entry point); asking for constants or struct layouts needs nothing.
 * The first {@code load()} searches {@link LibrarySearchPath#fromEnvironment()} (or the path given to
 * {@link #useSearchPath}) for each soname in order, then asks the system loader; failure is a
 * {@link CudaLibraryNotFoundException} whose message lists every directory tried. A failed load is not cached, so
 * fixing the path and calling again works.
 *
 * <h2>Arena rules</h2>
 * <ul>
 *   <li>Libraries stay loaded for the life of the process ({@link System#load}, companions in {@link Arena#global()}).
 *       Unloading CUDA while handles or kernels exist would leave dangling code pointers, and the
 *       driver does not support re-initialisation anyway.</li>
 *   <li>The bindings allocate nothing themselves. Callers pass segments from an arena they own:
 *       a confined arena ({@link Arena#ofConfined()}) per call or per object for out-parameters
 *       (handles, sizes), closed by the same thread in try-with-resources; {@link Arena#global()} only
 *       for things that must live as long as the process (cached error strings). Shared arenas are never
 *       closed inside loops (closing a shared arena triggers a global handshake).</li>
 *   <li>{@code const char*} results (cudnnGetErrorString and friends) point to static storage in the library and
 *       are never freed; jextract's {@code C_POINTER} gives them an unbounded size, so {@code getString(0)} reads
 *       them. A pointer read back from an out-parameter with {@code ValueLayout.ADDRESS} is zero-length: read it
 *       with {@code reinterpret(Long.MAX_VALUE).getString(0)}.</li>
 *   <li>No downcall is linked with {@code Linker.Option.critical}: most CUDA calls can block (synchronise,
 *       allocate, compile, launch into a full queue) and a critical call holds off the garbage collector
 *       while it runs. The non-blocking getters would save a few nanoseconds at most, which no caller needs.</li>
 * </ul>
 */
public enum NativeLibraries {
    /** The driver API. It ships with the display driver, never in pip wheels. */
    CUDA("CUDA driver", List.of("libcuda.so.1"), List.of(), "cuInit"),
    /** NVRTC loads its builtins library by name at run time, so it is opened first from the same directory. */
    NVRTC("NVRTC", List.of("libnvrtc.so.13", "libnvrtc.so.12"), List.of("libnvrtc-builtins.so.13.0", "libnvrtc-builtins.so.12.9", "libnvrtc-builtins.so.12.8", "libnvrtc-builtins.so.12.6"), "nvrtcVersion"),
    /** cuBLAS needs cuBLASLt, which the system finds by soname, so that is opened first from the same directory. */
    CUBLAS("cuBLAS", List.of("libcublas.so.13", "libcublas.so.12"), List.of("libcublasLt.so.13", "libcublasLt.so.12"), "cublasCreate_v2"),
    /**
     * cuDNN 9 is split into sub-libraries that libcudnn.so.9 dlopens by soname. Opening them first from the
     * directory where libcudnn.so.9 was found makes those later dlopens find the already-loaded copies even
     * when that directory is not on LD_LIBRARY_PATH (as with pip wheels).
     */
    CUDNN("cuDNN", List.of("libcudnn.so.9"), List.of("libcudnn_graph.so.9", "libcudnn_engines_runtime_compiled.so.9",
            "libcudnn_engines_precompiled.so.9", "libcudnn_heuristic.so.9", "libcudnn_ops.so.9", "libcudnn_cnn.so.9",
            "libcudnn_adv.so.9"), "cudnnGetVersion");

    private static volatile LibrarySearchPath searchPath;

    private final String displayName;
    private final List<String> sonames;
    private final List<String> companions;
    private final String probeSymbol;
    private volatile Loaded loaded;

    /**
     * Where a library was loaded from: a file path, or "system loader: " and the file it chose.
     *
     * @param origin the loaded file's path, prefixed with {@code "system loader: "} when {@code dlopen} chose it
     */
    public record Loaded(String origin) {}

    /**
     * @param probeSymbol a function every supported version exports: the system loader's choice of file is found
     *                    from its address
     */
    NativeLibraries(String displayName, List<String> sonames, List<String> companions, String probeSymbol) {
        this.displayName = displayName;
        this.sonames = sonames;
        this.companions = companions;
        this.probeSymbol = probeSymbol;
    }

    /**
     * Replaces the search path for libraries not yet opened (already opened ones stay).
     *
     * @param path the search path to use from now on, in place of the one from the environment
     */
    public static void useSearchPath(LibrarySearchPath path) {
        searchPath = path;
    }

    /**
     * The search path in force: the one set with {@link #useSearchPath}, else from the environment.
     *
     * @return that search path; the environment's is read anew at each call
     */
    public static LibrarySearchPath searchPath() {
        LibrarySearchPath p = searchPath;
        return p != null ? p : LibrarySearchPath.fromEnvironment();
    }

    /**
     * The file names the library is looked for under, in order of preference.
     *
     * @return the sonames, preferred first (e.g. {@code libcublas.so.13} before {@code libcublas.so.12});
     *     unmodifiable
     */
    public List<String> sonames() { return sonames; }

    /**
     * Where the library came from, if it has been opened. Never opens it.
     *
     * @return the origin as in {@link Loaded#origin()}, or empty while the library is not loaded
     */
    public Optional<String> origin() {
        Loaded l = loaded;
        return l == null ? Optional.empty() : Optional.of(l.origin());
    }

    /**
     * Loads the library now, so that the generated classes find its symbols (idempotent, cheap after the first
     * call), and returns where it came from. Call it before the library's first function. Safe to call from any
     * thread.
     *
     * @return where the library was loaded from, the same on every call
     * @throws CudaLibraryNotFoundException if no file is found or the one found does not open; a later call tries
     *     again
     */
    public Loaded load() {
        Loaded l = loaded;
        if (l != null) return l;
        synchronized (this) {
            if (loaded == null) loaded = open(searchPath(), displayName, sonames, companions, probeSymbol);
            return loaded;
        }
    }

    /**
     * {@link #load()}, or empty where the library cannot be found or opened: for checks that need it installed.
     *
     * @return where the library was loaded from, or empty when it cannot be loaded here
     */
    public Optional<Loaded> tryLoad() {
        try {
            return Optional.of(load());
        } catch (CudaLibraryNotFoundException e) {
            return Optional.empty();
        }
    }

    /**
     * Finds a file in the search path without opening anything, for diagnostics (device-check prints this).
     *
     * @param path the directories to look in; its system-loader fallback is not consulted
     * @return the first existing file among the sonames, directory by directory, or empty
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

    static Loaded open(LibrarySearchPath path, String displayName, List<String> sonames, List<String> companions, String probeSymbol) {
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
                    System.load(candidate.toAbsolutePath().toString());
                    return new Loaded(candidate.toString());
                } catch (UnsatisfiedLinkError e) {
                    throw new CudaLibraryNotFoundException(displayName, sonames, searched,
                            "found " + candidate + " but it failed to open: " + e.getMessage());
                }
            }
        }
        String systemError = null;
        if (path.useSystemLoader()) {
            for (String soname : sonames) {
                try {
                    Path file = systemLoaderChoice(soname, probeSymbol);
                    System.load(file.toString());
                    return new Loaded("system loader: " + file);
                } catch (IllegalArgumentException | UnsatisfiedLinkError e) {
                    systemError = e.getMessage();
                }
            }
        } else {
            systemError = "system loader not used";
        }
        throw new CudaLibraryNotFoundException(displayName, sonames, searched, systemError);
    }

    /** {@code Dl_info} from {@code <dlfcn.h>}: the file and base of the object holding an address, and the symbol. */
    private static final StructLayout DL_INFO = MemoryLayout.structLayout(
            ADDRESS.withName("dli_fname"), ADDRESS.withName("dli_fbase"), ADDRESS.withName("dli_sname"), ADDRESS.withName("dli_saddr"));

    /**
     * The file that the system loader ({@code dlopen} by soname: {@code LD_LIBRARY_PATH}, the ld cache) opens for
     * {@code soname}, found with {@code dladdr} on one of its symbols. {@link System#load} needs that absolute path;
     * loading it again returns the handle already open.
     */
    private static Path systemLoaderChoice(String soname, String probeSymbol) {
        MemorySegment symbol = SymbolLookup.libraryLookup(soname, Arena.global()).find(probeSymbol)
                .orElseThrow(() -> new IllegalArgumentException(soname + " opened but has no " + probeSymbol));
        Linker linker = Linker.nativeLinker();
        MethodHandle dladdr = linker.downcallHandle(linker.defaultLookup().findOrThrow("dladdr"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(DL_INFO);
            int found = (int) dladdr.invokeExact(symbol, info);
            if (found == 0) throw new IllegalArgumentException("dladdr knows no file for " + probeSymbol + " in " + soname);
            return Path.of(info.get(ADDRESS, 0).reinterpret(Long.MAX_VALUE).getString(0));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("dladdr downcall failed", t);
        }
    }
}
