package dev.lottery.nn.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.lottery.nn.init.Initializer;
import dev.lottery.nn.rng.DeterministicMath;
import dev.lottery.nn.rng.KeyedRandom;
import dev.lottery.nn.rng.Philox4x32;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The CPU-provable half of "same seed, same initial weights on both backends": the Java transliteration of
 * {@code keyed_random.cu} equals {@link KeyedRandom} bit for bit, and {@link DeviceDraw} hands the kernels the
 * same float parameters every {@link Initializer} uses.
 */
class KeyedRandomKernelReferenceTest {
    @Test
    void philoxRoundsEqualTheRngPackage() {
        SplittableRandom r = new SplittableRandom(1);
        int[] expected = new int[4];
        for (int t = 0; t < 10_000; t++) {
            int[] c = {r.nextInt(), r.nextInt(), r.nextInt(), r.nextInt()};
            int k0 = r.nextInt(), k1 = r.nextInt();
            Philox4x32.block(c[0], c[1], c[2], c[3], k0, k1, expected);
            KeyedRandomKernelReference.philox4x32x10(c, k0, k1);
            assertArrayEquals(expected, c);
        }
    }

    @Test
    void deterministicLogIsBitwiseTheSameOverTheWholeRange() {
        SplittableRandom r = new SplittableRandom(2);
        for (int t = 0; t < 200_000; t++) {
            double x = t % 2 == 0 ? r.nextDouble() : Double.longBitsToDouble(r.nextLong() & Long.MAX_VALUE);
            assertEquals(Double.doubleToRawLongBits(DeterministicMath.log(x)), Double.doubleToRawLongBits(KeyedRandomKernelReference.detLog(x)),
                    () -> "log(" + x + ")");
        }
        for (double x : new double[] {0.0, Double.MIN_VALUE, 1.0, Math.sqrt(2), Double.MAX_VALUE, Double.POSITIVE_INFINITY}) {
            assertEquals(Double.doubleToRawLongBits(DeterministicMath.log(x)), Double.doubleToRawLongBits(KeyedRandomKernelReference.detLog(x)));
        }
    }

    @Test
    void uniformAndNormalDrawsEqualKeyedRandomForManyIndices() {
        KeyedRandom rng = new KeyedRandom(42, "fc1.weight", "init");
        for (long i = 0; i < 50_000; i++) {
            int[] w = new int[4];
            KeyedRandomKernelReference.block(i, 0, rng.key0(), rng.key1(), w);
            assertEquals(Double.doubleToRawLongBits(rng.uniform(i)), Double.doubleToRawLongBits(KeyedRandomKernelReference.unit53(w[0], w[1])));
            assertEquals(Double.doubleToRawLongBits(rng.normal(i)),
                    Double.doubleToRawLongBits(KeyedRandomKernelReference.standardNormal(i, rng.key0(), rng.key1(), false)));
            assertEquals(Double.doubleToRawLongBits(rng.truncatedNormal(i)),
                    Double.doubleToRawLongBits(KeyedRandomKernelReference.standardNormal(i, rng.key0(), rng.key1(), true)));
        }
        // Indices beyond 2^32 use the counter's high word.
        long big = (1L << 33) + 5;
        assertEquals(Double.doubleToRawLongBits(rng.normal(big)),
                Double.doubleToRawLongBits(KeyedRandomKernelReference.standardNormal(big, rng.key0(), rng.key1(), false)));
    }

    @Test
    void everyInitializerDrawnTheKernelsWayEqualsItsHostFill() {
        List<Initializer> inits = List.of(new Initializer.TruncatedNormal(0.1), new Initializer.Normal(0.05), new Initializer.XavierNormal(false),
                new Initializer.XavierNormal(true), new Initializer.XavierUniform(), new Initializer.Zeros());
        int n = 300 * 100;
        for (Initializer init : inits) {
            for (long seed : new long[] {0, 7, -123456789L}) {
                KeyedRandom rng = new KeyedRandom(seed, "fc2.weight", "init");
                float[] host = new float[n];
                init.fill(host, 300, 100, rng);
                float[] kernel = KeyedRandomKernelReference.fill(DeviceDraw.of(init, 300, 100), n, rng.key0(), rng.key1());
                for (int i = 0; i < n; i++) {
                    assertEquals(Float.floatToRawIntBits(host[i]), Float.floatToRawIntBits(kernel[i]), init.canonical() + " seed " + seed + " [" + i + "]");
                }
            }
        }
    }

    @Test
    void initializersWithoutAKernelAreDrawnOnTheHost() {
        assertInstanceOf(DeviceDraw.Zeros.class, DeviceDraw.of(new Initializer.Zeros(), 1, 1));
        assertInstanceOf(DeviceDraw.Normal.class, DeviceDraw.of(new Initializer.TruncatedNormal(0.1), 1, 1));
    }

    @Test
    void oneThreadFisherYatesEqualsKeyedRandomPermutation() {
        for (int n : new int[] {0, 1, 2, 10, 1000, 266_200}) {
            KeyedRandom rng = new KeyedRandom(5, "fc1.mask", "rearrange/level-" + n);
            assertArrayEquals(rng.permutation(n), KeyedRandomKernelReference.permutation(n, rng.key0(), rng.key1()), "n=" + n);
        }
    }
}
