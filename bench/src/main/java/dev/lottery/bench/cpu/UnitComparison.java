package dev.lottery.bench.cpu;

import java.io.IOException;
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
 * Two builds of the CPU backend in one process, training the same lenet-fig3 units (or the same steps of
 * convolutional presets) in alternation, so that the ratio of their speeds is measured on one machine state. On a
 * shared 2-core machine two separate runs of one build differ by up to 2x; within one process, runs a few seconds long
 * taking turns see the same load, and the median of the per-round ratios is steady to a few per cent.
 *
 * <p>Each build is loaded by its own class loader (its benchmarks jar, then a folder holding {@link UnitProbe} and
 * {@link ConvStepProbe} for a build that predates them), so each has its own kernels, worker threads and data. Both
 * warm up before the rounds. Round k runs "before" first when k is even and "after" first when it is odd.
 *
 * <p>Usage: {@code UnitComparison BEFORE_JAR AFTER_JAR PROBE_DIR [--levels 0,9,18] [--iterations N] [--rounds N]
 * [--eval-every N] [--conv conv4,resnet20] [--steps N]}; with {@code --conv} the presets' training steps are compared
 * instead of lenet units, and each build's heap allocation per step is printed too: a warm step should allocate next
 * to nothing, and megabytes mean a kernel whose vectors the JIT left boxed. {@code scripts/bench-units.sh} builds the
 * jars and runs it.
 */
public final class UnitComparison {
    private UnitComparison() {}

    /** One build's speed on one item: lenet units at a pruning level, or a convolutional preset's step. */
    private interface Side {
        double speed(String item) throws ReflectiveOperationException;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3 || (args.length - 3) % 2 != 0) {
            throw new IllegalArgumentException("usage: BEFORE_JAR AFTER_JAR PROBE_DIR [--levels 0,9,18] [--iterations N] [--rounds N] [--eval-every N]"
                    + " [--conv conv4,resnet20] [--steps N]");
        }
        String levels = "0,9,18", conv = null;
        int iterations = 1500, rounds = 8, evalEvery = 100, steps = 6;
        for (int i = 3; i < args.length; i += 2) {
            switch (args[i]) {
                case "--levels" -> levels = args[i + 1];
                case "--iterations" -> iterations = Integer.parseInt(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--eval-every" -> evalEvery = Integer.parseInt(args[i + 1]);
                case "--conv" -> conv = args[i + 1];
                case "--steps" -> steps = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        URL probe = Path.of(args[2]).toUri().toURL();
        Side before, after;
        String unit, what;
        // The conv probes of both builds, whose heap allocation per step is reported beside the speed.
        Class<?> beforeConv = null, afterConv = null;
        if (conv == null) {
            int its = iterations, every = evalEvery;
            Method b = unitProbe(Path.of(args[0]), probe), a = unitProbe(Path.of(args[1]), probe);
            before = level -> (double) b.invoke(null, Integer.parseInt(level), its, every);
            after = level -> (double) a.invoke(null, Integer.parseInt(level), its, every);
            unit = "it/s";
            what = "level";
        } else {
            int n = steps;
            beforeConv = convProbe(Path.of(args[0]), probe);
            afterConv = convProbe(Path.of(args[1]), probe);
            Method b = beforeConv.getMethod("stepsPerSecond", String.class, int.class);
            Method a = afterConv.getMethod("stepsPerSecond", String.class, int.class);
            before = model -> (double) b.invoke(null, model, n);
            after = model -> (double) a.invoke(null, model, n);
            unit = "steps/s";
            what = "model";
        }
        System.out.println("load before: " + loadAverage());
        for (String item : (conv == null ? levels : conv).split(",")) {
            for (int w = 0; w < 2; w++) {
                before.speed(item);
                after.speed(item);
            }
            double[] ratios = new double[rounds], allocBefore = new double[rounds], allocAfter = new double[rounds];
            List<String> lines = new ArrayList<>();
            for (int k = 0; k < rounds; k++) {
                double b, a;
                if (k % 2 == 0) {
                    b = before.speed(item);
                    a = after.speed(item);
                } else {
                    a = after.speed(item);
                    b = before.speed(item);
                }
                ratios[k] = a / b;
                if (beforeConv != null) {
                    allocBefore[k] = bytesPerStep(beforeConv);
                    allocAfter[k] = bytesPerStep(afterConv);
                }
                lines.add(String.format(Locale.ROOT, unit.equals("it/s") ? "%.0f/%.0f" : "%.2f/%.2f", b, a));
            }
            double[] sorted = ratios.clone();
            Arrays.sort(sorted);
            String allocation = beforeConv == null ? "" : "; heap allocated per step before/after (median): "
                    + megabytes(median(allocBefore)) + "/" + megabytes(median(allocAfter)) + " MB";
            System.out.printf(Locale.ROOT, "%s %s: after/before %.3f (median of %d rounds, range %.3f-%.3f); %s before/after per round: %s%s; load %s%n",
                    what, item, median(ratios), rounds, sorted[0], sorted[rounds - 1], unit, String.join(" ", lines), allocation, loadAverage());
        }
    }

    /** The build's {@link UnitProbe#iterationsPerSecond} after {@link UnitProbe#open}, in a class loader of its own. */
    private static Method unitProbe(Path jar, URL probeDir) throws ReflectiveOperationException {
        Class<?> c = loader(jar, probeDir).loadClass(UnitProbe.class.getName());
        c.getMethod("open").invoke(null);
        return c.getMethod("iterationsPerSecond", int.class, int.class, int.class);
    }

    /** The build's {@link ConvStepProbe}, in a class loader of its own. */
    private static Class<?> convProbe(Path jar, URL probeDir) throws ReflectiveOperationException {
        return loader(jar, probeDir).loadClass(ConvStepProbe.class.getName());
    }

    /** {@link ConvStepProbe#lastBytesPerStep} of one build's probe, or NaN where its probe predates it. */
    private static double bytesPerStep(Class<?> probe) throws IllegalAccessException {
        try {
            return probe.getField("lastBytesPerStep").getDouble(null);
        } catch (NoSuchFieldException e) {
            return Double.NaN;
        }
    }

    private static String megabytes(double bytes) {
        return Double.isNaN(bytes) ? "n/a (its probe predates the count)" : String.format(Locale.ROOT, "%.2f", bytes / 1e6);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    @SuppressWarnings("resource") // the loader lives as long as the process
    private static ClassLoader loader(Path jar, URL probeDir) {
        try {
            return new URLClassLoader(new URL[] {jar.toUri().toURL(), probeDir}, ClassLoader.getPlatformClassLoader());
        } catch (IOException e) {
            throw new IllegalArgumentException(jar + ": " + e.getMessage(), e);
        }
    }

    private static String loadAverage() throws IOException {
        String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return f[0] + " " + f[1] + " " + f[2];
    }
}
