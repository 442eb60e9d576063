package dev.lottery.bench.population;

import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.backend.cpu.CpuBackend;
import dev.lottery.nn.data.DataSets;
import dev.lottery.nn.data.DataSplit;
import dev.lottery.nn.data.Dataset;
import dev.lottery.nn.data.DatasetName;
import dev.lottery.nn.model.ImageShape;
import dev.lottery.nn.model.Parameter;
import dev.lottery.nn.model.Population;
import dev.lottery.nn.model.Preset;
import dev.lottery.nn.model.Presets;
import dev.lottery.nn.rng.KeyedRandom;
import dev.lottery.nn.train.Normalization;
import dev.lottery.nn.train.ResidentData;
import dev.lottery.nn.train.Trainer;
import dev.lottery.nn.train.TrainingListener;
import dev.lottery.nn.train.TrainingResult;
import dev.lottery.nn.train.TrainingSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a sweep's throughput is made of: a population of {@code members} networks trained for {@link #ITERATIONS}
 * iterations with an evaluation on a 10,000-example test set every 100 (as a lottery unit trains: 50,000 iterations
 * with 501 evaluations), through the real {@link Trainer} on the CPU backend. One operation is one such run; the
 * network-iterations per second are {@code ops/s * ITERATIONS * members} ({@code scripts/bench-population.sh}
 * prints them with the speed-up over one member). Members are masked at different densities (90 % down to about
 * 10 % of the weights), as the units of a sweep are. By default the data are random pixels: no pixel is a background
 * value, so the first layer's evaluation runs as a plain product (on MNIST it reads only the pixels where a block of
 * test images departs from the background, about 40 % of them), which makes an evaluation dearer than in an
 * experiment; {@code -p data=mnist} trains on MNIST from the data cache (fetched on first use) instead.
 *
 * <p>{@code -p concurrency=auto} trains the members as {@code experiment run} does by default on the CPU: one lane per
 * CPU thread, each a backend of one thread, all at the same time; a lane that is idle takes the next member not yet
 * trained in this operation and trains it as a population of one (every lane holds a copy of every member, so any lane
 * can take any member); an operation ends when the last lane is done. {@code -p concurrency=alone} trains the same
 * members one after another, each alone on every thread (as {@code --population 1 --concurrency 1} trains units): the
 * baseline that says what populations and lanes gain for the same members, whose densities differ.
 *
 * <p>{@code -p concurrency=lane} trains them one after another on a single thread, as one lane does. T lanes train at
 * most T times as many network-iterations per second as one lane, so {@code T * lane / alone} bounds what lanes can
 * gain over the members alone: T divided by what a member gains from the other T - 1 threads.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class PopulationBenchmark {
    /** Training iterations per operation (evaluations at 0, 100, ..., ITERATIONS). */
    public static final int ITERATIONS = 500;
    static final int TRAIN_EXAMPLES = 6_000, TEST_EXAMPLES = 10_000;

    @Param({"lenet-300-100", "conv2"})
    public String model;

    @Param({"1", "2", "4", "6", "8", "16", "32"})
    public int members;

    /**
     * {@code shared}: every member reads one mini-batch per step (units of one trial); {@code own}: each member has
     * its own seed and reads its own batch (units of different trials), so the first layer is one product per member
     * instead of one wide product. {@code -p batches=shared,own} compares them.
     */
    @Param({"shared"})
    public String batches;

    /**
     * {@code 1}: one population of all members on every thread; {@code auto}: one lane per CPU thread (at most one per
     * member), side by side, each training its members one at a time on one thread; {@code alone}: each member alone
     * on every thread, one after another; {@code lane}: each member alone on one thread, one after another.
     */
    @Param({"1"})
    public String concurrency;

    /** {@code random}: random pixels, 6,000 training and 10,000 test examples; {@code mnist}: MNIST, standardized. */
    @Param({"random"})
    public String data;

    private Backend backend;
    private ResidentData resident;
    /** The backends that train populations of one: a backend of one thread per lane, or the backend of every thread alone. */
    private final List<Backend> lanes = new ArrayList<>();
    /** The populations: one of all members, or on each lane one per member ({@code populations.get(lane * members + m)}). */
    private final List<Population> populations = new ArrayList<>();
    private Preset preset;

    @Setup
    public void setUp() {
        backend = new CpuBackend();
        preset = Presets.get(model);
        var spec = preset.modelFor(DatasetName.MNIST);
        resident = data.equals("mnist")
                ? ResidentData.upload(backend, DataSets.load(DatasetName.MNIST, DataSets.defaultCacheDir(), 0, 1), Normalization.standard(DatasetName.MNIST))
                : ResidentData.upload(backend, new DataSplit(randomImages("train", TRAIN_EXAMPLES, spec.input()), null,
                        randomImages("test", TEST_EXAMPLES, spec.input())));
        switch (concurrency) {
            case "1" -> {
                Population population = Population.create(spec, backend, members, 1);
                populations.add(population);
                for (int m = 0; m < members; m++) mask(population, m, m);
            }
            case "auto", "alone", "lane" -> {
                int count = concurrency.equals("auto") ? Math.min(members, CpuBackend.defaultThreads()) : 1;
                for (int p = 0; p < count; p++) {
                    Backend lane = concurrency.equals("alone") ? backend : new CpuBackend(1, true);
                    if (lane != backend) resident.shareWith(lane);
                    lanes.add(lane);
                    for (int m = 0; m < members; m++) {
                        Population alone = Population.create(spec, lane, 1, 1);
                        populations.add(alone);
                        mask(alone, 0, m);
                    }
                }
            }
            default -> throw new IllegalArgumentException("concurrency is 1, auto, alone or lane, not " + concurrency);
        }
    }

    /** Masks {@code population}'s member {@code index} as benchmark member {@code m} (90 % kept for m = 0, 10 % for the last). */
    private void mask(Population population, int index, int m) {
        double keep = 0.9 - 0.8 * m / Math.max(1, members - 1);
        for (Parameter p : population.member(index).prunable()) {
            KeyedRandom r = new KeyedRandom(m, p.name(), "bench-mask");
            float[] mask = new float[Math.toIntExact(p.size())];
            for (int i = 0; i < mask.length; i++) mask[i] = r.uniform(i) < keep ? 1f : 0f;
            p.mask().copyFrom(mask);
            population.backend().applyMask(p.value(), p.mask());
        }
    }

    private static Dataset randomImages(String name, int count, ImageShape shape) {
        KeyedRandom r = new KeyedRandom(7, "bench", name);
        float[] pixels = new float[count * shape.features()];
        byte[] labels = new byte[count];
        for (int i = 0; i < pixels.length; i++) pixels[i] = (float) r.uniform(i);
        for (int i = 0; i < count; i++) labels[i] = (byte) (i % 10);
        return new Dataset(name, pixels, labels, count, shape.channels(), shape.height(), shape.width(), 10);
    }

    @Benchmark
    public List<TrainingResult> run() throws InterruptedException {
        if (concurrency.equals("1")) return train(populations.getFirst(), 0);
        if (concurrency.equals("alone") || concurrency.equals("lane")) {
            List<TrainingResult> results = new ArrayList<>();
            for (int m = 0; m < members; m++) results.addAll(train(populations.get(m), m));
            return results;
        }
        List<TrainingResult> results = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger next = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int lane = 0; lane < lanes.size(); lane++) {
            int first = lane * members;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int m = next.getAndIncrement(); m < members; m = next.getAndIncrement()) {
                    results.addAll(train(populations.get(first + m), m));
                }
            }));
        }
        for (Thread t : threads) t.join();
        return results;
    }

    /** Trains {@code population}, whose first member is member {@code first} of the benchmark. */
    private List<TrainingResult> train(Population population, int first) {
        TrainingSpec spec = new TrainingSpec(preset.optimizer(), preset.batchSize(), ITERATIONS, 100, 0);
        int n = population.members();
        List<Long> seeds = LongStream.range(first, first + n).map(m -> batches.equals("own") ? m + 1 : 1).boxed().toList();
        return Trainer.train(population, resident, spec, seeds, Collections.nCopies(n, TrainingListener.NONE), Collections.nCopies(n, null));
    }

    @TearDown
    public void tearDown() {
        populations.forEach(Population::close);
        resident.close();
        backend.close();
        lanes.stream().filter(lane -> lane != backend).forEach(Backend::close);
    }
}
