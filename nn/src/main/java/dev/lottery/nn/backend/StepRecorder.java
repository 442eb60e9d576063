package dev.lottery.nn.backend;

import dev.lottery.nn.tensor.Tensor;
import java.util.function.Consumer;

/**
 * Runs the trainer's iterations. A backend that can record a sequence of ops once and replay it (CUDA graphs)
 * returns a recorder that {@link #records()}; every other backend gets {@link #direct}, whose iterations are plain
 * calls, so the CPU path never records anything.
 *
 * <p>What may change between replays of one recording is kept in backend memory: the epoch's example order
 * ({@link #useOrder}, uploaded once per epoch) and a batch cursor that {@link #gatherNextBatch} reads and advances
 * on the backend. Everything else a recorded step uses (tensors, scalars such as the learning rate) is fixed when
 * it is recorded.
 *
 * <p>Recording is explicit: {@link #record} runs the Java code of a step once and hands back a {@link Recording}
 * whose {@link Recording#replay()} repeats only that step's backend calls. Callers keep a recording per value the
 * step reads from Java (e.g. per learning rate) and keep every piece of Java code that must run each iteration
 * (listeners, counters, host-side draws) outside the recorded step, where it visibly runs.
 */
public interface StepRecorder extends AutoCloseable {
    /**
     * Makes {@code order} the example order of the next batches and moves the batch cursor to {@code start}
     * (0 at an epoch's start; later when a run resumes mid-epoch).
     *
     * @param order indices of data-set examples in the order they are drawn; a recorder may keep the array rather
     *              than copy it, so the caller must not change it afterwards
     * @param start index into {@code order} of the next batch's first example
     */
    void useOrder(int[] order, int start);

    /**
     * Runs {@code step}, one iteration's Java code, now: how a step that is not recorded runs. A backend may choose
     * here how the step's calls use the machine (the CPU backend runs a step on its calling thread alone when that
     * measured faster than sharing it out); the results do not depend on the choice.
     *
     * @param step one iteration's Java code, which calls this recorder's backend
     */
    void run(Runnable step);

    /**
     * Gathers the next {@code x.dim(0)} examples of the current order into {@code x} (rows of {@code images}) and
     * {@code y} (entries of {@code labels}), then advances the cursor by that many.
     *
     * @param images the resident data set {@code [examples, features]}, read only
     * @param labels the resident labels {@code [examples]}, read only
     * @param x      the batch's inputs {@code [batch, features]}, overwritten
     * @param y      the batch's labels {@code [batch]}, overwritten
     */
    void gatherNextBatch(Tensor images, Tensor labels, Tensor x, Tensor y);

    /** {@return whether {@link #record} captures steps for replay; when false, callers run every iteration plainly} */
    boolean records();

    /**
     * Runs {@code step} once, capturing the backend calls it makes, and returns them as a recording (already run
     * once). The Java code of {@code step} runs here and never again. Every buffer the step touches must already
     * exist, so run the step plainly once before recording it. The recorder owns the recording until it closes.
     *
     * @param step one iteration's Java code, which calls this recorder's backend
     * @return the recording, valid until this recorder closes
     * @throws UnsupportedOperationException when this recorder does not {@link #records() record}
     */
    Recording record(Runnable step);

    /** One recorded iteration. */
    interface Recording {
        /** Runs the recorded backend calls again (none of the Java code that made them). */
        void replay();
    }

    @Override
    void close();

    /**
     * The recorder that runs every step as plain calls on {@code backend}.
     *
     * @param backend the backend that gathers batches; it stays owned by the caller and must outlive the recorder
     * @return a recorder that {@link #records() records} nothing and whose {@link #close()} does nothing
     */
    static StepRecorder direct(Backend backend) {
        return direct(backend, Runnable::run);
    }

    /**
     * The recorder that runs every step as plain calls on {@code backend}, each step through {@code runner}.
     *
     * @param backend the backend that gathers batches; it stays owned by the caller and must outlive the recorder
     * @param runner  runs one step's Java code ({@link #run}), on the calling thread
     * @return a recorder that {@link #records() records} nothing and whose {@link #close()} does nothing
     */
    static StepRecorder direct(Backend backend, Consumer<Runnable> runner) {
        return new StepRecorder() {
            private int[] order;
            private int cursor;

            @Override
            public void useOrder(int[] newOrder, int start) {
                order = newOrder;
                cursor = start;
            }

            @Override
            public void gatherNextBatch(Tensor images, Tensor labels, Tensor x, Tensor y) {
                int count = x.dim(0);
                backend.gatherRows(images, order, cursor, count, x);
                backend.gather(labels, order, cursor, count, y);
                cursor += count;
            }

            @Override
            public void run(Runnable step) {
                runner.accept(step);
            }

            @Override
            public boolean records() {
                return false;
            }

            @Override
            public Recording record(Runnable step) {
                throw new UnsupportedOperationException("the " + backend.name() + " backend runs steps plainly and records none");
            }

            @Override
            public void close() {}
        };
    }
}
