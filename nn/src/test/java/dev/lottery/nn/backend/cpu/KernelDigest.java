package dev.lottery.nn.backend.cpu;

import dev.lottery.nn.backend.MaskedOperand;
import dev.lottery.nn.backend.MatrixBatch;
import dev.lottery.nn.backend.PreparedMask;
import dev.lottery.nn.data.DataSplit;
import dev.lottery.nn.init.Initializer;
import dev.lottery.nn.model.Activation;
import dev.lottery.nn.model.ImageShape;
import dev.lottery.nn.model.LayerKind;
import dev.lottery.nn.model.LayerSpec;
import dev.lottery.nn.model.ModelSpec;
import dev.lottery.nn.model.Parameter;
import dev.lottery.nn.model.Population;
import dev.lottery.nn.model.SyntheticData;
import dev.lottery.nn.rng.KeyedRandom;
import dev.lottery.nn.tensor.Tensor;
import dev.lottery.nn.train.OptimizerSpec;
import dev.lottery.nn.train.ResidentData;
import dev.lottery.nn.train.Trainer;
import dev.lottery.nn.train.TrainingListener;
import dev.lottery.nn.train.TrainingResult;
import dev.lottery.nn.train.TrainingSpec;
import dev.lottery.nn.train.LearningRateSchedule;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A fixed set of CPU computations reduced to one SHA-256 of their bits: dense products in all four transpose
 * combinations, the masked products and SGD step at three densities, products over a constant input's background
 * form, the element-wise ops, and a short training run
 * of a population with sparse members. {@code VectorWidthsTest} runs {@link #main} in JVMs at every vector width and
 * without the Vector API and expects one digest from all of them.
 */
public final class KernelDigest {
    private final MessageDigest sha;
    private final CpuBackend backend = new CpuBackend(true);

    private KernelDigest() {
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Prints {@code lanes=<n> digest=<hex>}. */
    public static void main(String[] args) {
        System.out.println("lanes=" + CpuKernels.active().lanes() + " digest=" + compute());
    }

    static String compute() {
        return new KernelDigest().run();
    }

    private void add(Tensor t) {
        float[] v = t.toArray();
        ByteBuffer bytes = ByteBuffer.allocate(4 * v.length);
        for (float f : v) bytes.putInt(Float.floatToRawIntBits(f));
        sha.update(bytes.array());
    }

    private void add(TrainingResult r) {
        r.series().forEach(p -> sha.update(p.toString().getBytes()));
    }

    private Tensor random(SplittableRandom rnd, int... shape) {
        int size = 1;
        for (int d : shape) size *= d;
        float[] v = new float[size];
        for (int i = 0; i < size; i++) v[i] = rnd.nextInt(5) == 0 ? 0f : (float) rnd.nextGaussian();
        return backend.upload("r", v, shape);
    }

    private String run() {
        SplittableRandom rnd = new SplittableRandom(42);
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                int m = 37, n = 45, k = 300;
                try (Tensor a = ta ? random(rnd, k, m) : random(rnd, m, k); Tensor b = tb ? random(rnd, n, k) : random(rnd, k, n);
                     Tensor c = backend.zeros("c", m, n)) {
                    backend.gemm(ta, tb, 1f, a, b, 0f, c);
                    add(c);
                }
            }
        }
        maskedProducts(rnd, 70);
        maskedProducts(rnd, 60);
        backgroundProducts(rnd);
        try (Tensor y = random(rnd, 9, 31); Tensor bias = random(rnd, 31); Tensor x = random(rnd, 9, 31); Tensor sums = backend.zeros("s", 31)) {
            backend.addBiasRelu(y, bias);
            backend.reluBackward(y, x);
            backend.sumRows(x, sums);
            backend.multiply(y, x);
            backend.add(y, x);
            add(y);
            add(x);
            add(sums);
        }
        training();
        return HexFormat.of().formatHex(sha.digest());
    }

    /**
     * The masked products and update of a population with sparse members, for a batch of {@code batch} examples (60
     * rounds up to 64 positions at every width, the training batch's own kernels; 70 to the general ones).
     */
    private void maskedProducts(SplittableRandom rnd, int batch) {
        double[] densities = {0.03, 0.3, 0.9};
        int members = densities.length, units = 40, inputs = 300;
        float[] mask = new float[members * units * inputs];
        for (int i = 0; i < mask.length; i++) mask[i] = rnd.nextDouble() < densities[i / (units * inputs)] ? 1f : 0f;
        try (Tensor w = random(rnd, members, units, inputs); Tensor m = backend.upload("m", mask, members, units, inputs);
             Tensor x = random(rnd, batch, inputs); Tensor dy = random(rnd, batch, members * units);
             Tensor y = backend.zeros("y", batch, members * units); Tensor dx = backend.zeros("dx", batch, members * inputs);
             Tensor dw = backend.zeros("dw", members, units, inputs); Tensor v = backend.zeros("v", members, units, inputs)) {
            backend.applyMask(w, m);
            try (PreparedMask plan = backend.prepareMask(m, units, inputs)) {
                MatrixBatch wb = MatrixBatch.stacked(w, units, inputs), dyb = MatrixBatch.columnBlocks(dy, members, units);
                backend.maskedGemm(members, false, true, 1f, MatrixBatch.shared(x, inputs), wb, 0f, MatrixBatch.columnBlocks(y, members, units), MaskedOperand.B, plan);
                backend.maskedGemm(members, false, false, 1f, dyb, wb, 0f, MatrixBatch.columnBlocks(dx, members, inputs), MaskedOperand.B, plan);
                backend.maskedGemm(members, true, false, 1f, dyb, MatrixBatch.shared(x, inputs), 0f, MatrixBatch.stacked(dw, units, inputs), MaskedOperand.C, plan);
                backend.applyMask(dw, m);
                backend.sgdStep(w, dw, plan, v, 0.1f, 0.9f, 1e-3f);
            }
            add(y);
            add(dx);
            add(dw);
            add(w);
            add(v);
        }
    }

    /**
     * Forward products over a constant input that is mostly one background value ({@link BackgroundInput}), whose blocks
     * follow the vector width's tile height: one network, and a population whose members span the crossovers.
     */
    private void backgroundProducts(SplittableRandom rnd) {
        int rows = 100, inputs = 150, units = 40;
        float background = -0.4242f;
        float[] x = new float[rows * inputs];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < inputs; i++) {
                boolean departs = i >= r / 3 && i < r / 3 + 50 && rnd.nextBoolean();
                x[r * inputs + i] = departs ? (float) rnd.nextGaussian() : background;
            }
        }
        double[] densities = {0.03, 0.3, 0.9};
        int members = densities.length;
        float[] mask = new float[members * units * inputs];
        for (int i = 0; i < mask.length; i++) mask[i] = rnd.nextDouble() < densities[i / (units * inputs)] ? 1f : 0f;
        try (Tensor xt = backend.upload("x", x, rows, inputs); Tensor w = random(rnd, members, units, inputs);
             Tensor m = backend.upload("m", mask, members, units, inputs); Tensor one = backend.zeros("y", rows, units);
             Tensor y = backend.zeros("y", rows, members * units)) {
            backend.markConstant(xt);
            backend.applyMask(w, m);
            MatrixBatch wb = MatrixBatch.stacked(w, units, inputs);
            backend.gemm(1, false, true, 1f, MatrixBatch.of(xt), wb, 0f, MatrixBatch.of(one));
            try (PreparedMask plan = backend.prepareMask(m, units, inputs)) {
                backend.maskedGemm(members, false, true, 1f, MatrixBatch.shared(xt, inputs), wb, 0f, MatrixBatch.columnBlocks(y, members, units),
                        MaskedOperand.B, plan);
            }
            add(one);
            add(y);
        }
    }

    /** Two members, one very sparse and one dense, trained for a few iterations with momentum and weight decay. */
    private void training() {
        Initializer weights = new Initializer.Normal(0.3), biases = new Initializer.Normal(0.05);
        ModelSpec model = new ModelSpec("digest", ImageShape.flat(128), List.of(
                new LayerSpec.Dense("fc1", 40, Activation.RELU, LayerKind.FULLY_CONNECTED),
                new LayerSpec.Dense("out", 4, Activation.NONE, LayerKind.OUTPUT)), weights, biases);
        DataSplit split = SyntheticData.split(120, 50, 128, 4);
        TrainingSpec spec = new TrainingSpec(new OptimizerSpec(LearningRateSchedule.constant(0.05), 0.9, 1e-4), 20, 12, 6, 0);
        try (ResidentData data = ResidentData.upload(backend, split); Population population = Population.create(model, backend, 2, 3)) {
            for (int member = 0; member < 2; member++) {
                for (Parameter p : population.member(member).prunable()) {
                    KeyedRandom r = new KeyedRandom(member, p.name(), "mask");
                    float[] mask = new float[Math.toIntExact(p.size())];
                    for (int i = 0; i < mask.length; i++) mask[i] = r.uniform(i) < (member == 0 ? 0.04 : 0.95) ? 1f : 0f;
                    p.mask().copyFrom(mask);
                }
            }
            List<TrainingResult> results = Trainer.train(population, data, spec, 9, Collections.nCopies(2, TrainingListener.NONE),
                    Collections.nCopies(2, null));
            results.forEach(this::add);
            for (Parameter p : population.parameters()) add(p.value());
        }
    }
}
