package dev.lottery.nn.train;

import dev.lottery.nn.backend.StepRecorder;
import dev.lottery.nn.data.augment.BatchAugmentation;
import dev.lottery.nn.model.ImageShape;
import dev.lottery.nn.model.LayerSpec;
import dev.lottery.nn.model.Mode;
import dev.lottery.nn.model.ModelSpec;
import dev.lottery.nn.model.Population;
import dev.lottery.nn.tensor.Tensor;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * One training iteration of a population exactly as {@link Trainer#train} runs it, also for code that drives
 * iterations itself (the GPU step benchmarks): gather the next batch of the recorder's order into {@code x}/{@code y},
 * augment it when the spec says so (draws keyed by seed, epoch and example), training-mode forward of every member,
 * softmax cross-entropy, backward, SGD step. Holds its tensors without owning them.
 *
 * <p>{@link #iterate} runs an iteration through the recorder: on a recording backend, a replayable step is recorded
 * once per learning rate (at the second iteration at that rate; the first creates every buffer) and replayed after,
 * so from then on only its backend calls run; any other step runs plainly through {@link StepRecorder#run} (where the
 * CPU backend chooses the threads). Everything that must happen every iteration (listeners, evaluations, checkpoints)
 * belongs outside, with the caller.
 */
public final class TrainingStep {
    private final Population population;
    private final Sgd sgd;
    private final StepRecorder steps;
    private final BatchAugmentation augmentation;
    private final Tensor augmented;
    private final long seed;
    private final boolean ownBatches;
    private final boolean replayable;
    private final Map<Double, StepRecorder.Recording> recordings = new HashMap<>();
    private final Set<Double> warm = new HashSet<>();

    /**
     * A step for {@code population} with its optimizer and step recorder.
     *
     * @param population   the members trained; not owned
     * @param sgd          the optimizer over {@code population}'s parameters; not owned
     * @param steps        the recorder whose example order the batches follow ({@link StepRecorder#useOrder}); not
     *                     owned; steps are recorded only when it {@link StepRecorder#records() records}
     * @param augmentation what is done to each training batch ({@link BatchAugmentation#NONE}: nothing)
     * @param augmented    the augmented batch's buffer, {@code null} when {@code augmentation} is none
     * @param seed         the run's seed, which keys the augmentation's draws
     */
    public TrainingStep(Population population, Sgd sgd, StepRecorder steps, BatchAugmentation augmentation, Tensor augmented, long seed) {
        this(population, sgd, steps, augmentation, augmented, seed, false);
    }

    private TrainingStep(Population population, Sgd sgd, StepRecorder steps, BatchAugmentation augmentation, Tensor augmented, long seed,
                         boolean ownBatches) {
        this.population = population;
        this.sgd = sgd;
        this.steps = steps;
        this.augmentation = augmentation;
        this.augmented = augmented;
        this.seed = seed;
        this.ownBatches = ownBatches;
        this.replayable = steps.records() && replayable(population.spec(), augmentation);
    }

    /**
     * A step whose members each read their own mini-batch, without augmentation: the recorder's order interleaves the
     * members' orders, so the gathered {@code x [batch*members, features]} and {@code y [batch*members]} hold member
     * n's example i in row {@code i*members + n} ({@link Population#forwardOwnBatches}), and the loss reads each
     * member's labels.
     *
     * @param population the members trained; not owned
     * @param sgd        the optimizer over {@code population}'s parameters; not owned
     * @param steps      the recorder whose (interleaved) example order the batches follow; not owned
     * @return the step
     */
    public static TrainingStep ownBatches(Population population, Sgd sgd, StepRecorder steps) {
        return new TrainingStep(population, sgd, steps, BatchAugmentation.NONE, null, 0, true);
    }

    /**
     * Whether iterations may be recorded once and replayed (CUDA graphs): a recorded step replays everything fixed
     * at recording time, so models whose steps draw per-iteration randomness (dropout) and augmented batches (draws
     * keyed by epoch and example) run every step afresh.
     *
     * @param model        the model trained
     * @param augmentation the training batches' augmentation
     * @return true when there is no augmentation and no dropout layer
     */
    public static boolean replayable(ModelSpec model, BatchAugmentation augmentation) {
        return augmentation.isNone() && model.layers().stream().noneMatch(l -> l instanceof LayerSpec.Dropout);
    }

    /**
     * Iteration {@code iteration} (of epoch {@code epoch}, on the batch that starts at {@code firstExample} of
     * {@code epochOrder}, the order the recorder was given) at learning rate {@code rate}: run plainly, recorded, or
     * replayed (see the class comment).
     *
     * @param rate         the learning rate of {@code iteration} as the optimizer's schedule gives it; it keys the
     *                     recordings (the SGD step reads its rate from the schedule)
     * @param images       the resident training images {@code [count, features]}
     * @param labels       the resident training labels {@code [count]}
     * @param x            the batch buffer {@code [batch, features]} the examples are gathered into
     * @param y            the label buffer {@code [batch]}
     * @param epoch        the epoch of {@code iteration}, which keys the augmentation's draws
     * @param epochOrder   the epoch's example order, the one last given to the recorder
     * @param firstExample the position in {@code epochOrder} of the batch's first example
     * @param iteration    the training step, counted from 0; keys the dropout masks and the learning rate
     */
    public void iterate(double rate, Tensor images, Tensor labels, Tensor x, Tensor y, long epoch, int[] epochOrder, int firstExample,
                        long iteration) {
        StepRecorder.Recording recording = recordings.get(rate);
        if (recording != null) {
            recording.replay();
            return;
        }
        Runnable work = () -> run(images, labels, x, y, epoch, epochOrder, firstExample, iteration);
        if (!replayable || warm.add(rate)) steps.run(work);
        else recordings.put(rate, steps.record(work));
    }

    /**
     * The iteration's backend calls, run now (see {@link #iterate}): the batch is the recorder's next one.
     *
     * @param images       the resident training images {@code [count, features]}
     * @param labels       the resident training labels {@code [count]}
     * @param x            the batch buffer {@code [batch, features]} the examples are gathered into
     * @param y            the label buffer {@code [batch]}
     * @param epoch        the epoch of {@code iteration}, which keys the augmentation's draws
     * @param epochOrder   the epoch's example order, the one last given to the recorder
     * @param firstExample the position in {@code epochOrder} of the batch's first example
     * @param iteration    the training step, counted from 0; keys the dropout masks and the learning rate
     */
    public void run(Tensor images, Tensor labels, Tensor x, Tensor y, long epoch, int[] epochOrder, int firstExample, long iteration) {
        steps.gatherNextBatch(images, labels, x, y);
        Tensor input = x;
        if (augmented != null) {
            ImageShape image = population.spec().input();
            augmentation.apply(population.backend(), x, augmented, image.channels(), image.height(), image.width(), seed, epoch,
                    epochOrder, firstExample, x.dim(0));
            input = augmented;
        }
        Mode mode = Mode.training(iteration);
        Tensor logits = ownBatches ? population.forwardOwnBatches(input, mode) : population.forward(input, mode);
        population.backend().softmaxCrossEntropy(logits, population.members(), y, population.logitsGradient(), null);
        population.backward();
        sgd.step(iteration);
    }
}
