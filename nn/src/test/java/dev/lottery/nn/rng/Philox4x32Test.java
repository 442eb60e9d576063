package dev.lottery.nn.rng;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** Random123's published known-answer vectors for philox4x32_10 (kat_vectors). */
class Philox4x32Test {
    private static int[] w(long... words) {
        int[] out = new int[words.length];
        for (int i = 0; i < words.length; i++) out[i] = (int) words[i];
        return out;
    }

    @Test
    void zeroCounterZeroKey() {
        assertArrayEquals(w(0x6627e8d5L, 0xe169c58dL, 0xbc57ac4cL, 0x9b00dbd8L),
                Philox4x32.block(w(0, 0, 0, 0), w(0, 0)));
    }

    @Test
    void allOnes() {
        assertArrayEquals(w(0x408f276dL, 0x41c83b0eL, 0xa20bc7c6L, 0x6d5451fdL),
                Philox4x32.block(w(0xffffffffL, 0xffffffffL, 0xffffffffL, 0xffffffffL), w(0xffffffffL, 0xffffffffL)));
    }

    @Test
    void piDigits() {
        assertArrayEquals(w(0xd16cfe09L, 0x94fdccebL, 0x5001e420L, 0x24126ea1L),
                Philox4x32.block(w(0x243f6a88L, 0x85a308d3L, 0x13198a2eL, 0x03707344L), w(0xa4093822L, 0x299f31d0L)));
    }

    @Test
    void neighbouringCountersDiffer() {
        assertNotEquals(Philox4x32.block(w(0, 0, 0, 0), w(1, 2))[0], Philox4x32.block(w(1, 0, 0, 0), w(1, 2))[0]);
    }
}
