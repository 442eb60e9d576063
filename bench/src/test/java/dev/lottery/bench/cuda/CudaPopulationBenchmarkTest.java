package dev.lottery.bench.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lottery.nn.backend.cpu.CpuBackend;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The population benchmark's harness, run briefly on the CPU (its dry run), and its argument checks. */
class CudaPopulationBenchmarkTest {
    private static final Pattern RATE = Pattern.compile("\"(eager|graph)_network_iterations_per_s\": ([0-9.]+)");

    @Test
    void theDryRunMeasuresEveryModelAndMemberCountWithMasksIntact() {
        // lenet-300-100 only: conv2 runs the same harness, at several seconds of CPU per step even at the dry run's sizes.
        List<String> lines = dryRun("--models", "lenet-300-100", "--members", "1,2");
        assertEquals(2, lines.size(), "one line per (model, N): " + lines);
        for (String json : lines) {
            assertTrue(json.startsWith("{\"benchmark\": ") && json.endsWith("}"), json);
            assertTrue(json.contains("\"masked_weights_zero\": true"), json);
            assertTrue(json.contains("\"trainer_path\": \"graph\""), json);
            Matcher m = RATE.matcher(json);
            int rates = 0;
            for (; m.find(); rates++) assertTrue(Double.parseDouble(m.group(2)) > 0, json);
            assertEquals(2, rates, "eager and graph rates measured: " + json);
        }
        assertTrue(lines.get(0).contains("\"model\": \"lenet-300-100\", \"members\": 1,") && lines.get(0).contains("\"input\": \"784\""), lines.get(0));
        assertTrue(lines.get(1).contains("\"model\": \"lenet-300-100\", \"members\": 2,"), lines.get(1));
    }

    /** The lines of a one-iteration dry run with these arguments. */
    private static List<String> dryRun(String... args) {
        List<String> all = new ArrayList<>(List.of("--cpu-dry-run", "--iterations", "1"));
        all.addAll(List.of(args));
        CudaPopulationBenchmark.Options options = CudaPopulationBenchmark.Options.parse(all.toArray(String[]::new));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (CpuBackend cpu = new CpuBackend(); PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            assertTrue(CudaPopulationBenchmark.run(cpu, () -> {}, options, out), bytes.toString(StandardCharsets.UTF_8));
        }
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void badArgumentsAreRefusedWithTheReason() {
        var e = assertThrows(IllegalArgumentException.class, () -> CudaPopulationBenchmark.Options.parse("--models", "lenet-300-100,vgg"));
        assertTrue(e.getMessage().contains("unknown model 'vgg'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CudaPopulationBenchmark.Options.parse("--members", "1,0"));
        assertThrows(IllegalArgumentException.class, () -> CudaPopulationBenchmark.Options.parse("--iterations"));
        assertThrows(IllegalArgumentException.class, () -> CudaPopulationBenchmark.Options.parse("--fast"));
        CudaPopulationBenchmark.Options device = CudaPopulationBenchmark.Options.parse();
        assertEquals(List.of(1, 2, 4, 8, 16, 32), device.members());
        assertEquals(List.of("lenet-300-100", "conv2"), device.models());
        assertEquals(10_000, device.sizes().testExamples());
    }
}
