package dev.lottery.bench.cuda;

import dev.lottery.gpu.CudaAvailability;
import dev.lottery.gpu.CudaContext;
import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.backend.StepRecorder;
import dev.lottery.nn.backend.cpu.CpuBackend;
import dev.lottery.nn.backend.cuda.CudaBackend;
import dev.lottery.nn.data.augment.BatchAugmentation;
import dev.lottery.nn.init.Initializer;
import dev.lottery.nn.model.Population;
import dev.lottery.nn.model.Parameter;
import dev.lottery.nn.model.Preset;
import dev.lottery.nn.model.Presets;
import dev.lottery.nn.rng.KeyedRandom;
import dev.lottery.nn.tensor.Tensor;
import dev.lottery.nn.train.Sgd;
import dev.lottery.nn.train.Trainer;
import dev.lottery.nn.train.TrainingStep;
import java.util.ArrayList;
import java.util.List;

/**
 * Our CUDA training step for the convolutional presets, the counterpart of {@code bench/python/conv_step_torch.py}:
 * conv4 (batch 50, SGD 0.003) and resnet20 (batch 128, SGD 0.1 with momentum 0.9 and weight decay 1e-4)
 * on CIFAR-10-shaped input (3x32x32), half of every prunable tensor masked by magnitude. One step is what
 * {@link Trainer} runs per iteration: the batch gathered on the device from a resident set of 45,000 random
 * examples (CIFAR-10's training part after the 5,000 held out for validation) by the epoch's order, a
 * training-mode forward pass (batch statistics, running averages updated), softmax cross-entropy and its gradient,
 * backward, and the preset's SGD step (masked weights kept at zero).
 *
 * <p>Measured per model, each by wall clock around {@code steps} iterations with a device synchronization at both
 * ends after a warm-up: every op launched eagerly; through the CUDA-graph recorder; and, for presets that augment
 * (resnet20: flips and 4-pixel translations), eagerly with the augmentation, because the trainer never records
 * augmented steps (their draws change every iteration). {@code trainer_path} names the variant the trainer really
 * runs for the preset and {@code trainer_steps_per_s} repeats its number. A failed graph capture (cuDNN inside
 * stream capture is unproven) is reported in the JSON as {@code graph_error} instead of ending the run.
 *
 * <p>Prints one JSON line per model; without a GPU one JSON error line and exit 3; bad arguments exit 2.
 * Arguments: {@code [steps (default 300)] [conv4|resnet20|all] [--cpu-dry-run]}. The dry run drives the same
 * harness on the CPU backend (1,000 resident examples, one warm-up step; its recorder is the direct one) so the
 * code path, the parameter counts and the mask check can be tried on a machine without a GPU; its rates say
 * nothing about the GPU.
 */
public final class CudaConvStepBenchmark {
    /** The presets measured, in order; each at its own (the paper's) batch size and optimizer. */
    static final List<String> MODELS = List.of("conv4", "resnet20");
    /** CIFAR-10's 50,000 training images less the 5,000 validation ones: the trainer's epoch length. */
    static final int RESIDENT_EXAMPLES = 45_000;
    private static final int DRY_RUN_EXAMPLES = 1_000;
    static final double SPARSITY = 0.5;
    private static final long SEED = 1;

    private CudaConvStepBenchmark() {}

    /** One model's measurements; a NaN rate means "not measured" and prints as JSON null. */
    record ConvStepResult(String model, String device, int residentExamples, int batch, String optimizer, String augmentation, int steps, int warmup,
                          long prunableWeights, long otherParameters, double eagerStepsPerS, double graphStepsPerS,
                          String graphError, double augmentedEagerStepsPerS, boolean trainerRecords, boolean maskedWeightsZero) {
        String trainerPath() {
            if (trainerRecords) return "graph";
            return "eager (" + (augmentation.equals("none") ? "dropout" : "augmented") + " steps are not graph-recorded)";
        }

        double trainerStepsPerS() {
            return trainerRecords ? graphStepsPerS : augmentation.equals("none") ? eagerStepsPerS : augmentedEagerStepsPerS;
        }

        String toJson() {
            return new JsonLine()
                    .text("benchmark", model + " masked training step")
                    .text("model", model)
                    .text("device", device)
                    .text("precision", "fp32, no TF32")
                    .number("batch", batch)
                    .text("input", "3x32x32")
                    .number("resident_examples", residentExamples)
                    .raw("sparsity", Double.toString(SPARSITY))
                    .text("optimizer", optimizer)
                    .text("augmentation", augmentation)
                    .number("steps", steps)
                    .number("warmup", warmup)
                    .number("prunable_weights", prunableWeights)
                    .number("other_parameters", otherParameters)
                    .rate("eager_steps_per_s", eagerStepsPerS)
                    .rate("graph_steps_per_s", graphStepsPerS)
                    .textIfPresent("graph_error", graphError)
                    .rate("augmented_eager_steps_per_s", augmentedEagerStepsPerS)
                    .text("trainer_path", trainerPath())
                    .rate("trainer_steps_per_s", trainerStepsPerS())
                    .raw("masked_weights_zero", Boolean.toString(maskedWeightsZero))
                    .toString();
        }
    }

