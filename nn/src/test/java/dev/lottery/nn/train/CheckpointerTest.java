package dev.lottery.nn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.backend.cpu.CpuBackend;
import dev.lottery.nn.model.Network;
import dev.lottery.nn.model.Parameter;
import dev.lottery.nn.model.Presets;
import dev.lottery.nn.model.SyntheticData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run killed mid-way and resumed from its checkpoint ends bitwise where an uninterrupted run ends. */
class CheckpointerTest {
    private final Backend backend = new CpuBackend();
    // Momentum and a schedule change inside the run, so velocity and the iteration counter must both be restored;
    // 130 iterations of batch 50 over 1000 examples cross an epoch boundary (20 per epoch) mid-run.
    private final TrainingSpec spec = new TrainingSpec(
            new OptimizerSpec(LearningRateSchedule.parse("0.05,70:0.02"), 0.9, 1e-4), 50, 130, 20, 0);

    /** Thrown by a listener to stand in for a kill at a given iteration. */
    private static final class Killed extends RuntimeException {
        Killed() {
            super("killed", null, false, false);
        }
    }

    private record Outcome(List<EvalPoint> series, List<float[]> weights) {}

    private Outcome run(Checkpointer checkpointer, long killAt) {
        try (ResidentData data = ResidentData.upload(backend, SyntheticData.split(1000, 200, 30, 4));
             Network net = Network.create(Presets.lenet("small", 24, 12).withInput(30), backend, 5)) {
            TrainingListener listener = new TrainingListener() {
                @Override
                public void onIteration(long iteration, long total) {
                    if (iteration == killAt) throw new Killed();
                }
            };
            TrainingResult r = Trainer.train(net, data, spec, 5, listener, checkpointer);
            List<float[]> weights = new ArrayList<>();
            for (Parameter p : net.parameters()) weights.add(p.value().toArray());
            return new Outcome(r.series(), weights);
        }
    }

    private static void assertBitwiseEqual(Outcome expected, Outcome actual) {
        assertEquals(expected.series(), actual.series(), "evaluation series");
        for (int t = 0; t < expected.weights().size(); t++) {
            float[] a = expected.weights().get(t), b = actual.weights().get(t);
            assertEquals(a.length, b.length);
            for (int i = 0; i < a.length; i++) {
                assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]), "tensor " + t + "[" + i + "]");
            }
        }
    }

    @Test
    void resumedRunIsBitwiseIdenticalToUninterruptedRun(@TempDir Path dir) throws java.io.IOException {
        Outcome plain = run(null, -1);
        Checkpointer ckpt = new Checkpointer(dir.resolve("train.ckpt"), 30);
        // Killed at 75: the checkpoint from iteration 60 survives, iterations 61..75 are lost and redone.
        assertThrows(Killed.class, () -> run(ckpt, 75));
        assertTrue(Files.exists(ckpt.file()), "checkpoint written before the kill");
        // Killed again at 100 (after resuming from 60 and saving at 90), then resumed to the end.
        assertThrows(Killed.class, () -> run(ckpt, 100));
        Outcome resumed = run(ckpt, -1);
        assertBitwiseEqual(plain, resumed);
        assertEquals(8, resumed.series().size(), "evaluations at 0, 20, ..., 120 and at 130");
        try (var files = Files.list(dir)) {
            assertEquals(List.of(ckpt.file()), files.toList(), "no temporary files left behind");
        }
    }

    @Test
    void checkpointedRunWithoutKillsEqualsPlainRunAndDeleteRemovesTheFile(@TempDir Path dir) {
        Checkpointer ckpt = new Checkpointer(dir.resolve("c.ckpt"), 40);
        assertBitwiseEqual(run(null, -1), run(ckpt, -1));
        assertTrue(Files.exists(ckpt.file()));
        ckpt.delete();
        assertFalse(Files.exists(ckpt.file()));
    }

    @Test
    void checkpointOfAnotherRunIsRefused(@TempDir Path dir) {
        Checkpointer ckpt = new Checkpointer(dir.resolve("c.ckpt"), 30);
        assertThrows(Killed.class, () -> run(ckpt, 45));
        try (ResidentData data = ResidentData.upload(backend, SyntheticData.split(1000, 200, 30, 4));
             Network net = Network.create(Presets.lenet("small", 24, 12).withInput(30), backend, 5)) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> Trainer.train(net, data, spec, 6, TrainingListener.NONE, ckpt));
            assertTrue(e.getMessage().contains("another run"), e.getMessage());
        }
    }
}
