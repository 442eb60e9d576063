package dev.lottery.nn.train;

import dev.lottery.nn.UserError;
import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.backend.StepRecorder;
import dev.lottery.nn.data.augment.BatchAugmentation;
import dev.lottery.nn.model.ImageShape;
import dev.lottery.nn.model.Mode;
import dev.lottery.nn.model.ModelSpec;
import dev.lottery.nn.model.Network;
import dev.lottery.nn.model.Population;
import dev.lottery.nn.rng.KeyedRandom;
import dev.lottery.nn.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Iteration-based training of a population: mini-batches of a freshly shuffled order every epoch (keyed by the seed and
 * the epoch), shared by every member, or each member's own when the members have their own seeds, SGD steps, and an
 * evaluation of every member on the test (and validation) set every {@code evalEvery} iterations, at iteration 0 and at
 * the end. Only a few scalars per evaluation leave the backend. A network trained alone is the population of one; each
 * member of a larger population gets the bits it would get alone on the CPU (the backends' products and reductions do
 * not depend on the member count).
 */
public final class Trainer {
    /** Examples per evaluation forward pass when a whole part does not fit {@link #EVAL_FLOATS_PER_MEMBER}. */
    public static final int EVAL_BATCH = 1000;
    /**
     * Activation floats one member may hold for an evaluation pass (64 MiB): lenet evaluates MNIST's 10,000 test images
     * in one pass, convolutional networks in batches of {@link #EVAL_BATCH}.
     */
    static final long EVAL_FLOATS_PER_MEMBER = 1L << 24;

    private Trainer() {}

    /**
     * Examples per evaluation forward pass over a part of {@code count} examples for {@code model}: the whole part when
     * one member's activations for it fit {@link #EVAL_FLOATS_PER_MEMBER}, else as many as fit (at least
     * {@link #EVAL_BATCH}). What a member's evaluation buffers take in memory scales with it.
     *
     * @param model the model evaluated
     * @param count the examples in the part (test or validation set)
     * @return examples per pass, from {@code min(count, EVAL_BATCH)} up to {@code count}
     */
    public static int evaluationBatch(ModelSpec model, int count) {
        long activationsPerExample = model.classes();
        for (ImageShape s : model.inputShapes().subList(1, model.layers().size())) activationsPerExample += s.features();
        long fits = Math.max(EVAL_BATCH, EVAL_FLOATS_PER_MEMBER / activationsPerExample);
        return (int) Math.min(count, fits);
    }

    /**
     * Trains {@code network}, a population of one, with the data order of seed 0 and no listener: the same as
     * {@code train(network, data, spec, 0, TrainingListener.NONE)}.
     *
     * @param network the network to train in place, made by {@link Network#create} or {@link Network#load}
     * @param data    the training, test and (optional) validation sets on the network's backend
     * @param spec    optimizer, batch size, length, evaluation interval and augmentation
     * @return the evaluation series and the paper's convergence points
     * @throws UserError if the batch size exceeds the training examples
     */
    public static TrainingResult train(Network network, ResidentData data, TrainingSpec spec) {
        return train(network, data, spec, 0, TrainingListener.NONE);
    }

    /**
     * Trains {@code network}, a population of one.
     *
     * @param network  the network to train in place, made by {@link Network#create} or {@link Network#load}
     * @param data     the training, test and (optional) validation sets on the network's backend
     * @param spec     optimizer, batch size, length, evaluation interval and augmentation
     * @param seed     keys the order in which training examples are drawn (each epoch's shuffle)
     * @param listener progress and evaluations ({@link TrainingListener#NONE}: none)
     * @return the evaluation series and the paper's convergence points
     * @throws UserError if the batch size exceeds the training examples
     */
    public static TrainingResult train(Network network, ResidentData data, TrainingSpec spec, long seed, TrainingListener listener) {
        return train(network, data, spec, seed, listener, null);
    }

    /**
     * Trains {@code network}, a population of one, saving a checkpoint every {@code checkpointer.every()} iterations
     * and, when the checkpointer's file exists, resuming from it (weights, momentum, iteration and evaluations so far):
     * the result is bitwise the same as an uninterrupted run's. {@code checkpointer} may be null (no checkpoints).
     *
     * @param network      the network to train in place; the only member of its population
     * @param data         the training, test and (optional) validation sets on the network's backend
     * @param spec         optimizer, batch size, length, evaluation interval and augmentation
     * @param seed         keys the order in which training examples are drawn (each epoch's shuffle)
     * @param listener     progress and evaluations ({@link TrainingListener#NONE}: none)
     * @param checkpointer where to save and resume from, or null
     * @return the evaluation series (a resumed run's includes the evaluations before the checkpoint) and the paper's
     *         convergence points
     * @throws IllegalArgumentException if the network's population has more than one member
     * @throws IllegalStateException if the checkpoint file belongs to another run or is damaged
     * @throws UserError if the batch size exceeds the training examples
     */
    public static TrainingResult train(Network network, ResidentData data, TrainingSpec spec, long seed, TrainingListener listener,
                                       Checkpointer checkpointer) {
        if (network.population().members() != 1) {
            throw new IllegalArgumentException("member " + network.member() + " trains with its population of " + network.population().members());
        }
        return train(network.population(), data, spec, seed, List.of(listener), Collections.singletonList(checkpointer)).getFirst();
    }

