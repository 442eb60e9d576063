package dev.lottery.bindings;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The directories in which CUDA libraries are looked for, in order:
 * <ol>
 *   <li>the system property {@code lottery.cuda.path} (colon-separated),</li>
 *   <li>the environment variable {@code LOTTERY_CUDA_PATH} (colon-separated),</li>
 *   <li>the {@code nvidia/*}{@code /lib} folders of Python site-packages found under common prefixes
 *       ({@code $VIRTUAL_ENV}, {@code /opt/*}{@code /.venv}, {@code /opt/*}, {@code /usr/lib}, {@code /usr/local/lib},
 *       {@code ~/.local/lib}; each {@code python3*}{@code /site-packages} or {@code dist-packages}) — this is where
 *       pip wheels such as PyTorch's put libcublas, libcudnn and libnvrtc. Directories are scanned;
 *       no Python is run;</li>
 *   <li>{@code /usr/local/cuda/lib64} and {@code /usr/local/nvidia/lib64}, {@code /usr/local/nvidia/lib};</li>
 * </ol>
 * and after all of them the system loader ({@code dlopen} by soname: {@code LD_LIBRARY_PATH}, the ld cache).
 *
 * @param directories the directories, in search order, without duplicates
 * @param useSystemLoader whether to fall back to the system loader after the directories
 */
public record LibrarySearchPath(List<Path> directories, boolean useSystemLoader) {
    public static final String PROPERTY = "lottery.cuda.path";
    public static final String ENV = "LOTTERY_CUDA_PATH";

    /** Drops repeated directories, keeping the first of each, and copies the list. */
    public LibrarySearchPath {
        directories = List.copyOf(new LinkedHashSet<>(directories));
    }

    /**
     * Only these directories, no scanning and no system loader: for tests and for pinning a setup.
     *
     * @param directories the directories to search, in order; they need not exist
     * @return a search path that never falls back to {@code dlopen} by soname
     */
    public static LibrarySearchPath only(List<Path> directories) {
        return new LibrarySearchPath(directories, false);
    }

    /**
     * The default order described in the class comment, from this process's properties and environment.
     *
     * @return a new search path, read now (later changes to the property or environment are not seen); it ends
     *     with the system loader
     */
    public static LibrarySearchPath fromEnvironment() {
        return fromEnvironment(System.getProperty(PROPERTY), System.getenv(), Path.of(System.getProperty("user.home", "/")), Path.of("/"));
    }

    /** The default order with every input given: {@code root} stands for {@code /} so tests can use a fake tree. */
    static LibrarySearchPath fromEnvironment(String property, Map<String, String> env, Path home, Path root) {
        List<Path> dirs = new ArrayList<>();
        addColonSeparated(dirs, property);
        addColonSeparated(dirs, env.get(ENV));
        for (Path sitePackages : sitePackages(env.get("VIRTUAL_ENV"), home, root)) {
            dirs.addAll(children(sitePackages.resolve("nvidia"), "lib"));
        }
        dirs.add(root.resolve("usr/local/cuda/lib64"));
        dirs.add(root.resolve("usr/local/nvidia/lib64"));
        dirs.add(root.resolve("usr/local/nvidia/lib"));
        return new LibrarySearchPath(dirs, true);
    }

    private static void addColonSeparated(List<Path> dirs, String value) {
        if (value == null) return;
        for (String part : value.split(":")) {
            if (!part.isBlank()) dirs.add(Path.of(part.strip()));
        }
    }

    /** site-packages and dist-packages folders under the common prefixes, sorted within a prefix. */
    static List<Path> sitePackages(String virtualEnv, Path home, Path root) {
        List<Path> libDirs = new ArrayList<>();
        if (virtualEnv != null && !virtualEnv.isBlank()) libDirs.add(Path.of(virtualEnv, "lib"));
        for (Path opt : children(root.resolve("opt"), null)) {
            libDirs.add(opt.resolve(".venv/lib"));
            libDirs.add(opt.resolve("venv/lib"));
            libDirs.add(opt.resolve("lib"));
        }
        libDirs.add(root.resolve("usr/local/lib"));
        libDirs.add(root.resolve("usr/lib"));
        libDirs.add(home.resolve(".local/lib"));
        List<Path> out = new ArrayList<>();
        for (Path lib : libDirs) {
            for (Path python : children(lib, null)) {
                if (!python.getFileName().toString().startsWith("python3")) continue;
                for (String kind : List.of("site-packages", "dist-packages")) {
                    Path p = python.resolve(kind);
                    if (Files.isDirectory(p)) out.add(p);
                }
            }
        }
        return out;
    }

    /** Sorted sub-directories of {@code dir} (each joined with {@code suffix} when given, and kept only if that exists). */
    private static List<Path> children(Path dir, String suffix) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) return out;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path child : ds) {
                if (!Files.isDirectory(child)) continue;
                Path p = suffix == null ? child : child.resolve(suffix);
                if (Files.isDirectory(p)) out.add(p);
            }
        } catch (IOException | SecurityException e) {
            // An unreadable prefix is simply not a place where the libraries can be.
        }
        out.sort(null);
        return out;
    }
}
