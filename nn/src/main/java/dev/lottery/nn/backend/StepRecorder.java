package dev.lottery.nn.backend;

import dev.lottery.nn.tensor.Tensor;

/**
 * Runs the trainer's iterations. A backend that can record a sequence of ops once and replay it (CUDA graphs)
 * returns its own recorder from {@link Backend#stepRecorder()}; every other backend gets {@link #direct}, which
 * simply makes the same calls as before, so the CPU path is bitwise unchanged.
 *
 * <p>What may change between replays of one recording is kept in backend memory: the epoch's example order
 * ({@link #useOrder}, uploaded once per epoch) and a batch cursor that {@link #gatherNextBatch} reads and advances
 * on the backend. Everything else a recorded step uses (tensors, scalars such as the learning rate) is fixed at
 * recording time, so callers key a recording by those scalars ({@link #run}). One recorder serves one training
 * run: closing it drops its recordings (they point at that run's tensors).
 */
public interface StepRecorder extends AutoCloseable {
    /**
     * Makes {@code order} the example order of the next batches and moves the batch cursor to {@code start}
     * (0 at an epoch's start; later when a run resumes mid-epoch).
     */
    void useOrder(int[] order, int start);

    /**
     * Gathers the next {@code x.dim(0)} examples of the current order into {@code x} (rows of {@code images}) and
     * {@code y} (entries of {@code labels}), then advances the cursor by that many.
     */
    void gatherNextBatch(Tensor images, Tensor labels, Tensor x, Tensor y);

    /**
     * Runs one iteration {@code step}. A recording backend runs it eagerly the first time for {@code key} (so
     * every buffer it needs exists), records it the second time and replays the recording from then on; the
     * Java code of {@code step} then no longer runs. {@code key} must capture every value the step reads from
     * Java at recording time (e.g. the learning rate).
     */
    void run(Object key, Runnable step);

    @Override
    void close();

    /** The recorder that runs every step as plain calls on {@code backend}. */
    static StepRecorder direct(Backend backend) {
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
            public void run(Object key, Runnable step) {
                step.run();
            }

            @Override
            public void close() {}
        };
    }
}
