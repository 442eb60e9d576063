package dev.lottery.bench.cpu;

import dev.lottery.experiment.ExperimentPresets;
import dev.lottery.experiment.ExperimentSpec;
import dev.lottery.experiment.PruningMode;
import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.backend.cpu.CpuBackend;
import dev.lottery.nn.data.DataSets;
import dev.lottery.nn.data.DataSplit;
import dev.lottery.nn.model.Network;
import dev.lottery.nn.model.Parameter;
import dev.lottery.nn.train.EvalPoint;
import dev.lottery.nn.train.ResidentData;
import dev.lottery.nn.train.Trainer;
import dev.lottery.nn.train.TrainingListener;
import dev.lottery.nn.train.TrainingSpec;
import dev.lottery.prune.PruningStrategy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Projects the wall time of a whole lottery experiment (by default the paper's Figure 3, {@code lenet-fig3}) on this
 * machine's CPU from a fixed sample of its units, for the CPU backend as it is and with every masked product forced
 * dense (the kernels before masked products existed), in one run.
 *
 * <p><b>The sample.</b> The dense unit (level 0), and the ticket of each pruning mode at six levels from 51 % of the
 * weights kept down to 1.8 % (lenet's levels 3, 5, 7, 9, 13 and 18: on both sides of every kernel crossover, since a
 * unit's speed is not linear in its density between them), each trained for a few thousand iterations with the
 * experiment's batch size, optimizer and evaluation
 * interval, from θ0 with the unit's mask. The masks are the experiment's own pruning (layer-wise magnitude at its
 * rates), made beforehand from short trainings that are not timed: one-shot prunes a trained dense network straight
 * to the level, iterative prunes one level at a time, training between levels. Both backends time the same masks,
 * one after the other unit by unit, so machine load hits both alike.
 *
 * <p><b>Side by side.</b> {@code experiment run} trains populations side by side on the CPU, one per thread, each on a
 * backend of one thread ({@code --concurrency auto}). Each sample is therefore also timed that way: {@code --lanes N}
 * copies of the unit (default: one per thread) train at the same time, each on a one-thread backend, and a unit's time
 * is its lane's time divided by the lanes. One unit at a time on all threads is timed too, as {@code --concurrency 1}
 * runs it.
 *
 * <p><b>The projection.</b> A unit's time per iteration (evaluations included, at the experiment's ratio) is
 * interpolated linearly in the fraction of weights kept between the sampled levels of its mode (and the dense unit
 * at 100 %); the controls (random reinitialization, rearrangement) keep the ticket's counts and cost what it costs.
 * The figure is then trials x (dense unit + modes x arms x every level) x iterations per unit.
 */
public final class SweepBenchmark {
    private record Sample(PruningMode mode, int level) {
        String label() {
            return mode == null ? "dense" : mode.cliName() + " level " + level;
        }
    }

    /**
     * Seconds per iteration of one sample, and its fraction of weights kept: one unit at a time on all threads, and per
     * lane with the lanes training side by side; with the CPU backend as it is, and with masked products forced dense.
     */
    private record Timing(Sample sample, double kept, double alone, double denseAlone, double lanes, double denseLanes) {}

    /** Which of a timing's four figures a projection uses. */
    private enum Way {
        ALONE, DENSE_ALONE, LANES, DENSE_LANES;

        double of(Timing t) {
            return switch (this) {
                case ALONE -> t.alone();
                case DENSE_ALONE -> t.denseAlone();
                case LANES -> t.lanes();
                case DENSE_LANES -> t.denseLanes();
            };
        }
    }

    private SweepBenchmark() {}

    public static void main(String[] args) throws IOException {
        Map<String, String> opts = options(args);
        ExperimentSpec spec = ExperimentPresets.get(opts.getOrDefault("experiment", "lenet-fig3"));
        int iterations = Integer.parseInt(opts.getOrDefault("iterations", "2000"));
        int prep = Integer.parseInt(opts.getOrDefault("prep", "500"));
        int[] levels = List.of(opts.getOrDefault("levels", "3,5,7,9,13,18").split(",")).stream().mapToInt(Integer::parseInt).toArray();
        long seed = spec.trialSeed(0);
        PruningStrategy strategy = spec.strategy();
        TrainingSpec full = spec.training();
        TrainingSpec timed = new TrainingSpec(full.optimizer(), full.batchSize(), iterations, full.evalEvery(), full.validationSize(), full.augmentation());
        TrainingSpec short_ = new TrainingSpec(full.optimizer(), full.batchSize(), prep, prep, full.validationSize(), full.augmentation());

        System.out.printf(Locale.ROOT, "%s: %d trials x (dense + %s x %s x %d levels), %,d iterations per unit, evaluation every %d%n",
                spec.name(), spec.trials(), spec.modes(), spec.arms(), spec.levels(), full.iterations(), full.evalEvery());
        System.out.println("load before: " + loadAverage());
        DataSplit split = spec.dataset().load(DataSets.defaultCacheDir(), full.validationSize(), spec.seed());
        int laneCount = Integer.parseInt(opts.getOrDefault("lanes", Integer.toString(CpuBackend.defaultThreads())));
        List<CpuBackend> lanes = new ArrayList<>(), denseLanes = new ArrayList<>();
        try (CpuBackend sparse = new CpuBackend(true); CpuBackend dense = new CpuBackend(false);
             ResidentData data = ResidentData.upload(sparse, split, spec.normalization())) {
            for (int i = 0; i < laneCount; i++) {
                lanes.add(new CpuBackend(1, true));
                denseLanes.add(new CpuBackend(1, false));
            }
            for (Backend b : lanes) data.shareWith(b);
            System.out.println("backend: " + sparse.description() + "; baseline: " + dense.description() + "; side by side: " + laneCount
                    + " x " + lanes.getFirst().description());
            Map<Sample, List<float[]>> masks = masks(spec, strategy, sparse, data, short_, seed, levels);
            // Warm-up (untimed): the JIT compiles both backends' kernels before anything is timed.
            for (Backend b : List.of(sparse, dense)) {
                for (Sample s : List.of(new Sample(null, 0), new Sample(spec.modes().getFirst(), levels[levels.length - 1]))) {
                    secondsPerIteration(spec, b, data, masks.get(s), shortRun(timed, Math.min(300, iterations)), seed);
                }
            }
            List<Timing> timings = new ArrayList<>();
            for (Map.Entry<Sample, List<float[]>> e : masks.entrySet()) {
                double s = secondsPerIteration(spec, sparse, data, e.getValue(), timed, seed);
                double d = secondsPerIteration(spec, dense, data, e.getValue(), timed, seed);
                double sl = sideBySide(spec, lanes, data, e.getValue(), timed, seed);
                double dl = sideBySide(spec, denseLanes, data, e.getValue(), timed, seed);
                Timing t = new Timing(e.getKey(), kept(spec, e.getKey().level()), s, d, sl, dl);
                timings.add(t);
                System.out.printf(Locale.ROOT, "%-22s keeps %6.2f %%: one at a time %7.1f it/s (dense products %7.1f); %d side by side %7.1f it/s each"
                                + " (dense products %7.1f), together %5.2fx one at a time   (load %s)%n",
                        e.getKey().label(), 100 * t.kept(), 1 / s, 1 / d, laneCount, 1 / sl, 1 / dl, s * laneCount / sl, loadAverage());
            }
            double projected = project(spec, timings, Way.LANES) / laneCount, before = project(spec, timings, Way.DENSE_LANES) / laneCount;
            double alone = project(spec, timings, Way.ALONE), aloneDense = project(spec, timings, Way.DENSE_ALONE);
            System.out.printf(Locale.ROOT, "%nprojected %s on this machine, %d populations side by side (experiment run's default): %.2f h "
                            + "(masked products dense: %.2f h), %.2fx faster%n", spec.name(), laneCount, projected / 3600, before / 3600, before / projected);
            System.out.printf(Locale.ROOT, "one unit at a time on all threads (--concurrency 1): %.2f h (masked products dense: %.2f h)%n",
                    alone / 3600, aloneDense / 3600);
            System.out.println("load after: " + loadAverage());
            if (opts.containsKey("json")) writeJson(Path.of(opts.get("json")), spec, iterations, laneCount, timings, projected, before, alone, aloneDense);
        } finally {
            lanes.forEach(CpuBackend::close);
            denseLanes.forEach(CpuBackend::close);
        }
    }

    /**
     * Seconds per iteration of each of {@code lanes.size()} copies of a unit training at the same time, one per backend
     * on threads of its own (the mean over the lanes).
     */
    private static double sideBySide(ExperimentSpec spec, List<CpuBackend> lanes, ResidentData data, List<float[]> masks, TrainingSpec run,
                                     long seed) {
        double[] seconds = new double[lanes.size()];
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < lanes.size(); i++) {
            int lane = i;
            threads.add(Thread.ofPlatform().name("lane-" + i).start(() -> seconds[lane] = secondsPerIteration(spec, lanes.get(lane), data, masks, run, seed)));
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return Arrays.stream(seconds).average().orElseThrow();
    }

    /** {@code --key value} pairs. */
    private static Map<String, String> options(String[] args) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 == args.length) {
                throw new IllegalArgumentException("usage: [--experiment NAME] [--iterations N] [--prep N] [--levels L1,L2,...] [--lanes N] [--json FILE]");
            }
            out.put(args[i].substring(2), args[++i]);
        }
        return out;
    }

    private static TrainingSpec shortRun(TrainingSpec spec, int iterations) {
        return new TrainingSpec(spec.optimizer(), spec.batchSize(), iterations, spec.evalEvery(), spec.validationSize(), spec.augmentation());
    }

    /**
     * Every sample's masks, one array per prunable parameter: the dense unit's (all kept), one-shot (a trained dense
     * network pruned straight to the level) and iterative (one level at a time, training {@code prep} iterations from
     * θ0 between levels), as the experiment's strategy prunes.
     */
    private static Map<Sample, List<float[]>> masks(ExperimentSpec spec, PruningStrategy strategy, Backend backend, ResidentData data,
                                                    TrainingSpec prep, long seed, int[] levels) {
        Map<Sample, List<float[]>> out = new LinkedHashMap<>();
        try (Network net = Network.create(spec.model(), backend, seed)) {
            out.put(new Sample(null, 0), masksOf(net));
            List<float[]> theta0 = net.parameters().stream().map(p -> p.value().toArray()).toList();
            Trainer.train(net, data, prep, seed, TrainingListener.NONE);
            List<float[]> trained = net.parameters().stream().map(p -> p.value().toArray()).toList();
            int deepest = 0;
            for (int l : levels) deepest = Math.max(deepest, l);
            if (spec.modes().contains(PruningMode.ONESHOT)) {
                for (int level : levels) {
                    strategy.pruneTo(net, level);
                    out.put(new Sample(PruningMode.ONESHOT, level), masksOf(net));
                    for (Parameter p : net.prunable()) p.mask().copyFrom(ones(p.size()));
                    restore(net, trained);
                }
            }
            if (spec.modes().contains(PruningMode.ITERATIVE)) {
                for (int level = 1; level <= deepest; level++) {
                    strategy.pruneStep(net);
                    for (int l : levels) if (l == level) out.put(new Sample(PruningMode.ITERATIVE, level), masksOf(net));
                    restore(net, theta0);
                    if (level < deepest) Trainer.train(net, data, prep, seed, TrainingListener.NONE);
                }
            }
        }
        return out;
    }

    private static List<float[]> masksOf(Network net) {
        return net.prunable().stream().map(p -> p.mask().toArray()).toList();
    }

    private static float[] ones(long n) {
        float[] v = new float[Math.toIntExact(n)];
        Arrays.fill(v, 1f);
        return v;
    }

    /** Sets every parameter's values (masked weights zeroed). */
    private static void restore(Network net, List<float[]> values) {
        List<Parameter> ps = net.parameters();
        for (int i = 0; i < ps.size(); i++) {
            ps.get(i).value().copyFrom(values.get(i));
            if (ps.get(i).mask() != null) net.backend().applyMask(ps.get(i).value(), ps.get(i).mask());
        }
    }

    /**
     * Trains a unit from θ0 with {@code masks} and returns seconds per iteration from the end of the first evaluation to
     * the end of the run: iterations with their share of evaluations, as a long run has them.
     */
    private static double secondsPerIteration(ExperimentSpec spec, Backend backend, ResidentData data, List<float[]> masks,
                                              TrainingSpec run, long seed) {
        try (Network net = Network.create(spec.model(), backend, seed)) {
            List<Parameter> prunable = net.prunable();
            for (int i = 0; i < prunable.size(); i++) {
                prunable.get(i).mask().copyFrom(masks.get(i));
                backend.applyMask(prunable.get(i).value(), prunable.get(i).mask());
            }
            long[] started = {0};
            TrainingListener clock = new TrainingListener() {
                @Override
                public void onEvaluation(EvalPoint point, long total) {
                    if (point.iteration() == 0) started[0] = System.nanoTime();
                }
            };
            Trainer.train(net, data, run, seed, clock);
            return (System.nanoTime() - started[0]) / 1e9 / run.iterations();
        }
    }

    /** The fraction of all prunable weights {@code level} steps of the experiment's strategy keep. */
    private static double kept(ExperimentSpec spec, int level) {
        long total = 0, kept = 0;
        for (long[] sizeAndRate : prunableSizes(spec)) {
            double rate = Double.longBitsToDouble(sizeAndRate[1]);
            total += sizeAndRate[0];
            kept += PruningStrategy.remainingAfter(sizeAndRate[0], rate, level);
        }
        return (double) kept / total;
    }

    private static final Map<String, List<long[]>> SIZES = new LinkedHashMap<>();

    /** Each prunable parameter's size and its pruning rate (as double bits), from a network built once. */
    private static List<long[]> prunableSizes(ExperimentSpec spec) {
        return SIZES.computeIfAbsent(spec.name(), n -> {
            List<long[]> out = new ArrayList<>();
            try (Backend b = new CpuBackend(); Network net = Network.create(spec.model(), b, 0)) {
                for (Parameter p : net.prunable()) {
                    double rate = spec.strategy() instanceof PruningStrategy.LayerwiseMagnitude l ? l.rateFor(p.kind())
                            : ((PruningStrategy.GlobalMagnitude) spec.strategy()).rate();
                    out.add(new long[] {p.size(), Double.doubleToLongBits(rate)});
                }
            }
            return out;
        });
    }

    /**
     * The whole experiment's seconds: trials x (dense unit + every mode's levels x arms), each unit's seconds per
     * iteration interpolated in the fraction kept between its mode's samples.
     */
    private static double project(ExperimentSpec spec, List<Timing> timings, Way way) {
        double denseUnit = timings.stream().filter(t -> t.sample().mode() == null).findFirst().map(way::of).orElseThrow();
        double perTrial = denseUnit;
        for (PruningMode mode : spec.modes()) {
            TreeMap<Double, Double> curve = new TreeMap<>();
            curve.put(1.0, denseUnit);
            for (Timing t : timings) if (t.sample().mode() == mode) curve.put(t.kept(), way.of(t));
            for (int level = 1; level <= spec.levels(); level++) perTrial += spec.arms().size() * interpolate(curve, kept(spec, level));
        }
        return spec.trials() * perTrial * spec.training().iterations();
    }

    private static double interpolate(TreeMap<Double, Double> curve, double x) {
        Map.Entry<Double, Double> lo = curve.floorEntry(x), hi = curve.ceilingEntry(x);
        if (lo == null) return hi.getValue();
        if (hi == null || hi.getKey().equals(lo.getKey())) return lo.getValue();
        double f = (x - lo.getKey()) / (hi.getKey() - lo.getKey());
        return lo.getValue() + f * (hi.getValue() - lo.getValue());
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2] + " on " + Runtime.getRuntime().availableProcessors() + " cores";
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void writeJson(Path file, ExperimentSpec spec, int iterations, int lanes, List<Timing> timings, double projected, double before,
                                  double alone, double aloneDense) throws IOException {
        StringBuilder sb = new StringBuilder("{\n");
        sb.append(String.format(Locale.ROOT, "  \"experiment\": \"%s\",\n  \"iterations_per_sample\": %d,\n  \"lanes\": %d,\n", spec.name(), iterations, lanes));
        sb.append("  \"samples\": [\n");
        for (int i = 0; i < timings.size(); i++) {
            Timing t = timings.get(i);
            sb.append(String.format(Locale.ROOT, "    {\"unit\": \"%s\", \"kept\": %.5f, \"iterations_per_s\": %.2f, \"dense_products_iterations_per_s\": %.2f, "
                            + "\"per_lane_iterations_per_s\": %.2f, \"dense_products_per_lane_iterations_per_s\": %.2f}%s\n",
                    t.sample().label(), t.kept(), 1 / t.alone(), 1 / t.denseAlone(), 1 / t.lanes(), 1 / t.denseLanes(), i + 1 < timings.size() ? "," : ""));
        }
        sb.append(String.format(Locale.ROOT, "  ],\n  \"projected_hours\": %.3f,\n  \"dense_products_projected_hours\": %.3f,\n  \"speedup\": %.3f,\n"
                        + "  \"one_at_a_time_projected_hours\": %.3f,\n  \"one_at_a_time_dense_products_projected_hours\": %.3f,\n  \"load\": \"%s\"\n}\n",
                projected / 3600, before / 3600, before / projected, alone / 3600, aloneDense / 3600, loadAverage()));
        Files.writeString(file, sb.toString());
    }
}