    public static void main(String[] args) {
        int steps;
        List<String> models;
        try {
            steps = args.length > 0 ? Integer.parseInt(args[0]) : 300;
            if (steps <= 0) throw new NumberFormatException("not positive");
        } catch (NumberFormatException e) {
            System.out.println(new JsonLine().text("error", "steps must be a positive integer, got '" + args[0] + "'"));
            System.exit(2);
            return;
        }
        boolean dryRun = args.length > 2 && args[2].equals("--cpu-dry-run");
        if (args.length > 2 && !dryRun) {
            System.out.println(new JsonLine().text("error", "unknown option '" + args[2] + "' (known: --cpu-dry-run)"));
            System.exit(2);
            return;
        }
        String filter = args.length > 1 ? args[1] : "all";
        if (filter.equals("all")) {
            models = MODELS;
        } else if (MODELS.contains(filter)) {
            models = List.of(filter);
        } else {
            System.out.println(new JsonLine().text("error", "unknown model '" + filter + "' (known: " + String.join(", ", MODELS) + ", all)"));
            System.exit(2);
            return;
        }
        if (dryRun) {
            try (CpuBackend cpu = new CpuBackend()) {
                for (String model : models) {
                    System.out.println(measureModel(cpu, () -> {}, Presets.get(model), steps, 1, DRY_RUN_EXAMPLES).toJson());
                    System.out.flush();
                }
            }
            return;
        }
        CudaAvailability cuda = CudaContext.isAvailable();
        if (!cuda.usable()) {
            System.out.println(new JsonLine().text("error", "no CUDA GPU: " + cuda.reason()));
            System.exit(3);
        }
        int warmup = Math.max(10, steps / 10);
        try (CudaBackend gpu = CudaBackend.open(0)) {
            for (String model : models) {
                // Printed as soon as measured: a failure in a later model keeps the earlier lines.
                System.out.println(measureModel(gpu, gpu::synchronize, Presets.get(model), steps, warmup, RESIDENT_EXAMPLES).toJson());
                System.out.flush();
            }
        }
    }

    /**
     * Measures one preset on {@code backend} ({@code synchronize} waits for its queued work) over a resident set of
     * {@code examples} random images.
     */
    static ConvStepResult measureModel(Backend backend, Runnable synchronize, Preset preset, int steps, int warmup, int examples) {
        int batch = preset.batchSize();
        int features = preset.model().inputFeatures();
        float[] classes = new float[examples];
        for (int i = 0; i < classes.length; i++) classes[i] = i % 10;
        try (Tensor images = backend.zeros("bench.images", examples, features);
             Tensor labels = backend.upload("bench.labels", classes, examples);
             Population net = Population.create(preset.model(), backend, 1, SEED);
             Sgd sgd = new Sgd(preset.optimizer(), net);
             Tensor x = backend.zeros("batch.x", batch, features);
             Tensor y = backend.zeros("batch.y", batch);
             Tensor augmented = backend.zeros("batch.x.augmented", batch, features)) {
            // Random pixels drawn where they live (N(0, 1); on the GPU by a kernel, so 550 MB never cross the bus):
            // the work does not depend on the values.
            backend.fillRandom(images, new Initializer.Normal(1.0), features, features, new KeyedRandom(SEED, "bench", "data"));
            long prunable = 0, other = 0;
            for (Parameter p : net.member(0).parameters()) {
                if (p.prunable()) prunable += p.size();
                else other += p.size();
            }
            for (Parameter p : net.member(0).prunable()) {
                backend.pruneSmallestMagnitude(p.value(), p.mask(), Math.round(p.size() * SPARSITY));
                backend.applyMask(p.value(), p.mask());
            }
            Harness h = new Harness(backend, synchronize, net, sgd, preset, images, labels, x, y, augmented);
            double eager = h.measure(StepRecorder.direct(backend), BatchAugmentation.NONE, warmup, steps);
            double augmentedEager = preset.augmentation().isNone() ? Double.NaN
                    : h.measure(StepRecorder.direct(backend), preset.augmentation(), warmup, steps);
            double graph = Double.NaN;
            String graphError = null;
            try {
                graph = h.measure(backend.stepRecorder(), BatchAugmentation.NONE, warmup, steps);
            } catch (RuntimeException e) {
                graphError = e.toString();
                synchronize.run();
            }
            long violations = 0;
            for (Parameter p : net.member(0).prunable()) violations += backend.countMaskViolations(p.value(), p.mask());
            // The trainer's own rule: record unless the steps draw per-iteration randomness.
            boolean trainerRecords = TrainingStep.replayable(preset.model(), preset.augmentation());
            var opt = preset.optimizer();
            String optimizer = "sgd lr " + plain(opt.learningRate().at(0)) + ", momentum " + plain(opt.momentum())
                    + ", weight decay " + plain(opt.weightDecay());
            return new ConvStepResult(preset.name(), backend.description(), examples, batch, optimizer, preset.augmentation().canonical(), steps, warmup,
                    prunable, other, eager, graph, graphError, augmentedEager, trainerRecords, violations == 0);
        }
    }

    /** One model's step as {@link Trainer#train} runs it, timed over a number of iterations. */
    private record Harness(Backend backend, Runnable synchronize, Population net, Sgd sgd, Preset preset, Tensor images, Tensor labels, Tensor x, Tensor y,
                           Tensor augmented) {
        /** Steps per second over {@code count} iterations after {@code warmup}; closes {@code steps}. */
        double measure(StepRecorder steps, BatchAugmentation augmentation, int warmup, int count) {
            TrainingStep step = new TrainingStep(net, sgd, steps, augmentation, augmentation.isNone() ? null : augmented, SEED);
            try (steps) {
                TrainerIterations loop = new TrainerIterations(step, steps, preset.optimizer().learningRate(), images, labels, x, y, SEED);
                return count / loop.seconds(warmup, count, synchronize, k -> {});
            }
        }
    }

    /** {@code 0.0001} rather than {@code 1.0E-4}, {@code 0} rather than {@code 0.0}: as Python prints them. */
    private static String plain(double v) {
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
}
