package dev.lottery.nn.rng;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeyedRandomTest {
    private final KeyedRandom rng = new KeyedRandom(42, "fc1.weight", "init");

    @Test
    void sameKeySameDrawsDifferentKeyDifferentDraws() {
        float[] a = new float[1000], b = new float[1000];
        rng.fillNormal(a, 0, 1);
        new KeyedRandom(42, "fc1.weight", "init").fillNormal(b, 0, 1);
        assertArrayEquals(a, b);
        for (KeyedRandom other : new KeyedRandom[]{new KeyedRandom(43, "fc1.weight", "init"),
                new KeyedRandom(42, "fc2.weight", "init"), rng.withPurpose("reinit")}) {
            other.fillNormal(b, 0, 1);
            assertTrue(IntStream.range(0, a.length).filter(i -> a[i] == b[i]).count() < 5, other.toString());
        }
    }

    @Test
    void separatorKeepsNameAndPurposeApart() {
        assertNotEquals(KeyedRandom.key(1, "ab", "c"), KeyedRandom.key(1, "a", "bc"));
    }

    @Test
    void drawsAreElementIndexedNotCallOrdered() {
        float[] whole = new float[257];
        rng.fillTruncatedNormal(whole, 0, 1);
        float[] prefix = new float[100];
        rng.fillTruncatedNormal(prefix, 0, 1);
        assertArrayEquals(Arrays.copyOf(whole, 100), prefix, "a shorter fill is a prefix of a longer one");
        for (int i = whole.length - 1; i >= 0; i -= 7) { // backwards, one at a time
            assertEquals(whole[i], (float) rng.truncatedNormal(i), "element " + i);
        }
        float[] uniform = new float[50];
        rng.fillUniform(uniform, 0, 1);
        for (int i = 49; i >= 0; i--) assertEquals(uniform[i], (float) rng.uniform(i));
    }

    @Test
    void pinnedValuesGuardTheDocumentedAlgorithm() {
        // Recomputes the first draws by the formulas of docs/rng.md, straight from Philox, so the documented
        // algorithm (and hence the CUDA twin) cannot silently drift from the Java one.
        int[] w = new int[4];
        Philox4x32.block(3, 0, 0, 0, rng.key0(), rng.key1(), w);
        double u53 = (((w[0] & 0xFFFFFFFFL) << 21) | ((w[1] & 0xFFFFFFFFL) >>> 11)) / 9007199254740992.0;
        assertEquals(u53, rng.uniform(3));
        long key = KeyedRandom.key(42, "fc1.weight", "init");
        assertEquals((int) key, rng.key0());
        assertEquals((int) (key >>> 32), rng.key1());
    }

    @Test
    void uniformMomentsAndRange() {
        int n = 200_000;
        double sum = 0, sq = 0;
        for (int i = 0; i < n; i++) {
            double u = rng.uniform(i);
            assertTrue(u >= 0 && u < 1);
            sum += u;
            sq += u * u;
        }
        assertEquals(0.5, sum / n, 0.005);
        assertEquals(1.0 / 12, sq / n - (sum / n) * (sum / n), 0.002);
    }

    @Test
    void normalMoments() {
        float[] z = new float[400_000];
        rng.fillNormal(z, 1.5f, 2f);
        double mean = 0, var = 0;
        for (float v : z) mean += v;
        mean /= z.length;
        for (float v : z) var += (v - mean) * (v - mean);
        var /= z.length;
        assertEquals(1.5, mean, 0.02);
        assertEquals(4.0, var, 0.05);
        long beyond3 = IntStream.range(0, z.length).filter(i -> Math.abs(z[i] - 1.5) > 6).count();
        assertEquals(0.0027 * z.length, beyond3, 0.0027 * z.length * 0.2, "tail mass beyond 3 sigma");
    }

    @Test
    void permutationIsAPermutationReproducibleAndVaried() {
        int[] p = rng.permutation(1000);
        int[] sorted = p.clone();
        Arrays.sort(sorted);
        assertArrayEquals(IntStream.range(0, 1000).toArray(), sorted);
        assertArrayEquals(p, new KeyedRandom(42, "fc1.weight", "init").permutation(1000));
        assertTrue(IntStream.range(0, 1000).filter(i -> p[i] == i).count() < 10, "hardly any fixed points");
        assertEquals(0, rng.permutation(0).length);
        assertArrayEquals(new int[]{0}, rng.permutation(1));
        // Every position is equally likely to receive element 0 (chi-square-ish check over 3 positions).
        int[] counts = new int[3];
        for (int s = 0; s < 6000; s++) counts[indexOf(new KeyedRandom(s, "x", "perm").permutation(3), 0)]++;
        for (int c : counts) assertEquals(2000, c, 150);
    }

    private static int indexOf(int[] a, int v) {
        for (int i = 0; i < a.length; i++) if (a[i] == v) return i;
        return -1;
    }
}
