package dev.lottery.bindings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the conformance tests look for CUDA headers: {@code -Dlottery.cuda.include} and
 * {@code LOTTERY_CUDA_INCLUDE} (colon-separated), {@code /usr/local/cuda/include}, and the
 * {@code nvidia/*}{@code /include} folders of Python site-packages (pip wheels ship nvrtc.h, cublas_api.h and
 * cudnn_*.h there, so the GPU machine checks all four bindings).
 */
final class HeaderLocations {
    private HeaderLocations() {}

    static List<Path> includeDirs() {
        LinkedHashSet<Path> dirs = new LinkedHashSet<>();
        for (String value : new String[] {System.getProperty("lottery.cuda.include"), System.getenv("LOTTERY_CUDA_INCLUDE")}) {
            if (value == null) continue;
            for (String p : value.split(":")) if (!p.isBlank()) dirs.add(Path.of(p));
        }
        dirs.add(Path.of("/usr/local/cuda/include"));
        for (Path site : LibrarySearchPath.sitePackages(System.getenv("VIRTUAL_ENV"), Path.of(System.getProperty("user.home")), Path.of("/"))) {
            Path nvidia = site.resolve("nvidia");
            if (!Files.isDirectory(nvidia)) continue;
            try (var children = Files.list(nvidia)) {
                children.map(c -> c.resolve("include")).filter(Files::isDirectory).sorted().forEach(dirs::add);
            } catch (java.io.IOException e) {
                // unreadable: not a source of headers
            }
        }
        return new ArrayList<>(dirs);
    }

    /** All the named headers, each from the first directory that has it; empty if any is missing. */
    static Optional<List<Path>> find(List<String> names) {
        List<Path> out = new ArrayList<>();
        for (String name : names) {
            Optional<Path> hit = includeDirs().stream().map(d -> d.resolve(name)).filter(Files::isRegularFile).findFirst();
            if (hit.isEmpty()) return Optional.empty();
            out.add(hit.get());
        }
        return Optional.of(out);
    }

    /** The headers that declare what each binding class binds (jextract reads them through the one named in jextract/NAME.args). */
    static final Map<Class<?>, List<String>> HEADERS = Map.of(
            cuda_h.class, List.of("cuda.h"),
            nvrtc_h.class, List.of("nvrtc.h"),
            cublas_v2_h.class, List.of("library_types.h", "cublas_api.h", "cublas_v2.h"),
            cudnn_h.class, List.of("cudnn_version.h", "cudnn_graph.h", "cudnn_ops.h", "cudnn_cnn.h"));
}
