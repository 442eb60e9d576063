package dev.lottery.nn.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * The CPU kernels at every vector width ({@code -Dlottery.vector.bits=128, 256, 512}) and in the scalar fallback (a
 * JVM without {@code --add-modules jdk.incubator.vector}) compute the same bits: {@link KernelDigest} in one child JVM
 * per configuration, each checked for the width it was asked for, against the digest of this JVM. The fallback also
 * says so, in one line. Without the Vector API, convolutions fall back to im2col and batch norm is refused in one line.
 */
class VectorWidthsTest {
    private record Child(int lanes, String digest, String stderr) {}

    private record Output(String out, String err) {}

    private static Child run(boolean vectorModule, String bits) throws IOException, InterruptedException {
        Output o = child(vectorModule, bits == null ? List.of() : List.of("-D" + CpuKernels.BITS_PROPERTY + "=" + bits), KernelDigest.class);
        String[] fields = o.out().substring(o.out().lastIndexOf("lanes=")).split("[ =]");
        return new Child(Integer.parseInt(fields[1]), fields[3], o.err());
    }

    /** Runs {@code main} in a child JVM with the JVM options {@code options}; it must exit with 0. Returns what it printed. */
    private static Output child(boolean vectorModule, List<String> options, Class<?> main) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx512m"));
        if (vectorModule) cmd.addAll(List.of("--add-modules", "jdk.incubator.vector"));
        cmd.addAll(options);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "child JVM did not finish");
        assertEquals(0, p.exitValue(), "child JVM failed: " + err);
        return new Output(out, err);
    }

    @Test
    void everyWidthAndTheScalarFallbackComputeTheSameBits() throws Exception {
        String here = KernelDigest.compute();
        for (String bits : new String[] {"128", "256", "512"}) {
            Child c = run(true, bits);
            assertEquals(Integer.parseInt(bits) / Float.SIZE, c.lanes(), bits + "-bit species");
            assertEquals(here, c.digest(), bits + "-bit kernels");
        }
        Child scalar = run(false, null);
        assertEquals(1, scalar.lanes());
        assertEquals(here, scalar.digest(), "scalar kernels");
        List<String> notices = scalar.stderr().lines().filter(l -> l.contains("jdk.incubator.vector")).toList();
        assertEquals(1, notices.size(), scalar.stderr());
        assertTrue(notices.getFirst().startsWith("lottery: jdk.incubator.vector is not available"), notices.getFirst());
    }

    @Test
    void withoutTheVectorApiConvolutionsTakeIm2colAndBatchNormIsRefusedInOneLine() throws Exception {
        String out = child(false, List.of(), ConvolutionCheck.class).out();
        Map<String, String> fields = fields(out);
        try (CpuBackend here = new CpuBackend()) {
            // The convolutions' lane sums follow the CPU's preferred width, which the generation names; without the
            // Vector API it names the scalar path instead.
            assertEquals("cpu-" + CpuBackend.GENERATION + "-v" + FloatVector.SPECIES_PREFERRED.length(), here.kernelGeneration());
        }
        assertEquals("cpu-" + CpuBackend.GENERATION + "-scalar", fields.get("kernels"), out);
        for (String pass : new String[] {"forward", "data", "filter"}) {
            assertTrue(Double.parseDouble(fields.get(pass)) < 1e-3, pass + ": " + out);
        }
        assertEquals("0", fields.get("pool"), "pooling's bits without vectors: " + out);
        assertEquals("batch normalization on the CPU needs the Vector API: run java with --add-modules jdk.incubator.vector",
                fields.get("bn"), out);
    }

    /**
     * Convolutions and batch norm take the CPU's preferred width, which the JVM's {@code -XX:UseAVX} sets (not
     * {@value CpuKernels#BITS_PROPERTY}), and their tiles follow it: on an AVX-512 CPU both tile shapes run here, 8 lanes
     * with {@code UseAVX=2} and 16 with {@code UseAVX=3} (which lottery.sh passes there). Each is checked against plain
     * loops (max pooling bitwise), and the kernel generation names its width. Off x86, where the flag does not exist, the JVM's own width
     * is checked the same way.
     */
    @Test
    void convolutionsAtTheAvx2AndAvx512WidthsAndTheGenerationNamesThem() throws Exception {
        String arch = System.getProperty("os.arch");
        boolean x86 = arch.equals("amd64") || arch.equals("x86_64");
        boolean avx512 = x86 && Files.readString(Path.of("/proc/cpuinfo")).contains(" avx512f");
        Map<List<String>, Integer> lanesByOptions = x86
                ? Map.of(List.of("-XX:UseAVX=2"), 8, List.of("-XX:UseAVX=3"), avx512 ? 16 : 8)
                : Map.of(List.of(), FloatVector.SPECIES_PREFERRED.length());
        for (var run : lanesByOptions.entrySet()) {
            String out = child(true, run.getKey(), ConvolutionCheck.class).out();
            Map<String, String> fields = fields(out);
            assertEquals("cpu-" + CpuBackend.GENERATION + "-v" + run.getValue(), fields.get("kernels"), out);
            for (String pass : new String[] {"forward", "data", "filter"}) {
                assertTrue(Double.parseDouble(fields.get(pass)) < 1e-3, pass + " with " + run.getKey() + ": " + out);
            }
            assertEquals("0", fields.get("pool"), "pooling's bits with " + run.getKey() + ": " + out);
            assertEquals("ran", fields.get("bn"), out);
        }
    }

    /** The {@code name=value} fields of the last line {@link ConvolutionCheck} printed. */
    private static Map<String, String> fields(String out) {
        Map<String, String> fields = new HashMap<>();
        for (String f : out.lines().reduce((a, b) -> b).orElseThrow().split(" (?=\\w+=)")) {
            fields.put(f.substring(0, f.indexOf('=')), f.substring(f.indexOf('=') + 1));
        }
        return fields;
    }
}