    /**
     * Trains every member of {@code population} in lockstep. {@code listeners} has one entry per member (its progress
     * and evaluations); {@code checkpointers} one per member (entries may be null: no checkpoints), and members resume
     * together only from checkpoints of the same iteration. Returns each member's result, in member order.
     *
     * @param population   the members to train in place, all on the same mini-batches
     * @param data         the training, test and (optional) validation sets on the population's backend
     * @param spec         optimizer, batch size, length, evaluation interval and augmentation, shared by every member
     * @param seed         keys the order in which training examples are drawn (each epoch's shuffle) and the
     *                     augmentation's draws
     * @param listeners    one listener per member, in member order; {@link TrainingListener#NONE} for none
     * @param checkpointers one checkpointer per member, in member order; null entries save nothing
     * @return a new list with one result per member, in member order
     * @throws IllegalArgumentException if the lists do not have one entry per member, or the members' checkpoints
     *                                  reached different iterations
     * @throws IllegalStateException if a checkpoint file belongs to another run or is damaged
     * @throws UserError if the batch size exceeds the training examples
     */
    public static List<TrainingResult> train(Population population, ResidentData data, TrainingSpec spec, long seed,
                                             List<? extends TrainingListener> listeners, List<Checkpointer> checkpointers) {
        return train(population, data, spec, Collections.nCopies(population.members(), seed), listeners, checkpointers);
    }

