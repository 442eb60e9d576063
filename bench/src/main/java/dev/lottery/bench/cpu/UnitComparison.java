package dev.lottery.bench.cpu;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Two builds of the CPU backend in one process, training the same lenet-fig3 units in alternation, so that the ratio of
 * their speeds is measured on one machine state. On a shared 2-core machine two separate runs of one build differ by
 * up to 2x; within one process, units a few seconds long taking turns see the same load, and the median of the
 * per-round ratios is steady to a few per cent.
 *
 * <p>Each build is loaded by its own class loader (its benchmarks jar, then a folder holding {@link UnitProbe} for a
 * build that predates it), so each has its own kernels, worker threads and data. Both warm up before the rounds. Round
 * k runs "before" first when k is even and "after" first when it is odd.
 *
 * <p>Usage: {@code UnitComparison BEFORE_JAR AFTER_JAR PROBE_DIR [--levels 0,9,18] [--iterations N] [--rounds N]
 * [--eval-every N]}; {@code scripts/bench-units.sh} builds the jars and runs it.
 */
public final class UnitComparison {
    private UnitComparison() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 3 || (args.length - 3) % 2 != 0) {
            throw new IllegalArgumentException("usage: BEFORE_JAR AFTER_JAR PROBE_DIR [--levels 0,9,18] [--iterations N] [--rounds N] [--eval-every N]");
        }
        int[] levels = {0, 9, 18};
        int iterations = 1500, rounds = 8, evalEvery = 100;
        for (int i = 3; i < args.length; i += 2) {
            switch (args[i]) {
                case "--levels" -> levels = Arrays.stream(args[i + 1].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--iterations" -> iterations = Integer.parseInt(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--eval-every" -> evalEvery = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        URL probe = Path.of(args[2]).toUri().toURL();
        Method before = probe(Path.of(args[0]), probe), after = probe(Path.of(args[1]), probe);
        System.out.println("load before: " + loadAverage());
        for (int level : levels) {
            for (int w = 0; w < 2; w++) {
                run(before, level, iterations, evalEvery);
                run(after, level, iterations, evalEvery);
            }
            double[] ratios = new double[rounds];
            List<String> lines = new ArrayList<>();
            for (int k = 0; k < rounds; k++) {
                double b, a;
                if (k % 2 == 0) {
                    b = run(before, level, iterations, evalEvery);
                    a = run(after, level, iterations, evalEvery);
                } else {
                    a = run(after, level, iterations, evalEvery);
                    b = run(before, level, iterations, evalEvery);
                }
                ratios[k] = a / b;
                lines.add(String.format(Locale.ROOT, "%.0f/%.0f", b, a));
            }
            double[] sorted = ratios.clone();
            Arrays.sort(sorted);
            double median = rounds % 2 == 1 ? sorted[rounds / 2] : (sorted[rounds / 2 - 1] + sorted[rounds / 2]) / 2;
            System.out.printf(Locale.ROOT, "level %2d: after/before %.3f (median of %d rounds, range %.3f-%.3f); it/s before/after per round: %s; load %s%n",
                    level, median, rounds, sorted[0], sorted[rounds - 1], String.join(" ", lines), loadAverage());
        }
    }

    /** The build's {@link UnitProbe#iterationsPerSecond} after {@link UnitProbe#open}, in a class loader of its own. */
    @SuppressWarnings("resource") // the loader lives as long as the process
    private static Method probe(Path jar, URL probeDir) throws ReflectiveOperationException {
        URLClassLoader loader;
        try {
            loader = new URLClassLoader(new URL[] {jar.toUri().toURL(), probeDir}, ClassLoader.getPlatformClassLoader());
        } catch (IOException e) {
            throw new IllegalArgumentException(jar + ": " + e.getMessage(), e);
        }
        Class<?> c = loader.loadClass(UnitProbe.class.getName());
        c.getMethod("open").invoke(null);
        return c.getMethod("iterationsPerSecond", int.class, int.class, int.class);
    }

    private static double run(Method probe, int level, int iterations, int evalEvery) throws IllegalAccessException, InvocationTargetException {
        return (double) probe.invoke(null, level, iterations, evalEvery);
    }

    private static String loadAverage() throws IOException {
        String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return f[0] + " " + f[1] + " " + f[2];
    }
}
