package dev.lottery.bindings;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The committed binding classes are exactly what jextract makes from the recorded arguments
 * ({@code jextract/NAME.args}, run the way {@code jextract/generate.sh} runs them). One test per binding; each runs
 * when jextract and the binding's header are present (jextract as generate.sh finds it: {@code $JEXTRACT}, then
 * {@code PATH}, then {@code jextract/target/jextract/bin/jextract} from build-jextract.sh) and is skipped with the
 * reason otherwise.
 */
class JextractOutputTest {
    static final Path JEXTRACT_DIR = Path.of("jextract");
    static final Path SOURCES = Path.of("src/main/java/dev/lottery/bindings");

    @TestFactory
    Stream<DynamicTest> committedSourcesAreJextractOutput(@TempDir Path tmp) throws IOException {
        List<Path> argsFiles;
        try (var files = Files.list(JEXTRACT_DIR)) {
            argsFiles = files.filter(p -> p.getFileName().toString().endsWith(".args")).sorted().toList();
        }
        assertEquals(4, argsFiles.size(), "one args file per binding class in " + JEXTRACT_DIR);
        return argsFiles.stream().map(args -> DynamicTest.dynamicTest(args.getFileName().toString(), () -> {
            Optional<Path> jextract = jextract();
            assumeTrue(jextract.isPresent(), "jextract not found: set JEXTRACT, put it on PATH, or run jextract/build-jextract.sh");
            String header = headerOf(args);
            assumeTrue(HeaderLocations.find(List.of(header)).isPresent(),
                    () -> header + " not installed in " + HeaderLocations.includeDirs() + " (set -Dlottery.cuda.include=DIR)");
            Path out = Files.createDirectory(tmp.resolve(args.getFileName().toString()));
            List<String> cmd = new ArrayList<>(List.of(jextract.get().toString()));
            for (Path d : HeaderLocations.includeDirs()) if (Files.isDirectory(d)) cmd.addAll(List.of("-I", d.toString()));
            cmd.addAll(List.of("--output", out.toAbsolutePath().toString(), "@" + args.getFileName()));
            Process p = new ProcessBuilder(cmd).directory(JEXTRACT_DIR.toFile()).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(5, TimeUnit.MINUTES), "jextract timed out: " + cmd);
            assertEquals(0, p.exitValue(), () -> "jextract failed: " + cmd + "\n" + log);

            List<Path> generated;
            try (var files = Files.walk(out)) {
                generated = files.filter(Files::isRegularFile).sorted().toList();
            }
            assertFalse(generated.isEmpty(), "jextract wrote nothing for " + args);
            for (Path g : generated) {
                Path committed = SOURCES.resolve(g.getFileName());
                assertTrue(Files.isRegularFile(committed), () -> "jextract makes " + g.getFileName() + " but it is not committed"
                        + "; regenerate with jextract/generate.sh");
                firstDifference(Files.readAllLines(g), Files.readAllLines(committed)).ifPresent(line -> fail(committed + ":" + line
                        + " is not what jextract makes from " + args + "; regenerate with jextract/generate.sh"));
            }
        }));
    }

    /** The first line (1-based) where two files differ, with both versions of it. */
    static Optional<String> firstDifference(List<String> expected, List<String> actual) {
        for (int i = 0; i < Math.max(expected.size(), actual.size()); i++) {
            String e = i < expected.size() ? expected.get(i) : "(end of file)";
            String a = i < actual.size() ? actual.get(i) : "(end of file)";
            if (!e.equals(a)) return Optional.of((i + 1) + ": committed [" + a.strip() + "], jextract [" + e.strip() + "]");
        }
        return Optional.empty();
    }

    /** The header named in an args file ({@code <cuda.h>}, as jextract takes it). */
    static String headerOf(Path args) throws IOException {
        return Files.readAllLines(args).stream().filter(l -> l.matches("<.+>")).map(l -> l.substring(1, l.length() - 1))
                .findFirst().orElseThrow(() -> new AssertionError("no <header> in " + args));
    }

    /** jextract as generate.sh finds it. */
    static Optional<Path> jextract() {
        String env = System.getenv("JEXTRACT");
        if (env != null && !env.isBlank()) return Optional.of(Path.of(env));
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path candidate = Path.of(dir, "jextract");
            if (Files.isExecutable(candidate)) return Optional.of(candidate);
        }
        Path built = JEXTRACT_DIR.resolve("target/jextract/bin/jextract").toAbsolutePath();
        return Files.isExecutable(built) ? Optional.of(built) : Optional.empty();
    }
}
