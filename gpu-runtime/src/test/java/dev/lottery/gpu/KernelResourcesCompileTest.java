package dev.lottery.gpu;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every {@code .cu} under any module's {@code src/main/resources} compiles with nvcc for sm_80 and sm_90, so a
 * kernel added anywhere in the project later is checked without a GPU. Skips without nvcc.
 */
class KernelResourcesCompileTest {
    @TempDir
    Path out;

    static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("mvnw"))) dir = dir.getParent();
        return dir;
    }

    static List<Path> kernelSources(Path root) throws IOException {
        List<Path> found = new ArrayList<>();
        try (var modules = Files.list(root)) {
            for (Path module : modules.filter(Files::isDirectory).sorted().toList()) {
                Path resources = module.resolve("src/main/resources");
                if (!Files.isDirectory(resources)) continue;
                try (var walk = Files.walk(resources)) {
                    walk.filter(p -> p.toString().endsWith(".cu")).sorted().forEach(found::add);
                }
            }
        }
        return found;
    }

    static String nvcc() {
        for (String candidate : List.of("/usr/local/cuda/bin/nvcc", "/usr/local/bin/nvcc", "/usr/bin/nvcc")) {
            if (Files.isExecutable(Path.of(candidate))) return candidate;
        }
        return null;
    }

    @TestFactory
    Stream<DynamicTest> everyKernelCompilesForAmpereAndHopper() throws IOException {
        String nvcc = nvcc();
        Assumptions.assumeTrue(nvcc != null, "nvcc not found in /usr/local/cuda/bin, /usr/local/bin or /usr/bin");
        Path root = repositoryRoot();
        assertNotNull(root, "repository root (with mvnw) not found above " + Path.of("").toAbsolutePath());
        List<Path> sources = kernelSources(root);
        assertTrue(sources.stream().anyMatch(p -> p.endsWith("vector_add.cu")), "gpu-runtime's own kernels are found: " + sources);
        List<DynamicTest> tests = new ArrayList<>();
        for (Path cu : sources) {
            for (String arch : List.of("sm_80", "sm_90")) {
                tests.add(DynamicTest.dynamicTest(root.relativize(cu) + " " + arch, () -> {
                    Path ptx = out.resolve(cu.getFileName() + "." + arch + ".ptx");
                    Process p = new ProcessBuilder(nvcc, "-ptx", "-arch=" + arch, "-o", ptx.toString(), cu.toString())
                            .redirectErrorStream(true).start();
                    String log = new String(p.getInputStream().readAllBytes());
                    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "nvcc timed out on " + cu);
                    assertEquals(0, p.exitValue(), () -> "nvcc failed on " + cu + " for " + arch + ":\n" + log);
                    String text = Files.readString(ptx);
                    assertTrue(text.contains(".target " + arch), "PTX targets " + arch);
                    assertTrue(text.contains(".entry"), "PTX has at least one kernel entry");
                }));
            }
        }
        return tests.stream();
    }
}