    /**
     * Trains every member of {@code population} in lockstep, each on the mini-batches of its own seed: members of
     * different trials train together, each to the bits it reaches alone on the CPU. Members whose seeds are all equal
     * share one mini-batch per step (as {@link #train(Population, ResidentData, TrainingSpec, long, List, List)});
     * otherwise every step gathers each member's batch, which {@link #acceptsSeedsPerMember} must allow.
     *
     * @param population    the members to train in place
     * @param data          the training, test and (optional) validation sets on the population's backend
     * @param spec          optimizer, batch size, length, evaluation interval and augmentation, shared by every member
     * @param seeds         one seed per member, in member order: keys its batch order (each epoch's shuffle) and its
     *                      checkpoints
     * @param listeners     one listener per member, in member order; {@link TrainingListener#NONE} for none
     * @param checkpointers one checkpointer per member, in member order; null entries save nothing
     * @return a new list with one result per member, in member order
     * @throws IllegalArgumentException if the lists do not have one entry per member, the seeds differ where
     *                                  {@link #acceptsSeedsPerMember} says no, or the members' checkpoints reached
     *                                  different iterations
     * @throws IllegalStateException if a checkpoint file belongs to another run or is damaged
     * @throws UserError if the batch size exceeds the training examples
     */
    public static List<TrainingResult> train(Population population, ResidentData data, TrainingSpec spec, List<Long> seeds,
                                             List<? extends TrainingListener> listeners, List<Checkpointer> checkpointers) {
        int members = population.members();
        if (seeds.size() != members) throw new IllegalArgumentException(members + " members with " + seeds.size() + " seeds");
        boolean ownBatches = seeds.stream().distinct().count() > 1;
        if (ownBatches && !acceptsSeedsPerMember(population.spec(), spec)) {
            throw new IllegalArgumentException("members of " + population.spec().name() + " with different seeds " + seeds
                    + " need a model whose first layer has parameters, no dropout and no augmentation");
        }
        long seed = seeds.getFirst();
        if (listeners.size() != members || checkpointers.size() != members) {
            throw new IllegalArgumentException(members + " members with " + listeners.size() + " listeners and " + checkpointers.size() + " checkpointers");
        }
        Backend backend = population.backend();
        ResidentData.Part train = data.train();
        int batch = spec.batchSize();
        int perEpoch = train.count() / batch;
        if (perEpoch == 0) throw new UserError("batch size " + batch + " exceeds the " + train.count() + " training examples");
        long total = spec.iterations();
        long start = System.nanoTime();
        List<List<EvalPoint>> series = new ArrayList<>();
        for (int m = 0; m < members; m++) series.add(new ArrayList<>());
        // Own batches: member n's example i in row i*members + n, gathered in one pass (see interleavedOrder).
        int rows = ownBatches ? batch * members : batch;
        try (Sgd sgd = new Sgd(spec.optimizer(), population);
             Tensor x = backend.zeros("batch.x", rows, train.features());
             Tensor y = backend.zeros("batch.y", rows);
             Evaluator evaluator = new Evaluator(population)) {
            long first = resume(population, sgd, spec, seeds, checkpointers, series);
            int[] order = null;
            BatchAugmentation augmentation = spec.augmentation();
            boolean replayable = TrainingStep.replayable(population.spec(), augmentation);
            // The masks are fixed from here to the end of the run, so the backend may skip pruned weights.
            try (Population.PreparedMasks fixed = population.prepareMasks();
                 StepRecorder steps = replayable ? backend.stepRecorder() : StepRecorder.direct(backend);
                 Tensor augmented = augmentation.isNone() ? null : backend.zeros("batch.x.augmented", batch, train.features())) {
                if (first == 0) report(evaluator.evaluate(0, data), series, listeners, total);
                TrainingStep step = ownBatches ? TrainingStep.ownBatches(population, sgd, steps)
                        : new TrainingStep(population, sgd, steps, augmentation, augmented, seed);
                for (long it = first; it < total; it++) {
                    int inEpoch = (int) (it % perEpoch);
                    long epoch = it / perEpoch;
                    if (inEpoch == 0 || order == null) {
                        order = ownBatches ? interleavedOrder(seeds, epoch, train.count(), perEpoch * batch) : shuffle(seed, epoch, train.count());
                        steps.useOrder(order, inEpoch * rows);
                    }
                    // Listeners, evaluations and checkpoints below run every iteration, outside the (maybe replayed) step.
                    step.iterate(spec.optimizer().learningRate().at(it), train.images(), train.labels(), x, y, epoch, order,
                            inEpoch * batch, it);
                    long done = it + 1;
                    // The evaluation first, so that a progress line shows the accuracy of the iteration it names.
                    if (done % spec.evalEvery() == 0 || done == total) report(evaluator.evaluate(done, data), series, listeners, total);
                    for (TrainingListener l : listeners) l.onIteration(done, total);
                    for (int m = 0; m < members; m++) {
                        Checkpointer c = checkpointers.get(m);
                        if (c != null && c.due(done, total)) c.save(population.member(m), sgd, spec, seeds.get(m), done, series.get(m));
                    }
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return series.stream().map(s -> TrainingResult.of(s, total, seconds)).toList();
    }

    /**
     * Restores every member's checkpoint and returns the iteration they reached (0 when none has one). Members must
     * agree: all resume from the same iteration or all start afresh.
     */
    private static long resume(Population population, Sgd sgd, TrainingSpec spec, List<Long> seeds, List<Checkpointer> checkpointers,
                               List<List<EvalPoint>> series) {
        List<Optional<Long>> reached = checkpointers.stream().map(c -> c == null ? Optional.<Long>empty() : c.iteration()).toList();
        if (reached.stream().distinct().count() > 1) {
            throw new IllegalArgumentException("members resume from different iterations " + reached
                    + "; train them in populations whose checkpoints agree");
        }
        if (reached.getFirst().isEmpty()) return 0;
        for (int m = 0; m < checkpointers.size(); m++) {
            Checkpointer.Resumed r = checkpointers.get(m).restore(population.member(m), sgd, spec, seeds.get(m)).orElseThrow();
            series.get(m).addAll(r.series());
        }
        return reached.getFirst().get();
    }

    private static void report(EvalPoint[] points, List<List<EvalPoint>> series, List<? extends TrainingListener> listeners, long total) {
        for (int m = 0; m < points.length; m++) {
            series.get(m).add(points[m]);
            listeners.get(m).onEvaluation(points[m], total);
        }
    }

    /**
     * Whether members of {@code model} trained under {@code spec} may have different seeds, each member reading its
     * own mini-batches: the first layer must have parameters (it reads each member's batch as later layers read their
     * inputs), and nothing else may be keyed by the seed while training, so no dropout layer (its masks follow the
     * population's seed) and no augmentation (its draws follow the seed).
     *
     * @param model the members' model
     * @param spec  the training settings
     * @return true when {@link #train(Population, ResidentData, TrainingSpec, List, List, List)} accepts different seeds
     */
    public static boolean acceptsSeedsPerMember(ModelSpec model, TrainingSpec spec) {
        // A replayable step is one that draws nothing from the seed: no dropout masks, no augmentation.
        return Population.readsOwnBatches(model) && TrainingStep.replayable(model, spec.augmentation());
    }

    /**
     * One epoch's order for members with their own seeds: entry {@code j*members + n} is entry j of member n's
     * {@link #shuffle}, for the first {@code perMember} entries of each, so gathering rows
     * {@code [b*batch*members, (b+1)*batch*members)} of it puts member n's example i of batch b in row
     * {@code i*members + n}, the layout {@link Population#forwardOwnBatches} reads.
     *
     * @param seeds     one seed per member
     * @param epoch     the epoch, counted from 0
     * @param count     the training examples
     * @param perMember the entries of each member's order used in an epoch (whole batches), at most {@code count}
     * @return a new array of {@code seeds.size() * perMember} example indices
     */
    static int[] interleavedOrder(List<Long> seeds, long epoch, int count, int perMember) {
        int members = seeds.size();
        int[] order = new int[members * perMember];
        Map<Long, int[]> shuffles = new HashMap<>(); // members of one trial share their seed's shuffle
        for (int n = 0; n < members; n++) {
            int[] own = shuffles.computeIfAbsent(seeds.get(n), s -> shuffle(s, epoch, count));
            for (int j = 0; j < perMember; j++) order[j * members + n] = own[j];
        }
        return order;
    }

    /**
     * The example order for one epoch: a permutation keyed by (seed, "data", "shuffle/epoch-e").
     *
     * @param seed  the run's seed
     * @param epoch the epoch, counted from 0
     * @param count the training examples, 0 or more
     * @return a new array holding each of {@code 0..count-1} once, the same on every backend
     */
    public static int[] shuffle(long seed, long epoch, int count) {
        return new KeyedRandom(seed, "data", "shuffle/epoch-" + epoch).permutation(count);
    }

    /**
     * Loss and accuracy of every member over resident data sets: one evaluation-mode forward pass of the whole
     * population per batch, the sums kept in backend memory. A part is one batch, read where it lies (one product per
     * layer over all its examples, no copy), when one member's activations for all of it fit in
     * {@link #EVAL_FLOATS_PER_MEMBER}; otherwise it is gathered in batches of that size (at least {@link #EVAL_BATCH}).
     * The batch size depends on the model and the part, never on the member count, so a member's sums round as they do
     * when it is evaluated alone. Nothing is allocated after the first evaluation.
     */
    static final class Evaluator implements AutoCloseable {
        private final Population population;
        private final Backend backend;
        private final int members;
        private final Tensor stats; // [members, 2]: summed loss, correct predictions
        private final float[] zeros;
        /** Batch buffers by batch size (a part's last batch may be shorter), so evaluations allocate once. */
        private final Map<Integer, Tensor[]> buffers = new HashMap<>();
        private int[] identity = new int[0];

        Evaluator(Population population) {
            this.population = population;
            this.backend = population.backend();
            this.members = population.members();
            this.stats = backend.zeros("eval.stats", members, 2);
            this.zeros = new float[2 * members];
        }

        /** One point per member. */
        EvalPoint[] evaluate(long iteration, ResidentData data) {
            double[][] test = measure(data.test());
            double[][] val = data.validation() == null ? null : measure(data.validation());
            EvalPoint[] points = new EvalPoint[members];
            for (int m = 0; m < members; m++) {
                points[m] = new EvalPoint(iteration, test[m][0], test[m][1], val == null ? Double.NaN : val[m][0], val == null ? Double.NaN : val[m][1]);
            }
            return points;
        }

        /** Each member's mean loss and accuracy over one part. */
        double[][] measure(ResidentData.Part part) {
            stats.copyFrom(zeros);
            int n = part.count(), batch = evaluationBatch(population.spec(), n);
            if (batch == n) {
                backend.softmaxCrossEntropy(population.forward(part.images(), Mode.EVALUATION), members, part.labels(), null, stats);
            } else {
                if (identity.length < n) {
                    identity = new int[n];
                    Arrays.setAll(identity, i -> i);
                }
                for (int from = 0; from < n; from += batch) {
                    int count = Math.min(batch, n - from);
                    Tensor[] xy = buffers.get(count);
                    if (xy == null) {
                        xy = new Tensor[] {backend.zeros("eval.x", count, part.features()), backend.zeros("eval.y", count)};
                        buffers.put(count, xy);
                    }
                    backend.gatherRows(part.images(), identity, from, count, xy[0]);
                    backend.gather(part.labels(), identity, from, count, xy[1]);
                    backend.softmaxCrossEntropy(population.forward(xy[0], Mode.EVALUATION), members, xy[1], null, stats);
                }
            }
            float[] s = stats.toArray();
            double[][] out = new double[members][];
            for (int m = 0; m < members; m++) out[m] = new double[] {s[2 * m] / n, s[2 * m + 1] / (double) n};
            return out;
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
