package dev.lottery.nn.train;

import dev.lottery.nn.backend.StepRecorder;
import dev.lottery.nn.data.augment.BatchAugmentation;
import dev.lottery.nn.model.ImageShape;
import dev.lottery.nn.model.LayerSpec;
import dev.lottery.nn.model.Mode;
import dev.lottery.nn.model.ModelSpec;
import dev.lottery.nn.model.Network;
import dev.lottery.nn.tensor.Tensor;

/**
 * One training iteration exactly as {@link Trainer#train} runs it, for code that drives iterations itself (the GPU
 * step benchmarks): gather the next batch of the recorder's order into {@code x}/{@code y}, augment it when the
 * spec says so (draws keyed by seed, epoch and example), training-mode forward, softmax cross-entropy, backward,
 * SGD step. Call {@link #run} inside {@link StepRecorder#run}. Holds its tensors without owning them.
 *
 * @param augmented the augmented batch's buffer, {@code null} when {@code augmentation} is none
 */
public record TrainingStep(Network network, Sgd sgd, StepRecorder steps, BatchAugmentation augmentation, Tensor augmented, long seed) {

    /**
     * Whether iterations may be recorded once and replayed (CUDA graphs): a recorded step replays everything fixed
     * at recording time, so models whose steps draw per-iteration randomness (dropout) and augmented batches (draws
     * keyed by epoch and example) run every step afresh.
     */
    public static boolean replayable(ModelSpec model, BatchAugmentation augmentation) {
        return augmentation.isNone() && model.layers().stream().noneMatch(l -> l instanceof LayerSpec.Dropout);
    }

    /**
     * Trains on the batch that starts at position {@code firstExample} of {@code epochOrder} (the order the recorder
     * was given) as iteration {@code iteration} of epoch {@code epoch}.
     */
    public void run(Tensor images, Tensor labels, Tensor x, Tensor y, long epoch, int[] epochOrder, int firstExample, long iteration) {
        steps.gatherNextBatch(images, labels, x, y);
        Tensor input = x;
        if (augmented != null) {
            ImageShape image = network.spec().input();
            augmentation.apply(network.backend(), x, augmented, image.channels(), image.height(), image.width(), seed, epoch,
                    epochOrder, firstExample, x.dim(0));
            input = augmented;
        }
        Tensor logits = network.forward(input, Mode.training(iteration));
        network.backend().softmaxCrossEntropy(logits, y, network.logitsGradient(), null);
        network.backward();
        sgd.step(iteration);
    }
}
