package dev.lottery.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lottery.nn.UserError;
import dev.lottery.nn.backend.Backend;
import dev.lottery.nn.backend.cpu.CpuBackend;
import dev.lottery.nn.model.LayerKind;
import dev.lottery.nn.model.ModelSpec;
import dev.lottery.nn.model.Network;
import dev.lottery.nn.model.Parameter;
import dev.lottery.nn.model.Presets;
import dev.lottery.nn.tensor.Tensor;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PruningTest {
    private final Backend backend = new CpuBackend();
    /** 64 inputs, 40-20-10: small enough to check every entry. */
    private static final ModelSpec SMALL = Presets.lenet("small", 40, 20).withInput(64);

    private static float[] ones(int n) {
        float[] m = new float[n];
        Arrays.fill(m, 1f);
        return m;
    }

    @Test
    void roundingRuleIsRoundHalfUpOfRateTimesSurvivors() {
        assertEquals(7, PruningStrategy.remainingAfter(10, 0.25, 1)); // 2.5 rounds up to 3
        assertEquals(8, PruningStrategy.remainingAfter(10, 0.2, 1));
        assertEquals(6, PruningStrategy.remainingAfter(8, 0.2, 1)); // 1.6 -> 2
        assertEquals(235_200 - 47_040, PruningStrategy.remainingAfter(235_200, 0.2, 1));
        assertEquals(10, PruningStrategy.remainingAfter(10, 0.5, 0));
        // level k is k steps: 100 -> 80 -> 64 -> 51 (12.8 -> 13)
        assertEquals(51, PruningStrategy.remainingAfter(100, 0.2, 3));
    }

    @Test
    void prunesExactlyTheSmallestMagnitudesWithTiesToTheLowerIndex() {
        try (Tensor w = backend.upload("w", new float[] {0.5f, -0.1f, 0.1f, 0.3f, -0.1f, 2f, 0f, -0.3f}, 2, 4);
             Tensor m = backend.upload("m", new float[] {1, 1, 1, 1, 1, 1, 0, 1}, 2, 4)) {
            // entry 6 is already pruned and must not count; |-0.1| = |0.1| = |-0.1| tie -> indices 1, 2, 4 in order
            backend.pruneSmallestMagnitude(w, m, 2);
            assertArrayEquals(new float[] {1, 0, 0, 1, 1, 1, 0, 1}, m.toArray());
            backend.pruneSmallestMagnitude(w, m, 2); // 4 (0.1), then 0.3 at index 3 before index 7
            assertArrayEquals(new float[] {1, 0, 0, 0, 0, 1, 0, 1}, m.toArray());
            assertEquals(3, backend.countNonZero(m));
            assertArrayEquals(new float[] {0.5f, -0.1f, 0.1f, 0.3f, -0.1f, 2f, 0f, -0.3f}, w.toArray(), "weights untouched");
            assertThrows(IllegalArgumentException.class, () -> backend.pruneSmallestMagnitude(w, m, 4));
        }
    }

    @Test
    void globalPruningRanksAcrossTensorsWithTiesByTensorOrder() {
        try (Tensor a = backend.upload("a", new float[] {0.2f, 0.9f, 0.05f}, 3);
             Tensor b = backend.upload("b", new float[] {0.2f, 0.01f}, 2);
             Tensor ma = backend.upload("ma", ones(3), 3);
             Tensor mb = backend.upload("mb", ones(2), 2)) {
            backend.pruneSmallestMagnitudeGlobal(List.of(a, b), List.of(ma, mb), 3);
            // 0.01 (b1), 0.05 (a2), then the tie 0.2: a0 comes before b0
            assertArrayEquals(new float[] {0, 1, 0}, ma.toArray());
            assertArrayEquals(new float[] {1, 0}, mb.toArray());
        }
    }

    @Test
    void layerwiseStepsKeepTheRatesPerLayerAndOneShotReachesTheSameCounts() {
        PruningStrategy s = PruningStrategy.LayerwiseMagnitude.fullyConnected(0.2);
        try (Network iterative = Network.create(SMALL, backend, 3); Network oneShot = Network.create(SMALL, backend, 3)) {
            for (int level = 1; level <= 4; level++) {
                s.pruneStep(iterative);
                List<SurvivorCount> counts = SurvivorCount.of(iterative);
                s.checkLevel(counts, level);
                for (SurvivorCount c : counts) {
                    double rate = c.kind() == LayerKind.OUTPUT ? 0.1 : 0.2;
                    assertEquals(Math.pow(1 - rate, level), c.fraction(), 1.0 / c.total() * level, c.name() + " level " + level);
                }
                try (NetworkState theta0 = NetworkState.capture(iterative)) {
                    theta0.restoreInto(iterative); // applies the masks to the weights
                }
                SurvivorCount.requireMaskedWeightsZero(iterative, "level " + level);
            }
            s.pruneTo(oneShot, 4);
            assertEquals(SurvivorCount.of(iterative), SurvivorCount.of(oneShot));
            assertThrows(IllegalStateException.class, () -> s.pruneTo(oneShot, 1), "one-shot needs a dense network");
        }
    }

    @Test
    void globalStrategyKeepsTheOverallCountAndCanLeaveKindsUnpruned() {
        try (Network net = Network.create(SMALL, backend, 5)) {
            PruningStrategy g = new PruningStrategy.GlobalMagnitude(0.3);
            g.pruneStep(net);
            g.pruneStep(net);
            g.checkLevel(SurvivorCount.of(net), 2);
            long total = SMALL.parameterCount().weights();
            assertEquals(PruningStrategy.remainingAfter(total, 0.3, 2), SurvivorCount.of(net).stream().mapToLong(SurvivorCount::remaining).sum());
        }
        try (Network net = Network.create(SMALL, backend, 5)) {
            new PruningStrategy.LayerwiseMagnitude(0.5, 0, 0).pruneStep(net);
            for (SurvivorCount c : SurvivorCount.of(net)) {
                assertEquals(c.kind() == LayerKind.OUTPUT ? c.total() : c.total() / 2, c.remaining(), c.name());
            }
        }
    }

    @Test
    void restoringAStateResetsSurvivorsBitwiseAndZeroesThePruned(@TempDir Path dir) {
        try (Network net = Network.create(SMALL, backend, 11)) {
            try (NetworkState theta0 = NetworkState.capture(net)) {
                theta0.write(dir.resolve("theta0"));
            }
            List<float[]> before = net.parameters().stream().map(p -> p.value().toArray()).toList();
            // "train": change every weight, then prune by the changed magnitudes
            for (Parameter p : net.parameters()) {
                float[] v = p.value().toArray();
                for (int i = 0; i < v.length; i++) v[i] = v[i] * 1.5f + 0.01f * (i % 7);
                p.value().copyFrom(v);
            }
            PruningStrategy.LayerwiseMagnitude.fullyConnected(0.5).pruneStep(net);
            try (NetworkState theta0 = NetworkState.read(dir.resolve("theta0"), net)) {
                theta0.restoreInto(net);
            }
            for (int i = 0; i < before.size(); i++) {
                Parameter p = net.parameters().get(i);
                float[] now = p.value().toArray();
                float[] mask = p.mask() == null ? ones(now.length) : p.mask().toArray();
                for (int j = 0; j < now.length; j++) {
                    int want = mask[j] == 0 ? Float.floatToRawIntBits(0f) : Float.floatToRawIntBits(before.get(i)[j]);
                    assertEquals(want, Float.floatToRawIntBits(now[j]), p.name() + "[" + j + "]");
                }
            }
        }
    }

    @Test
    void rearrangementKeepsPerLayerCountsAtNewKeyedPositions(@TempDir Path dir) {
        try (Network a = Network.create(SMALL, backend, 2); Network b = Network.create(SMALL, backend, 2)) {
            PruningStrategy s = PruningStrategy.LayerwiseMagnitude.fullyConnected(0.6);
            s.pruneStep(a);
            MaskFiles.write(a, dir);
            MaskFiles.read(dir, b);
            List<SurvivorCount> before = SurvivorCount.of(a);
            float[] ticketMask = a.prunable().getFirst().mask().toArray();
            Rearrangement.apply(a, 9, "rearrange/iterative/level-1");
            Rearrangement.apply(b, 9, "rearrange/iterative/level-1");
            assertEquals(before, SurvivorCount.of(a), "same count per layer");
            float[] moved = a.prunable().getFirst().mask().toArray();
            assertNotEquals(Arrays.toString(ticketMask), Arrays.toString(moved));
            int overlap = 0;
            for (int i = 0; i < moved.length; i++) if (moved[i] == 1 && ticketMask[i] == 1) overlap++;
            // 40 % kept: a random placement overlaps the ticket on about 40 % of its survivors, not all of them
            assertTrue(overlap < 0.6 * before.getFirst().remaining(), "overlap " + overlap);
            for (int i = 0; i < a.prunable().size(); i++) {
                assertArrayEquals(a.prunable().get(i).mask().toArray(), b.prunable().get(i).mask().toArray(), "keyed: same permutation");
            }
        }
    }

    @Test
    void strategiesReadTheirCanonicalFormBackAndNothingElse() {
        assertEquals("layerwise_magnitude(fc=0.2,conv=0.0,output=0.1)", PruningStrategy.LayerwiseMagnitude.fullyConnected(0.2).canonical());
        for (PruningStrategy s : List.of(PruningStrategy.LayerwiseMagnitude.fullyConnected(0.2), new PruningStrategy.LayerwiseMagnitude(0.2, 0.1, 0.05),
                new PruningStrategy.LayerwiseMagnitude(0, 0.2, 0), new PruningStrategy.GlobalMagnitude(0.2))) {
            assertEquals(s, PruningStrategy.parse(s.canonical()));
        }
        // one text form only: the old shorthand, other spellings of a number and bad rates are one-line errors
        for (String bad : List.of("layerwise:0.2", "global:0.2", "layerwise_magnitude(fc=.2,conv=0.0,output=0.1)",
                "global_magnitude(rate=1.5)", "magic(rate=0.2)")) {
            UserError e = assertThrows(UserError.class, () -> PruningStrategy.parse(bad), bad);
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
        assertThrows(UserError.class, () -> PruningStrategy.LayerwiseMagnitude.fullyConnected(1.5));
    }
}
