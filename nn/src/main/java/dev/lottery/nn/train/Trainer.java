package dev.lottery.nn.train;

import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.data.augment.BatchAugmentation;
import dev.lottery.nn.model.Mode;
import dev.lottery.nn.model.Network;
import dev.lottery.nn.rng.KeyedRandom;
import dev.lottery.nn.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Iteration-based training: mini-batches of a freshly shuffled order every epoch (keyed by the seed and the epoch),
 * SGD steps, and an evaluation on the test (and validation) set every {@code evalEvery} iterations, at iteration 0
 * and at the end. Only a few scalars per evaluation leave the backend.
 */
public final class Trainer {
    /** Examples per evaluation forward pass. */
    static final int EVAL_BATCH = 1000;

    private Trainer() {}

    public static TrainingResult train(Network network, ResidentData data, TrainingSpec spec, long seed, TrainingListener listener) {
        return train(network, data, spec, seed, listener, null);
    }

    /**
     * As {@link #train(Network, ResidentData, TrainingSpec, long, TrainingListener)}, saving a checkpoint every
     * {@code checkpointer.every()} iterations and, when the checkpointer's file exists, resuming from it (weights,
     * momentum, iteration and evaluations so far): the result is bitwise the same as an uninterrupted run's.
     * {@code checkpointer} may be null (no checkpoints).
     */
    public static TrainingResult train(Network network, ResidentData data, TrainingSpec spec, long seed, TrainingListener listener,
                                       Checkpointer checkpointer) {
        Backend backend = network.backend();
        ResidentData.Part train = data.train();
        int batch = spec.batchSize();
        int perEpoch = train.count() / batch;
        if (perEpoch == 0) throw new dev.lottery.nn.UserError("batch size " + batch + " exceeds the " + train.count() + " training examples");
        long total = spec.iterations();
        long start = System.nanoTime();
        List<EvalPoint> series = new ArrayList<>();
        try (Sgd sgd = new Sgd(spec.optimizer(), network);
             Tensor x = backend.zeros("batch.x", batch, train.features());
             Tensor y = backend.zeros("batch.y", batch);
             Evaluator evaluator = new Evaluator(network)) {
            long first = 0;
            var resumed = checkpointer == null ? java.util.Optional.<Checkpointer.Resumed>empty()
                    : checkpointer.restore(network, sgd, spec, seed);
            if (resumed.isPresent()) {
                first = resumed.get().iteration();
                series.addAll(resumed.get().series());
            } else {
                series.add(evaluator.evaluate(0, data));
                listener.onEvaluation(series.getLast(), total);
            }
            int[] order = null;
            // Iterations go through the backend's recorder (CUDA graphs on the GPU; plain calls on the CPU), keyed by
            // the learning rate; see TrainingStep.replayable for the steps that run afresh every time.
            BatchAugmentation augmentation = spec.augmentation();
            boolean replayable = TrainingStep.replayable(network.spec(), augmentation);
            try (dev.lottery.nn.backend.StepRecorder steps = replayable ? backend.stepRecorder() : dev.lottery.nn.backend.StepRecorder.direct(backend);
                 Tensor augmented = augmentation.isNone() ? null : backend.zeros("batch.x.augmented", batch, train.features())) {
            TrainingStep step = new TrainingStep(network, sgd, steps, augmentation, augmented, seed);
            for (long it = first; it < total; it++) {
                int inEpoch = (int) (it % perEpoch);
                long epoch = it / perEpoch;
                if (inEpoch == 0 || order == null) {
                    order = shuffle(seed, epoch, train.count());
                    steps.useOrder(order, inEpoch * batch);
                }
                long iteration = it;
                int[] epochOrder = order;
                steps.run(spec.optimizer().learningRate().at(it),
                        () -> step.run(train.images(), train.labels(), x, y, epoch, epochOrder, inEpoch * batch, iteration));
                long done = it + 1;
                if (done % spec.evalEvery() == 0 || done == total) {
                    series.add(evaluator.evaluate(done, data));
                    listener.onEvaluation(series.getLast(), total);
                }
                listener.onIteration(done, total);
                if (checkpointer != null && checkpointer.due(done, total)) checkpointer.save(network, sgd, spec, seed, done, series);
            }
            }
        }
        return TrainingResult.of(series, total, (System.nanoTime() - start) / 1e9);
    }

    /** The example order for one epoch: a permutation keyed by (seed, "data", "shuffle/epoch-e"). */
    public static int[] shuffle(long seed, long epoch, int count) {
        return new KeyedRandom(seed, "data", "shuffle/epoch-" + epoch).permutation(count);
    }

    /** Loss and accuracy over resident data sets, in fixed-size batches, summed in backend memory. */
    static final class Evaluator implements AutoCloseable {
        private final Network network;
        private final Backend backend;
        private final Tensor stats;
        /** Batch buffers by batch size (a part's last batch may be shorter), so evaluations allocate once. */
        private final java.util.Map<Integer, Tensor[]> buffers = new java.util.HashMap<>();
        private int[] identity = new int[0];

        Evaluator(Network network) {
            this.network = network;
            this.backend = network.backend();
            this.stats = backend.zeros("eval.stats", 2);
        }

        EvalPoint evaluate(long iteration, ResidentData data) {
            double[] test = measure(data.test());
            double[] val = data.validation() == null ? new double[] {Double.NaN, Double.NaN} : measure(data.validation());
            return new EvalPoint(iteration, test[0], test[1], val[0], val[1]);
        }

        /** Mean loss and accuracy over one part. */
        double[] measure(ResidentData.Part part) {
            stats.copyFrom(new float[2]);
            int n = part.count();
            if (identity.length < n) {
                identity = new int[n];
                for (int i = 0; i < n; i++) identity[i] = i;
            }
            for (int from = 0; from < n; from += EVAL_BATCH) {
                int count = Math.min(EVAL_BATCH, n - from);
                Tensor[] xy = buffers.computeIfAbsent(count,
                        c -> new Tensor[] {backend.zeros("eval.x", c, part.features()), backend.zeros("eval.y", c)});
                backend.gatherRows(part.images(), identity, from, count, xy[0]);
                backend.gather(part.labels(), identity, from, count, xy[1]);
                backend.softmaxCrossEntropy(network.forward(xy[0], Mode.EVALUATION), xy[1], null, stats);
            }
            float[] s = stats.toArray();
            return new double[] {s[0] / n, s[1] / (double) n};
        }

        @Override
        public void close() {
            stats.close();
            for (Tensor[] xy : buffers.values()) {
                xy[0].close();
                xy[1].close();
            }
        }
    }
}
