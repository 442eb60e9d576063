package dev.lottery.bench.cuda;

import dev.lottery.nn.backend.StepRecorder;
import dev.lottery.nn.tensor.Tensor;
import dev.lottery.nn.train.LearningRateSchedule;
import dev.lottery.nn.train.Trainer;
import dev.lottery.nn.train.TrainingStep;
import java.util.function.IntConsumer;

/**
 * The trainer's iteration loop as the GPU benchmarks drive it: at each epoch's start the epoch's order (keyed as
 * {@link Trainer#shuffle}) goes to the recorder, then every iteration runs the trainer's step at the schedule's
 * learning rate, reading the next batch of {@code images}/{@code labels} into {@code x}/{@code y}.
 */
final class TrainerIterations {
    private final TrainingStep step;
    private final StepRecorder steps;
    private final LearningRateSchedule schedule;
    private final Tensor images, labels, x, y;
    private final long seed;
    private final int perEpoch;
    private int[] order;
    private long iteration;

    TrainerIterations(TrainingStep step, StepRecorder steps, LearningRateSchedule schedule, Tensor images, Tensor labels, Tensor x, Tensor y,
                      long seed) {
        this.step = step;
        this.steps = steps;
        this.schedule = schedule;
        this.images = images;
        this.labels = labels;
        this.x = x;
        this.y = y;
        this.seed = seed;
        this.perEpoch = images.dim(0) / x.dim(0);
    }

    /** Runs the next iteration. */
    void next() {
        int batch = x.dim(0), inEpoch = (int) (iteration % perEpoch);
        long epoch = iteration / perEpoch;
        if (inEpoch == 0 || order == null) {
            order = Trainer.shuffle(seed, epoch, images.dim(0));
            steps.useOrder(order, inEpoch * batch);
        }
        step.iterate(schedule.at(iteration), images, labels, x, y, epoch, order, inEpoch * batch, iteration);
        iteration++;
    }

    /**
     * Wall-clock seconds of {@code count} iterations run after {@code warmup} untimed ones, between two calls of
     * {@code synchronize} (which waits for the device); {@code afterTimed} runs after timed iteration k (from 0),
     * inside the timing.
     */
    double seconds(int warmup, int count, Runnable synchronize, IntConsumer afterTimed) {
        for (int k = 0; k < warmup; k++) next();
        synchronize.run();
        long t0 = System.nanoTime();
        for (int k = 0; k < count; k++) {
            next();
            afterTimed.accept(k);
        }
        synchronize.run();
        return (System.nanoTime() - t0) / 1e9;
    }
}
