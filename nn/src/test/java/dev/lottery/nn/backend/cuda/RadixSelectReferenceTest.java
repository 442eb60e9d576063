package dev.lottery.nn.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lottery.nn.backend.cpu.CpuBackend;
import dev.lottery.nn.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The device's pruning algorithm (radix select in two phases, then one pruning pass), run step by step on host
 * arrays, prunes exactly the entries the CPU backend's sort-based pruning prunes: per tensor and global, with
 * heavy ties, negative values and zeros, already-masked entries, and every amount from one entry to all.
 */
class RadixSelectReferenceTest {
    private final CpuBackend cpu = new CpuBackend();

    /** Weights drawn from few distinct magnitudes (so ties are common) with random signs; some masked. */
    private static float[][] layer(SplittableRandom r, int n, int distinct, double maskedFraction) {
        float[] w = new float[n], m = new float[n];
        for (int i = 0; i < n; i++) {
            float mag = distinct > 0 ? (r.nextInt(distinct) + 1) * 0.01f : (float) Math.abs(r.nextGaussian());
            if (r.nextInt(50) == 0) mag = 0f;
            w[i] = r.nextBoolean() ? mag : -mag;
            m[i] = r.nextDouble() < maskedFraction ? 0f : 1f;
            if (m[i] == 0f) w[i] = 0f;
        }
        return new float[][] {w, m};
    }

    private List<float[]> cpuPrune(List<float[]> weights, List<float[]> masks, long count) {
        List<Tensor> wt = new ArrayList<>(), mt = new ArrayList<>();
        try {
            for (int t = 0; t < weights.size(); t++) {
                wt.add(cpu.upload("w" + t, weights.get(t), weights.get(t).length));
                mt.add(cpu.upload("m" + t, masks.get(t), masks.get(t).length));
            }
            cpu.pruneSmallestMagnitudeGlobal(wt, mt, count);
            return mt.stream().map(Tensor::toArray).toList();
        } finally {
            wt.forEach(Tensor::close);
            mt.forEach(Tensor::close);
        }
    }

    private void assertSameAsCpu(List<float[]> weights, List<float[]> masks, long count, String what) {
        List<float[]> expected = cpuPrune(weights, masks, count);
        List<float[]> actual = masks.stream().map(float[]::clone).toList();
        RadixSelectReference.prune(weights, actual, count);
        for (int t = 0; t < masks.size(); t++) assertArrayEquals(expected.get(t), actual.get(t), what + ", tensor " + t + ", count " + count);
        long before = masks.stream().mapToLong(RadixSelectReferenceTest::alive).sum();
        long after = actual.stream().mapToLong(RadixSelectReferenceTest::alive).sum();
        assertEquals(before - count, after, "exactly count entries pruned");
    }

    private static long alive(float[] m) {
        long n = 0;
        for (float v : m) if (v != 0f) n++;
        return n;
    }

    @Test
    void perTensorPruningMatchesTheCpuForEveryAmountWithHeavyTies() {
        SplittableRandom r = new SplittableRandom(11);
        float[][] l = layer(r, 700, 5, 0.3);
        long alive = alive(l[1]);
        for (long count = 1; count <= alive; count += 1 + count / 7) {
            assertSameAsCpu(List.of(l[0]), List.of(l[1]), count, "5 magnitudes");
        }
        assertSameAsCpu(List.of(l[0]), List.of(l[1]), alive, "all");
    }

    @Test
    void perTensorPruningMatchesTheCpuOnContinuousWeights() {
        SplittableRandom r = new SplittableRandom(12);
        float[][] l = layer(r, 20_000, 0, 0.0);
        for (long count : new long[] {1, 2, 199, 4_000, 10_000, 19_999, 20_000}) {
            assertSameAsCpu(List.of(l[0]), List.of(l[1]), count, "gaussian");
        }
    }

    @Test
    void globalPruningRanksAllTensorsTogetherWithTiesByPosition() {
        SplittableRandom r = new SplittableRandom(13);
        float[][] a = layer(r, 3_000, 40, 0.5), b = layer(r, 1_000, 40, 0.2), c = layer(r, 100, 3, 0.0);
        List<float[]> weights = List.of(a[0], b[0], c[0]);
        List<float[]> masks = List.of(a[1], b[1], c[1]);
        long alive = masks.stream().mapToLong(RadixSelectReferenceTest::alive).sum();
        for (long count : new long[] {1, 17, 100, alive / 3, alive / 2, alive - 1, alive}) {
            assertSameAsCpu(weights, masks, count, "global");
        }
    }

    @Test
    void selectionFindsTheThresholdKeyAndTheLastTiedIndex() {
        // |w| = 0.5, 0.25, 0.5, 0.25, 0.5: order (0.25@1, 0.25@3, 0.5@0, 0.5@2, 0.5@4); position 3 is 0.5@2.
        float[] w = {0.5f, -0.25f, -0.5f, 0.25f, 0.5f};
        float[] m = {1, 1, 1, 1, 1};
        RadixSelectReference.State s = RadixSelectReference.select(List.of(w), List.of(m), 3);
        assertEquals(Float.floatToRawIntBits(0.5f), s.threshold);
        assertEquals(2, s.prefix);
        RadixSelectReference.prune(List.of(w), List.of(m), 4);
        assertArrayEquals(new float[] {0, 0, 0, 0, 1}, m);
    }
}
