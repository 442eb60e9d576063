package dev.lottery.nn.train;

import dev.lottery.nn.internal.AtomicFiles;
import dev.lottery.nn.model.Network;
import dev.lottery.nn.model.Parameter;
import dev.lottery.nn.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Training checkpoints for runs that may be killed (a preempted or requeued batch job): every {@code every}
 * iterations the {@link Trainer} saves one network's parameters, momentum buffers, the iteration reached and the
 * evaluation series so far to one file (a population saves each member to its own checkpointer), and a later {@link Trainer#train(Network, ResidentData, TrainingSpec, long,
 * TrainingListener, Checkpointer) train} call with the same checkpointer starts from there. Because data order is
 * keyed by (seed, epoch) and nothing else carries state across iterations, the resumed run is bitwise identical to
 * an uninterrupted one.
 *
 * <p>The file is written to a temporary name, forced to disk and renamed over the old one, so a kill at any moment
 * leaves either the previous checkpoint or the new one, never a torn file. A checkpoint records a fingerprint of
 * the run (training settings, seed, tensor names and sizes); resuming a different run from it is a bug and throws.
 * Masks are not saved: they are fixed for the whole run and belong to whoever set them up.
 */
public final class Checkpointer {
    private static final long MAGIC = 0x4C54434B50543031L; // "LTCKPT01"

    private final Path file;
    private final long every;

    /**
     * Saves to {@code file} every {@code every} iterations (not at the end: the finished run is the caller's to store).
     *
     * @param file  the checkpoint file; replaced at every save, and read back when a run starts with it present
     * @param every iterations between checkpoints, at least 1
     * @throws IllegalArgumentException if {@code every} is not positive
     */
    public Checkpointer(Path file, long every) {
        if (every <= 0) throw new IllegalArgumentException("checkpoint interval must be positive, got " + every);
        this.file = file;
        this.every = every;
    }

    /**
     * The checkpoint file.
     *
     * @return the path given to the constructor; the file may not exist yet
     */
    public Path file() {
        return file;
    }

    /**
     * Iterations between checkpoints.
     *
     * @return the interval given to the constructor, at least 1
     */
    public long every() {
        return every;
    }

    /** Whether to save after {@code done} of {@code total} iterations. */
    boolean due(long done, long total) {
        return done % every == 0 && done < total;
    }

    /**
     * Removes the checkpoint (once the caller has stored the finished run, it is only disk space).
     *
     * @throws UncheckedIOException if the file exists and cannot be deleted
     */
    public void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete checkpoint " + file, e);
        }
    }

    /** What a checkpoint restores besides tensors: the iterations done and the evaluations made so far. */
    record Resumed(long iteration, List<EvalPoint> series) {}

    static String fingerprint(Network network, TrainingSpec spec, long seed) {
        StringBuilder sb = new StringBuilder(spec.canonical()).append(";seed=").append(seed);
        for (Parameter p : network.parameters()) sb.append(';').append(p.name()).append('=').append(p.size());
        return sb.toString();
    }

    private static List<Tensor> tensors(Network network, Sgd sgd) {
        List<Tensor> out = new ArrayList<>();
        for (Parameter p : network.parameters()) out.add(p.value());
        for (Tensor v : sgd.velocities(network.member())) {
            if (v != null) out.add(v);
        }
        return out;
    }

    void save(Network network, Sgd sgd, TrainingSpec spec, long seed, long iteration, List<EvalPoint> series) {
        List<Tensor> tensors = tensors(network, sgd);
        byte[] print = fingerprint(network, spec, seed).getBytes(StandardCharsets.UTF_8);
        long bytes = 8 + 4 + print.length + 8 + 4 + series.size() * 40L + 4;
        for (Tensor t : tensors) bytes += 8 + t.size() * 4;
        ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(bytes)).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(MAGIC).putInt(print.length).put(print).putLong(iteration).putInt(series.size());
        for (EvalPoint p : series) {
            buf.putLong(p.iteration()).putDouble(p.testLoss()).putDouble(p.testAccuracy())
                    .putDouble(p.validationLoss()).putDouble(p.validationAccuracy());
        }
        buf.putInt(tensors.size());
        for (Tensor t : tensors) {
            float[] values = t.toArray();
            buf.putLong(values.length);
            buf.asFloatBuffer().put(values);
            buf.position(buf.position() + values.length * 4);
        }
        buf.flip();
        AtomicFiles.write(file, ch -> AtomicFiles.writeFully(ch, buf));
    }

    /**
     * The iteration the checkpoint reached, if one exists (a population resumes only members that agree on it).
     *
     * @return the iterations done when the checkpoint was saved; empty when the file does not exist
     * @throws IllegalStateException if the file is not a training checkpoint or is truncated
     * @throws UncheckedIOException if the file cannot be read
     */
    public Optional<Long> iteration() {
        if (!Files.exists(file)) return Optional.empty();
        try (InputStream in = Files.newInputStream(file)) {
            ByteBuffer head = ByteBuffer.wrap(in.readNBytes(12)).order(ByteOrder.LITTLE_ENDIAN);
            if (head.remaining() < 12 || head.getLong() != MAGIC) throw new IllegalStateException("not a training checkpoint: " + file);
            in.skipNBytes(head.getInt());
            ByteBuffer iteration = ByteBuffer.wrap(in.readNBytes(8)).order(ByteOrder.LITTLE_ENDIAN);
            if (iteration.remaining() < 8) throw new IllegalStateException("truncated training checkpoint: " + file);
            return Optional.of(iteration.getLong());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoint " + file, e);
        }
    }

    /** Loads the checkpoint into the network and optimizer, if one exists. */
    Optional<Resumed> restore(Network network, Sgd sgd, TrainingSpec spec, long seed) {
        if (!Files.exists(file)) return Optional.empty();
        ByteBuffer buf;
        try {
            buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoint " + file, e);
        }
        if (buf.getLong() != MAGIC) throw new IllegalStateException("not a training checkpoint: " + file);
        byte[] print = new byte[buf.getInt()];
        buf.get(print);
        String expected = fingerprint(network, spec, seed);
        if (!expected.equals(new String(print, StandardCharsets.UTF_8))) {
            throw new IllegalStateException("checkpoint " + file + " belongs to another run: "
                    + new String(print, StandardCharsets.UTF_8) + " (this run: " + expected + ")");
        }
        long iteration = buf.getLong();
        int points = buf.getInt();
        List<EvalPoint> series = new ArrayList<>(points);
        for (int i = 0; i < points; i++) {
            series.add(new EvalPoint(buf.getLong(), buf.getDouble(), buf.getDouble(), buf.getDouble(), buf.getDouble()));
        }
        List<Tensor> tensors = tensors(network, sgd);
        if (buf.getInt() != tensors.size()) throw new IllegalStateException("checkpoint " + file + " holds another set of tensors");
        for (Tensor t : tensors) {
            long n = buf.getLong();
            if (n != t.size()) throw new IllegalStateException("checkpoint " + file + ": " + t.name() + " has " + n + " values, expected " + t.size());
            float[] values = new float[Math.toIntExact(n)];
            buf.asFloatBuffer().get(values);
            buf.position(buf.position() + values.length * 4);
            t.copyFrom(values);
        }
        return Optional.of(new Resumed(iteration, series));
    }
}
