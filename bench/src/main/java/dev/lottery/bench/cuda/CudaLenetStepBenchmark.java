package dev.lottery.bench.cuda;

import dev.lottery.gpu.CudaContext;
import dev.lottery.nn.backend.StepRecorder;
import dev.lottery.nn.backend.cuda.CudaBackend;
import dev.lottery.nn.model.Population;
import dev.lottery.nn.model.Parameter;
import dev.lottery.nn.model.Presets;
import dev.lottery.nn.rng.KeyedRandom;
import dev.lottery.nn.tensor.Tensor;
import dev.lottery.nn.train.OptimizerSpec;
import dev.lottery.nn.train.Sgd;
import dev.lottery.nn.train.TrainingStep;
import dev.lottery.nn.data.augment.BatchAugmentation;
import java.util.Locale;

/**
 * Our CUDA training step, the counterpart of {@code bench/python/lenet_step_torch.py}: lenet-300-100, batch 60,
 * half of every layer's weights masked, SGD lr 0.05, batches gathered on the device from a resident 60,000-example
 * set by the epoch's order. Timed by wall clock around {@code steps} iterations with a device synchronization at
 * both ends, once with every op launched eagerly and once through the CUDA-graph recorder the trainer uses.
 * Prints one JSON line; exits 3 without a GPU. (A simple timed harness rather than JMH: one iteration is a few
 * microseconds of host work, and the graph path must be measured as the trainer drives it.)
 */
public final class CudaLenetStepBenchmark {
    private static final OptimizerSpec OPTIMIZER = OptimizerSpec.sgd(0.05);

    private CudaLenetStepBenchmark() {}

    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        int warmup = 200, batch = 60, examples = 60_000;
        if (!CudaContext.isAvailable().usable()) {
            System.out.println("{\"error\": \"no CUDA GPU: " + CudaContext.isAvailable().reason().replace('"', '\'') + "\"}");
            System.exit(3);
        }
        try (CudaBackend gpu = CudaBackend.open(0)) {
            float[] pixels = new float[examples * 784];
            float[] labels = new float[examples];
            KeyedRandom r = new KeyedRandom(1, "bench", "data");
            for (int i = 0; i < pixels.length; i++) pixels[i] = (float) r.uniform(i);
            for (int i = 0; i < examples; i++) labels[i] = i % 10;
            try (Tensor images = gpu.upload("bench.images", pixels, examples, 784);
                 Tensor labelTensor = gpu.upload("bench.labels", labels, examples);
                 Population net = Population.create(Presets.get("lenet-300-100").model(), gpu, 1, 1);
                 Sgd sgd = new Sgd(OPTIMIZER, net);
                 Tensor x = gpu.zeros("batch.x", batch, 784);
                 Tensor y = gpu.zeros("batch.y", batch)) {
                for (Parameter p : net.member(0).prunable()) {
                    gpu.pruneSmallestMagnitude(p.value(), p.mask(), p.size() / 2);
                    gpu.applyMask(p.value(), p.mask());
                }
                double eager = measure(gpu, StepRecorder.direct(gpu), net, sgd, images, labelTensor, x, y, warmup, steps);
                double graphs = measure(gpu, gpu.stepRecorder(), net, sgd, images, labelTensor, x, y, warmup, steps);
                long violations = 0;
                for (Parameter p : net.member(0).prunable()) violations += gpu.countMaskViolations(p.value(), p.mask());
                System.out.println(String.format(Locale.ROOT,
                        "{\"benchmark\": \"lenet-300-100 masked SGD step\", \"device\": \"%s\", \"batch\": %d, \"sparsity\": 0.5, \"steps\": %d, "
                                + "\"eager_steps_per_s\": %.1f, \"graph_steps_per_s\": %.1f, \"masked_weights_zero\": %s}",
                        gpu.description().replace('"', '\''), batch, steps, eager, graphs, violations == 0));
            }
        }
    }

    private static double measure(CudaBackend gpu, StepRecorder steps, Population net, Sgd sgd, Tensor images, Tensor labels, Tensor x, Tensor y,
                                  int warmup, int count) {
        TrainingStep step = new TrainingStep(net, sgd, steps, BatchAugmentation.NONE, null, 1);
        try (steps) {
            TrainerIterations loop = new TrainerIterations(step, steps, OPTIMIZER.learningRate(), images, labels, x, y, 1);
            return count / loop.seconds(warmup, count, gpu::synchronize, k -> {});
        }
    }
}
