package dev.lottery.bench.cuda;

import dev.lottery.gpu.CudaAvailability;
import dev.lottery.gpu.CudaContext;
import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.backend.StepRecorder;
import dev.lottery.nn.backend.cpu.CpuBackend;
import dev.lottery.nn.backend.cuda.CudaBackend;
import dev.lottery.nn.data.DatasetName;
import dev.lottery.nn.data.augment.BatchAugmentation;
import dev.lottery.nn.init.Initializer;
import dev.lottery.nn.model.Mode;
import dev.lottery.nn.model.ModelSpec;
import dev.lottery.nn.model.Network;
import dev.lottery.nn.model.Parameter;
import dev.lottery.nn.model.Population;
import dev.lottery.nn.model.Preset;
import dev.lottery.nn.model.Presets;
import dev.lottery.nn.rng.KeyedRandom;
import dev.lottery.nn.tensor.Tensor;
import dev.lottery.nn.train.Sgd;
import dev.lottery.nn.train.Trainer;
import dev.lottery.nn.train.TrainingStep;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How much faster N networks train together than one: network-iterations per second (members x iterations / s) of a
 * population of N = 1, 2, 4, 8, 16, 32 members of lenet-300-100 and of conv2 on 28x28x1 input (as with
 * {@code --dataset mnist}), on the CUDA backend. An iteration is what the trainer runs: the trainer's step for every
 * member (batch gathered on the device from 60,000 resident random examples by the epoch's order, forward, softmax
 * cross-entropy, backward, masked SGD at the preset's batch size and rate) plus, every 100 iterations, an evaluation
 * of every member on a 10,000-example test set as the trainer does it (batches of 1,000, loss and accuracy sums kept on
 * the device, one readback). Half of every member's weights are masked, each member from its own initial draw.
 *
 * <p>Measured per (model, N) after a warm-up (a few steps, one of them recorded as a graph, and one evaluation), by
 * wall clock around the timed iterations with a device synchronization at both ends: once with every op launched
 * eagerly and once through the CUDA-graph recorder, which is the trainer's path for both models. A failed graph
 * capture is reported as {@code graph_error} instead of ending the run; a failure of one (model, N), e.g. memory,
 * prints an error line for it and the run goes on (exit status 1 at the end).
 *
 * <p>Prints one JSON line per (model, N) as soon as it is measured; without a GPU one JSON error line and exit 3; bad
 * arguments one JSON error line and exit 2. Arguments: {@code [--iterations T] [--models a,b] [--members 1,2,...]
 * [--cpu-dry-run]}. The dry run drives the same harness on the CPU backend at tiny sizes (64 training and 32 test
 * examples, batch 8, members 1 and 2 unless given) so the code path and the mask check can be tried without a GPU;
 * its rates say nothing about the GPU.
 */
public final class CudaPopulationBenchmark {
    static final List<String> MODELS = List.of("lenet-300-100", "conv2");
    static final List<Integer> MEMBERS = List.of(1, 2, 4, 8, 16, 32);
    static final double SPARSITY = 0.5;
    /** The examples every member reads: MNIST's shape. */
    static final DatasetName DATA = DatasetName.MNIST;
    private static final long SEED = 1;

    /**
     * The work measured: resident examples, the timed iterations and evaluations, the warm-up steps, and the batch
     * (0: the preset's).
     */
    record Sizes(int trainExamples, int testExamples, int evalBatch, int iterations, int evalEvery, int warmup, int batch) {
        Sizes {
            if (testExamples % evalBatch != 0) throw new IllegalArgumentException(testExamples + " test examples in batches of " + evalBatch);
        }

        static Sizes device(int iterations) {
            return new Sizes(60_000, 10_000, Trainer.EVAL_BATCH, iterations, 100, 10, 0);
        }

        static Sizes dryRun(int iterations) {
            return new Sizes(64, 32, 16, iterations, 2, 2, 8);
        }

        int batchFor(Preset preset) {
            return batch > 0 ? batch : preset.batchSize();
        }
    }

    /** What was asked on the command line. */
    record Options(int iterations, List<String> models, List<Integer> members, boolean dryRun) {
        static Options parse(String... args) {
            Integer iterations = null;
            List<String> models = MODELS;
            List<Integer> members = null;
            boolean dryRun = false;
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--cpu-dry-run" -> dryRun = true;
                    case "--iterations" -> iterations = positive(value(args, ++i, arg), arg);
                    case "--models" -> {
                        models = List.of(value(args, ++i, arg).split(","));
                        for (String m : models) {
                            if (!MODELS.contains(m)) throw new IllegalArgumentException("unknown model '" + m + "' (known: " + String.join(", ", MODELS) + ")");
                        }
                    }
                    case "--members" -> {
                        members = new ArrayList<>();
                        for (String n : value(args, ++i, arg).split(",")) members.add(positive(n, arg));
                    }
                    default -> throw new IllegalArgumentException("unknown argument '" + arg + "' (known: --iterations T, --models a,b, --members 1,2,..., --cpu-dry-run)");
                }
            }
            if (iterations == null) iterations = dryRun ? 3 : 300;
            if (members == null) members = dryRun ? List.of(1, 2) : MEMBERS;
            return new Options(iterations, models, List.copyOf(members), dryRun);
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) throw new IllegalArgumentException(option + " needs a value");
            return args[i];
        }

        private static int positive(String text, String option) {
            try {
                int v = Integer.parseInt(text.trim());
                if (v > 0) return v;
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException(option + " takes positive integers, got '" + text + "'");
        }

        Sizes sizes() {
            return dryRun ? Sizes.dryRun(iterations) : Sizes.device(iterations);
        }
    }

    /** One (model, N) measurement; a NaN rate is "not measured" and prints as JSON null. */
    record Result(String model, int members, String device, String input, int batch, Sizes sizes, long parametersPerMember,
                  double eagerRate, double graphRate, String graphError, boolean trainerRecords, boolean maskedWeightsZero) {
        String toJson() {
            return new JsonLine()
                    .text("benchmark", "population training with evaluation")
                    .text("model", model)
                    .number("members", members)
                    .text("device", device)
                    .text("precision", "fp32, no TF32")
                    .text("input", input)
                    .number("batch", batch)
                    .number("train_examples", sizes.trainExamples())
                    .number("test_examples", sizes.testExamples())
                    .number("iterations", sizes.iterations())
                    .number("eval_every", sizes.evalEvery())
                    .number("warmup", sizes.warmup())
                    .raw("sparsity", Double.toString(SPARSITY))
                    .number("parameters_per_member", parametersPerMember)
                    .rate("eager_network_iterations_per_s", eagerRate)
                    .rate("graph_network_iterations_per_s", graphRate)
                    .textIfPresent("graph_error", graphError)
                    .text("trainer_path", trainerRecords ? "graph" : "eager")
                    .raw("masked_weights_zero", Boolean.toString(maskedWeightsZero))
                    .toString();
        }
    }

    private CudaPopulationBenchmark() {}

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.out.println(new JsonLine().text("error", e.getMessage()));
            System.exit(2);
            return;
        }
        if (options.dryRun()) {
            try (CpuBackend cpu = new CpuBackend()) {
                if (!run(cpu, () -> {}, options, System.out)) System.exit(1);
            }
            return;
        }
        CudaAvailability cuda = CudaContext.isAvailable();
        if (!cuda.usable()) {
            System.out.println(new JsonLine().text("error", "no CUDA GPU: " + cuda.reason()));
            System.exit(3);
        }
        try (CudaBackend gpu = CudaBackend.open(0)) {
            if (!run(gpu, gpu::synchronize, options, System.out)) System.exit(1);
        }
    }

    /**
     * Measures every (model, N) asked for on {@code backend} ({@code synchronize} waits for its queued work), one JSON
     * line each, printed as soon as measured; returns whether all were measured.
     */
    static boolean run(Backend backend, Runnable synchronize, Options options, PrintStream out) {
        boolean ok = true;
        for (String model : options.models()) {
            for (int members : options.members()) {
                try {
                    out.println(measure(backend, synchronize, Presets.get(model), members, options.sizes()).toJson());
                } catch (RuntimeException e) {
                    ok = false;
                    synchronize.run();
                    out.println(new JsonLine().text("model", model).number("members", members).text("error", e.toString()));
                }
                out.flush();
            }
        }
        return ok;
    }

    static Result measure(Backend backend, Runnable synchronize, Preset preset, int members, Sizes sizes) {
        ModelSpec model = preset.modelFor(DATA);
        int features = model.inputFeatures(), batch = sizes.batchFor(preset);
        try (Tensor images = backend.zeros("bench.train.images", sizes.trainExamples(), features);
             Tensor labels = backend.upload("bench.train.labels", labels(sizes.trainExamples()), sizes.trainExamples());
             Tensor testImages = backend.zeros("bench.test.images", sizes.testExamples(), features);
             Tensor testLabels = backend.upload("bench.test.labels", labels(sizes.testExamples()), sizes.testExamples());
             Population population = Population.create(model, backend, members, SEED);
             Sgd sgd = new Sgd(preset.optimizer(), population);
             Harness h = new Harness(backend, synchronize, population, sgd, preset, sizes, batch, images, labels, testImages, testLabels)) {
            // Random pixels drawn where they live, so no large upload: the work does not depend on the values.
            backend.fillRandom(images, new Initializer.Normal(1.0), features, features, new KeyedRandom(SEED, "bench", "train"));
            backend.fillRandom(testImages, new Initializer.Normal(1.0), features, features, new KeyedRandom(SEED, "bench", "test"));
            for (int m = 0; m < members; m++) {
                Network member = population.member(m);
                member.initialize(SEED, "member-" + m);
                for (Parameter p : member.prunable()) {
                    backend.pruneSmallestMagnitude(p.value(), p.mask(), Math.round(p.size() * SPARSITY));
                    backend.applyMask(p.value(), p.mask());
                }
            }
            double eager = h.networkIterationsPerSecond(StepRecorder.direct(backend));
            double graph = Double.NaN;
            String graphError = null;
            try {
                graph = h.networkIterationsPerSecond(backend.stepRecorder());
            } catch (RuntimeException e) {
                graphError = e.toString();
                synchronize.run();
            }
            long violations = 0, parameters = 0;
            for (Parameter p : population.parameters()) {
                parameters += p.size() / members;
                if (p.mask() != null) violations += backend.countMaskViolations(p.value(), p.mask());
            }
            String input = model.input().isFlat() ? Integer.toString(features)
                    : model.input().channels() + "x" + model.input().height() + "x" + model.input().width();
            return new Result(preset.name(), members, backend.description(), input, batch, sizes, parameters, eager, graph, graphError,
                    TrainingStep.replayable(model, BatchAugmentation.NONE), violations == 0);
        }
    }

    private static float[] labels(int count) {
        float[] classes = new float[count];
        for (int i = 0; i < count; i++) classes[i] = i % 10;
        return classes;
    }

    /** The trainer's iterations and evaluations of one population, timed; owns the batch and evaluation buffers. */
    private static final class Harness implements AutoCloseable {
        private final Backend backend;
        private final Runnable synchronize;
        private final Population population;
        private final Sgd sgd;
        private final Preset preset;
        private final Sizes sizes;
        private final Tensor images, labels, testImages, testLabels;
        private final Tensor x, y;          // the training batch [batch, features], [batch]
        private final Tensor evalX, evalY;  // one evaluation batch
        private final Tensor stats;         // [members, 2]: summed loss, correct predictions
        private final int[] testOrder;

        Harness(Backend backend, Runnable synchronize, Population population, Sgd sgd, Preset preset, Sizes sizes, int batch, Tensor images,
                Tensor labels, Tensor testImages, Tensor testLabels) {
            this.backend = backend;
            this.synchronize = synchronize;
            this.population = population;
            this.sgd = sgd;
            this.preset = preset;
            this.sizes = sizes;
            this.images = images;
            this.labels = labels;
            this.testImages = testImages;
            this.testLabels = testLabels;
            int features = images.dim(1);
            x = backend.zeros("batch.x", batch, features);
            y = backend.zeros("batch.y", batch);
            evalX = backend.zeros("eval.x", sizes.evalBatch(), features);
            evalY = backend.zeros("eval.y", sizes.evalBatch());
            stats = backend.zeros("eval.stats", population.members(), 2);
            testOrder = new int[sizes.testExamples()];
            Arrays.setAll(testOrder, i -> i);
        }

        /** Members x timed iterations per second, evaluations included; closes {@code steps}. */
        double networkIterationsPerSecond(StepRecorder steps) {
            TrainingStep step = new TrainingStep(population, sgd, steps, BatchAugmentation.NONE, null, SEED);
            try (steps) {
                evaluate(); // its buffers and convolution plans are made before the timing
                TrainerIterations loop = new TrainerIterations(step, steps, preset.optimizer().learningRate(), images, labels, x, y, SEED);
                double seconds = loop.seconds(sizes.warmup(), sizes.iterations(), synchronize, k -> {
                    if ((k + 1) % sizes.evalEvery() == 0) evaluate();
                });
                return (double) population.members() * sizes.iterations() / seconds;
            }
        }

        /** Every member's loss and accuracy over the test set, as the trainer evaluates (the readback waits for the device). */
        void evaluate() {
            stats.copyFrom(new float[2 * population.members()]);
            for (int from = 0; from < testOrder.length; from += sizes.evalBatch()) {
                backend.gatherRows(testImages, testOrder, from, sizes.evalBatch(), evalX);
                backend.gather(testLabels, testOrder, from, sizes.evalBatch(), evalY);
                backend.softmaxCrossEntropy(population.forward(evalX, Mode.EVALUATION), population.members(), evalY, null, stats);
            }
            stats.toArray();
        }

        @Override
        public void close() {
            for (Tensor t : new Tensor[] {x, y, evalX, evalY, stats}) t.close();
        }
    }
}
