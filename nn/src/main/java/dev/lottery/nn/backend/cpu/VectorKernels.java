package dev.lottery.nn.backend.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link CpuKernels} on the Vector API. The species is a constant chosen when this class loads (the CPU's preferred
 * one, or the width {@value CpuKernels#BITS_PROPERTY} asks for), so the JIT compiles every loop for exactly one
 * width. Loaded only when {@code jdk.incubator.vector} is present.
 */
final class VectorKernels implements CpuKernels {
    private static final VectorSpecies<Float> S = CpuKernels.requestedBits()
            .map(bits -> VectorSpecies.of(float.class, VectorShape.forBitSize(bits)))
            .orElse(FloatVector.SPECIES_PREFERRED);
    private static final int L = S.length();
    /**
     * GEMM micro-tile rows: 12 x 2 vectors where the JIT has 32 vector registers (AVX-512: 24 accumulators, two B
     * vectors and a broadcast), 6 x 2 with 16 (AVX2). The larger tile does twice the FMAs per B load and per loop
     * overhead; its rows divide the batch sizes the paper uses (60, 120) as 6 does.
     */
    private static final int MR = L >= 16 ? 12 : 6;
    private static final int NR = 2 * L;
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    /**
     * Transposes move data only, so they use 8 x 8 blocks of 256-bit vectors wherever those are native (4 x 4 blocks of
     * 128-bit ones with 4-lane kernels). Stage h exchanges the off-diagonal h-lane halves of rows i and i+h: each result
     * is one row blended with the other row's lanes moved by h (a one-source permute and a blend, cheaper than a
     * two-source shuffle).
     */
    private static final VectorSpecies<Float> T = L >= 8 ? FloatVector.SPECIES_256 : FloatVector.SPECIES_128;
    private static final int TB = T.length();
    private static final VectorShuffle<Float> SWAP1 = swapHalves(1), SWAP2 = swapHalves(2), SWAP4 = swapHalves(TB == 8 ? 4 : 1);
    private static final VectorMask<Float> UPPER1 = upperHalves(1), UPPER2 = upperHalves(2), UPPER4 = upperHalves(TB == 8 ? 4 : 1);
    /** Lane i takes lane i + shift: folds the upper lanes of a partial-sum vector onto the lower ones. */
    private static final VectorShuffle<Float> FOLD8 = S.iotaShuffle(8 % L, 1, true), FOLD4 = S.iotaShuffle(4 % L, 1, true),
            FOLD2 = S.iotaShuffle(2, 1, true), FOLD1 = S.iotaShuffle(1, 1, true);

    /** Lane l takes lane {@code l ^ h}: the h-lane halves of every 2h-lane block swapped. */
    private static VectorShuffle<Float> swapHalves(int h) {
        return VectorShuffle.fromOp(T, l -> l ^ h);
    }

    /** The lanes with bit h set: the upper half of every 2h-lane block. */
    private static VectorMask<Float> upperHalves(int h) {
        boolean[] upper = new boolean[TB];
        for (int l = 0; l < TB; l++) upper[l] = (l & h) != 0;
        return VectorMask.fromArray(T, upper, 0);
    }

    VectorKernels() {
        if (L < 4 || L > 16) throw new IllegalStateException(S + ": the CPU kernels need 4 to 16 float lanes");
        if (S.vectorBitSize() > FloatVector.SPECIES_MAX.vectorBitSize()) {
            System.err.println("lottery: " + S.vectorBitSize() + "-bit vectors are wider than this CPU's "
                    + FloatVector.SPECIES_MAX.vectorBitSize() + " bits: the Vector API emulates them, very slowly");
        }
    }

    @Override
    public int lanes() {
        return L;
    }

    @Override
    public int mr() {
        return MR;
    }

    @Override
    public int nr() {
        return NR;
    }

    @Override
    public int convolutionLanes() {
        return FloatVector.SPECIES_PREFERRED.length();
    }

    @Override
    public String description() {
        return "Vector API " + L + " float lanes";
    }

    // ---- GEMM ----

    /**
     * An {@code MR x 2}-vector register tile. The accumulators go to a small heap tile rather than straight to C: C2
     * keeps them all in registers only when the method has a single exit through plain array stores (with the C
     * update inlined here, it measured ~5x slower). {@code MR} is a constant, so the JIT keeps one of the two bodies.
     */
    @Override
    public void microKernel(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] tile) {
        if (MR == 12) microKernel12(kc, ap, aOff, bp, bOff, tile);
        else microKernel6(kc, ap, aOff, bp, bOff, tile);
    }

    @Override
    public void microKernelRows(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] tile) {
        if (MR == 12) microKernelRows12(kc, ap, aOff, bp, bOff, tile);
        else microKernelRows6(kc, ap, aOff, bp, bOff, tile);
    }

    private static void microKernel6(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        for (int q = 0, ai = aOff, bi = bOff; q < kc; q++, ai += 6, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector av = FloatVector.broadcast(S, ap[ai]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR);
        c51.intoArray(tile, 5 * NR + L);
    }

    private static void microKernel12(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        FloatVector c60 = c00, c61 = c00, c70 = c00, c71 = c00, c80 = c00, c81 = c00;
        FloatVector c90 = c00, c91 = c00, ca0 = c00, ca1 = c00, cb0 = c00, cb1 = c00;
        for (int q = 0, ai = aOff, bi = bOff; q < kc; q++, ai += 12, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector av = FloatVector.broadcast(S, ap[ai]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
            av = FloatVector.broadcast(S, ap[ai + 6]);
            c60 = av.fma(b0, c60);
            c61 = av.fma(b1, c61);
            av = FloatVector.broadcast(S, ap[ai + 7]);
            c70 = av.fma(b0, c70);
            c71 = av.fma(b1, c71);
            av = FloatVector.broadcast(S, ap[ai + 8]);
            c80 = av.fma(b0, c80);
            c81 = av.fma(b1, c81);
            av = FloatVector.broadcast(S, ap[ai + 9]);
            c90 = av.fma(b0, c90);
            c91 = av.fma(b1, c91);
            av = FloatVector.broadcast(S, ap[ai + 10]);
            ca0 = av.fma(b0, ca0);
            ca1 = av.fma(b1, ca1);
            av = FloatVector.broadcast(S, ap[ai + 11]);
            cb0 = av.fma(b0, cb0);
            cb1 = av.fma(b1, cb1);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR);
        c51.intoArray(tile, 5 * NR + L);
        c60.intoArray(tile, 6 * NR);
        c61.intoArray(tile, 6 * NR + L);
        c70.intoArray(tile, 7 * NR);
        c71.intoArray(tile, 7 * NR + L);
        c80.intoArray(tile, 8 * NR);
        c81.intoArray(tile, 8 * NR + L);
        c90.intoArray(tile, 9 * NR);
        c91.intoArray(tile, 9 * NR + L);
        ca0.intoArray(tile, 10 * NR);
        ca1.intoArray(tile, 10 * NR + L);
        cb0.intoArray(tile, 11 * NR);
        cb1.intoArray(tile, 11 * NR + L);
    }

    /**
     * {@inheritDoc} The loop of {@link #microKernel} with B's row read through the list. One kernel for both (the
     * weight gradient's product reading consecutive rows through an identity list) made whole dense lenet units 5-7 %
     * slower, since every depth step then loads an index and multiplies it, so the two stay separate.
     */
    @Override
    public void microKernelGathered(int count, int[] rows, int rOff, float[] ap, int aOff, float[] bp, int bOff, float[] tile) {
        if (MR == 12) microKernelGathered12(count, rows, rOff, ap, aOff, bp, bOff, tile);
        else microKernelGathered6(count, rows, rOff, ap, aOff, bp, bOff, tile);
    }

    @Override
    public void panelColumnSums(float[] p, int off, int rows, float[] out, int outOff) {
        FloatVector s0 = FloatVector.zero(S), s1 = s0;
        for (int i = 0, at = off; i < rows; i++, at += NR) {
            s0 = s0.add(FloatVector.fromArray(S, p, at));
            s1 = s1.add(FloatVector.fromArray(S, p, at + L));
        }
        s0.intoArray(out, outOff);
        s1.intoArray(out, outOff + L);
    }

    private static void microKernelGathered6(int count, int[] rows, int rOff, float[] ap, int aOff, float[] bp, int bOff, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        for (int q = 0, ai = aOff; q < count; q++, ai += 6) {
            int bi = bOff + rows[rOff + q] * NR;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector av = FloatVector.broadcast(S, ap[ai]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR);
        c51.intoArray(tile, 5 * NR + L);
    }

    private static void microKernelGathered12(int count, int[] rows, int rOff, float[] ap, int aOff, float[] bp, int bOff, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        FloatVector c60 = c00, c61 = c00, c70 = c00, c71 = c00, c80 = c00, c81 = c00;
        FloatVector c90 = c00, c91 = c00, ca0 = c00, ca1 = c00, cb0 = c00, cb1 = c00;
        for (int q = 0, ai = aOff; q < count; q++, ai += 12) {
            int bi = bOff + rows[rOff + q] * NR;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector av = FloatVector.broadcast(S, ap[ai]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
            av = FloatVector.broadcast(S, ap[ai + 6]);
            c60 = av.fma(b0, c60);
            c61 = av.fma(b1, c61);
            av = FloatVector.broadcast(S, ap[ai + 7]);
            c70 = av.fma(b0, c70);
            c71 = av.fma(b1, c71);
            av = FloatVector.broadcast(S, ap[ai + 8]);
            c80 = av.fma(b0, c80);
            c81 = av.fma(b1, c81);
            av = FloatVector.broadcast(S, ap[ai + 9]);
            c90 = av.fma(b0, c90);
            c91 = av.fma(b1, c91);
            av = FloatVector.broadcast(S, ap[ai + 10]);
            ca0 = av.fma(b0, ca0);
            ca1 = av.fma(b1, ca1);
            av = FloatVector.broadcast(S, ap[ai + 11]);
            cb0 = av.fma(b0, cb0);
            cb1 = av.fma(b1, cb1);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR);
        c51.intoArray(tile, 5 * NR + L);
        c60.intoArray(tile, 6 * NR);
        c61.intoArray(tile, 6 * NR + L);
        c70.intoArray(tile, 7 * NR);
        c71.intoArray(tile, 7 * NR + L);
        c80.intoArray(tile, 8 * NR);
        c81.intoArray(tile, 8 * NR + L);
        c90.intoArray(tile, 9 * NR);
        c91.intoArray(tile, 9 * NR + L);
        ca0.intoArray(tile, 10 * NR);
        ca1.intoArray(tile, 10 * NR + L);
        cb0.intoArray(tile, 11 * NR);
        cb1.intoArray(tile, 11 * NR + L);
    }

    private static void microKernelRows6(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        for (int q = 0, bi = bOff; q < kc; q++, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector av = FloatVector.broadcast(S, ap[aOff + q]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, ap[aOff + kc + q]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, ap[aOff + 2 * kc + q]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, ap[aOff + 3 * kc + q]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, ap[aOff + 4 * kc + q]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, ap[aOff + 5 * kc + q]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR);
        c51.intoArray(tile, 5 * NR + L);
    }

    private static void microKernelRows12(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        FloatVector c60 = c00, c61 = c00, c70 = c00, c71 = c00, c80 = c00, c81 = c00;
        FloatVector c90 = c00, c91 = c00, ca0 = c00, ca1 = c00, cb0 = c00, cb1 = c00;
        for (int q = 0, bi = bOff; q < kc; q++, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector av = FloatVector.broadcast(S, ap[aOff + q]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, ap[aOff + kc + q]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, ap[aOff + 2 * kc + q]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, ap[aOff + 3 * kc + q]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, ap[aOff + 4 * kc + q]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, ap[aOff + 5 * kc + q]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
            av = FloatVector.broadcast(S, ap[aOff + 6 * kc + q]);
            c60 = av.fma(b0, c60);
            c61 = av.fma(b1, c61);
            av = FloatVector.broadcast(S, ap[aOff + 7 * kc + q]);
            c70 = av.fma(b0, c70);
            c71 = av.fma(b1, c71);
            av = FloatVector.broadcast(S, ap[aOff + 8 * kc + q]);
            c80 = av.fma(b0, c80);
            c81 = av.fma(b1, c81);
            av = FloatVector.broadcast(S, ap[aOff + 9 * kc + q]);
            c90 = av.fma(b0, c90);
            c91 = av.fma(b1, c91);
            av = FloatVector.broadcast(S, ap[aOff + 10 * kc + q]);
            ca0 = av.fma(b0, ca0);
            ca1 = av.fma(b1, ca1);
            av = FloatVector.broadcast(S, ap[aOff + 11 * kc + q]);
            cb0 = av.fma(b0, cb0);
            cb1 = av.fma(b1, cb1);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR);
        c51.intoArray(tile, 5 * NR + L);
        c60.intoArray(tile, 6 * NR);
        c61.intoArray(tile, 6 * NR + L);
        c70.intoArray(tile, 7 * NR);
        c71.intoArray(tile, 7 * NR + L);
        c80.intoArray(tile, 8 * NR);
        c81.intoArray(tile, 8 * NR + L);
        c90.intoArray(tile, 9 * NR);
        c91.intoArray(tile, 9 * NR + L);
        ca0.intoArray(tile, 10 * NR);
        ca1.intoArray(tile, 10 * NR + L);
        cb0.intoArray(tile, 11 * NR);
        cb1.intoArray(tile, 11 * NR + L);
    }

    /**
     * One vector per tile row, six rows at a time: six independent chains keep most of the FMA units busy, and the
     * narrow products are small enough that the B panel, read once per six rows, stays in L1.
     */
    @Override
    public void microKernelRowsNarrow(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] tile) {
        for (int r = 0; r < MR; r += 6) narrowRows6(kc, ap, aOff + r * kc, bp, bOff, tile, r * NR);
    }

    private static void narrowRows6(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] tile, int tOff) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
        for (int q = 0, bi = bOff; q < kc; q++, bi += L) {
            FloatVector b = FloatVector.fromArray(S, bp, bi);
            c0 = FloatVector.broadcast(S, ap[aOff + q]).fma(b, c0);
            c1 = FloatVector.broadcast(S, ap[aOff + kc + q]).fma(b, c1);
            c2 = FloatVector.broadcast(S, ap[aOff + 2 * kc + q]).fma(b, c2);
            c3 = FloatVector.broadcast(S, ap[aOff + 3 * kc + q]).fma(b, c3);
            c4 = FloatVector.broadcast(S, ap[aOff + 4 * kc + q]).fma(b, c4);
            c5 = FloatVector.broadcast(S, ap[aOff + 5 * kc + q]).fma(b, c5);
        }
        c0.intoArray(tile, tOff);
        c1.intoArray(tile, tOff + NR);
        c2.intoArray(tile, tOff + 2 * NR);
        c3.intoArray(tile, tOff + 3 * NR);
        c4.intoArray(tile, tOff + 4 * NR);
        c5.intoArray(tile, tOff + 5 * NR);
    }

    @Override
    public void storeTile(float[] tile, MemorySegment c, long cIdx, int ldc, float alpha, float beta) {
        long row = cIdx * Float.BYTES, step = (long) ldc * Float.BYTES;
        for (int i = 0; i < MR; i++, row += step) {
            FloatVector v0 = FloatVector.fromArray(S, tile, i * NR), v1 = FloatVector.fromArray(S, tile, i * NR + L);
            long row1 = row + (long) L * Float.BYTES;
            if (beta == 0f) {
                (alpha == 1f ? v0 : v0.mul(alpha)).intoMemorySegment(c, row, NATIVE);
                (alpha == 1f ? v1 : v1.mul(alpha)).intoMemorySegment(c, row1, NATIVE);
            } else {
                FloatVector o0 = FloatVector.fromMemorySegment(S, c, row, NATIVE);
                FloatVector o1 = FloatVector.fromMemorySegment(S, c, row1, NATIVE);
                if (beta != 1f) {
                    o0 = o0.mul(beta);
                    o1 = o1.mul(beta);
                }
                FloatVector va = FloatVector.broadcast(S, alpha);
                v0.fma(va, o0).intoMemorySegment(c, row, NATIVE);
                v1.fma(va, o1).intoMemorySegment(c, row1, NATIVE);
            }
        }
    }

    /**
     * Masked vector loads and stores for the valid columns: a tile at C's edge is written in a few vector operations
     * instead of one float at a time (a 10-column output layer's product is nothing but edge tiles). Every layer's
     * product is {@code alpha = 1, beta = 0}, a plain masked store; the general form is {@code fma(beta, C, alpha * t)}.
     */
    @Override
    public void storeTileEdge(float[] tile, int mr, int nr, MemorySegment c, long cIdx, int ldc, float alpha, float beta) {
        VectorMask<Float> m0 = S.indexInRange(0, nr), m1 = S.indexInRange(L, nr);
        long row = cIdx * Float.BYTES, step = (long) ldc * Float.BYTES, half = (long) L * Float.BYTES;
        if (alpha == 1f && beta == 0f) {
            for (int i = 0; i < mr; i++, row += step) {
                FloatVector.fromArray(S, tile, i * NR).intoMemorySegment(c, row, NATIVE, m0);
                if (nr > L) FloatVector.fromArray(S, tile, i * NR + L).intoMemorySegment(c, row + half, NATIVE, m1);
            }
            return;
        }
        FloatVector va = FloatVector.broadcast(S, alpha), vb = FloatVector.broadcast(S, beta);
        for (int i = 0; i < mr; i++, row += step) {
            for (int h = 0; h < 2 && h * L < nr; h++) {
                VectorMask<Float> m = h == 0 ? m0 : m1;
                long at = row + h * half;
                FloatVector v = FloatVector.fromArray(S, tile, i * NR + h * L).mul(va);
                if (beta != 0f) v = vb.fma(FloatVector.fromMemorySegment(S, c, at, NATIVE, m), v);
                v.intoMemorySegment(c, at, NATIVE, m);
            }
        }
    }

    @Override
    public void addInto(float[] src, int s, float[] dst, int d, int n) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector.fromArray(S, src, s + i).add(FloatVector.fromArray(S, dst, d + i)).intoArray(dst, d + i);
        }
        for (; i < n; i++) dst[d + i] += src[s + i];
    }

    // ---- element-wise ----

    @Override
    public void addBias(MemorySegment ys, MemorySegment bs, int rows, int cols, boolean relu) {
        int bound = S.loopBound(cols);
        // A row's last partial vector goes through a lane mask (a native masked load and store with AVX-512) rather
        // than a scalar loop: lenet's rows of 300, 100 and 10 would otherwise leave 12, 4 and all 10 to it.
        VectorMask<Float> tail = S.indexInRange(bound, cols);
        for (int i = 0; i < rows; i++) {
            long row = (long) i * cols;
            int j = 0;
            for (; j < bound; j += L) {
                long off = (row + j) * Float.BYTES;
                FloatVector v = FloatVector.fromMemorySegment(S, ys, off, NATIVE)
                        .add(FloatVector.fromMemorySegment(S, bs, (long) j * Float.BYTES, NATIVE));
                (relu ? v.max(0f) : v).intoMemorySegment(ys, off, NATIVE);
            }
            if (j < cols) {
                long off = (row + j) * Float.BYTES;
                FloatVector v = FloatVector.fromMemorySegment(S, ys, off, NATIVE, tail)
                        .add(FloatVector.fromMemorySegment(S, bs, (long) j * Float.BYTES, NATIVE, tail));
                (relu ? v.max(0f) : v).intoMemorySegment(ys, off, NATIVE, tail);
            }
        }
    }

    @Override
    public void sumRows(MemorySegment ds, MemorySegment bs, int rows, int cols) {
        bs.asSlice(0, (long) cols * Float.BYTES).fill((byte) 0);
        int bound = S.loopBound(cols);
        for (int i = 0; i < rows; i++) {
            long row = (long) i * cols;
            int j = 0;
            for (; j < bound; j += L) {
                long boff = (long) j * Float.BYTES;
                FloatVector.fromMemorySegment(S, bs, boff, NATIVE)
                        .add(FloatVector.fromMemorySegment(S, ds, (row + j) * Float.BYTES, NATIVE))
                        .intoMemorySegment(bs, boff, NATIVE);
            }
            for (; j < cols; j++) bs.setAtIndex(F, j, bs.getAtIndex(F, j) + ds.getAtIndex(F, row + j));
        }
    }

    @Override
    public void relu(MemorySegment s, long from, long to) {
        long i = from;
        for (; i <= to - L; i += L) {
            long off = i * Float.BYTES;
            FloatVector.fromMemorySegment(S, s, off, NATIVE).max(0f).intoMemorySegment(s, off, NATIVE);
        }
        for (; i < to; i++) s.setAtIndex(F, i, Math.max(0f, s.getAtIndex(F, i)));
    }

    @Override
    public void reluBackward(MemorySegment ys, MemorySegment ds, long from, long to) {
        FloatVector zero = FloatVector.zero(S);
        long i = from;
        for (; i <= to - L; i += L) {
            long off = i * Float.BYTES;
            VectorMask<Float> dead = FloatVector.fromMemorySegment(S, ys, off, NATIVE).compare(VectorOperators.LE, 0f);
            FloatVector.fromMemorySegment(S, ds, off, NATIVE).blend(zero, dead).intoMemorySegment(ds, off, NATIVE);
        }
        for (; i < to; i++) if (ys.getAtIndex(F, i) <= 0f) ds.setAtIndex(F, i, 0f);
    }

    @Override
    public void multiply(MemorySegment ys, MemorySegment fs, long from, long to) {
        long i = from;
        for (; i <= to - L; i += L) {
            long off = i * Float.BYTES;
            FloatVector.fromMemorySegment(S, ys, off, NATIVE).mul(FloatVector.fromMemorySegment(S, fs, off, NATIVE))
                    .intoMemorySegment(ys, off, NATIVE);
        }
        for (; i < to; i++) ys.setAtIndex(F, i, ys.getAtIndex(F, i) * fs.getAtIndex(F, i));
    }

    @Override
    public void add(MemorySegment ys, MemorySegment xs, long from, long to) {
        long i = from;
        for (; i <= to - L; i += L) {
            long off = i * Float.BYTES;
            FloatVector.fromMemorySegment(S, ys, off, NATIVE).add(FloatVector.fromMemorySegment(S, xs, off, NATIVE))
                    .intoMemorySegment(ys, off, NATIVE);
        }
        for (; i < to; i++) ys.setAtIndex(F, i, ys.getAtIndex(F, i) + xs.getAtIndex(F, i));
    }

    @Override
    public void addRelu(MemorySegment as, MemorySegment bs, MemorySegment ys, long from, long to) {
        long i = from;
        for (; i <= to - L; i += L) {
            long off = i * Float.BYTES;
            FloatVector.fromMemorySegment(S, as, off, NATIVE).add(FloatVector.fromMemorySegment(S, bs, off, NATIVE)).max(0f)
                    .intoMemorySegment(ys, off, NATIVE);
        }
        for (; i < to; i++) ys.setAtIndex(F, i, Math.max(0f, as.getAtIndex(F, i) + bs.getAtIndex(F, i)));
    }

    @Override
    public void sgd(MemorySegment ws, MemorySegment gs, MemorySegment ms, MemorySegment vs, long from, long to,
                    float lr, float momentum, float weightDecay) {
        FloatVector zero = FloatVector.zero(S);
        FloatVector decay = FloatVector.broadcast(S, weightDecay);
        FloatVector mom = FloatVector.broadcast(S, momentum);
        FloatVector negLr = FloatVector.broadcast(S, -lr);
        long i = from;
        for (; i <= to - L; i += L) {
            long off = i * Float.BYTES;
            FloatVector wv = FloatVector.fromMemorySegment(S, ws, off, NATIVE);
            FloatVector g = FloatVector.fromMemorySegment(S, gs, off, NATIVE);
            if (weightDecay != 0f) g = wv.fma(decay, g);
            if (vs != null) g = FloatVector.fromMemorySegment(S, vs, off, NATIVE).fma(mom, g);
            wv = g.fma(negLr, wv);
            if (ms != null) {
                VectorMask<Float> pruned = FloatVector.fromMemorySegment(S, ms, off, NATIVE).compare(VectorOperators.EQ, 0f);
                wv = wv.blend(zero, pruned);
                g = g.blend(zero, pruned);
            }
            wv.intoMemorySegment(ws, off, NATIVE);
            if (vs != null) g.intoMemorySegment(vs, off, NATIVE);
        }
        ScalarKernels.sgdTail(ws, gs, ms, vs, i, to, lr, momentum, weightDecay);
    }

    @Override
    public void transpose(float[] src, int sOff, int lds, int rows, int cols, float[] dst, int dOff, int ldd) {
        int rb = rows - rows % TB, cb = cols - cols % TB;
        if (TB == 8) transpose8(src, sOff, lds, rb, cb, dst, dOff, ldd);
        else transpose4(src, sOff, lds, rb, cb, dst, dOff, ldd);
        ScalarKernels.transposeEdge(src, sOff, lds, 0, rb, cb, cols, dst, dOff, ldd);
        ScalarKernels.transposeEdge(src, sOff, lds, rb, rows, 0, cols, dst, dOff, ldd);
    }

    /*
     * The block loops below walk a column band of the source (8 columns, all rows) before moving right, so the 8 rows of
     * the destination they write stay in L1 while the band's source lines (a few KB) do too; walking row bands instead
     * wrote every destination row once per band, and for a [60 x 784] batch that streamed 200 KB through L1 eight times.
     * The block's shuffles are written out in the loop (a separate method was too large to inline, and a call per block
     * rebuilt its masks).
     */

    /** The 8 x 8 blocks of rows [0, rb) and columns [0, cb), both multiples of 8. */
    private static void transpose8(float[] src, int sOff, int lds, int rb, int cb, float[] dst, int dOff, int ldd) {
        VectorShuffle<Float> s1 = SWAP1, s2 = SWAP2, s4 = SWAP4;
        VectorMask<Float> u1 = UPPER1, u2 = UPPER2, u4 = UPPER4;
        for (int c = 0; c < cb; c += 8) {
            for (int r = 0; r < rb; r += 8) {
                int s = sOff + r * lds + c, d = dOff + c * ldd + r;
                FloatVector a0 = FloatVector.fromArray(T, src, s), a1 = FloatVector.fromArray(T, src, s + lds);
                FloatVector a2 = FloatVector.fromArray(T, src, s + 2 * lds), a3 = FloatVector.fromArray(T, src, s + 3 * lds);
                FloatVector a4 = FloatVector.fromArray(T, src, s + 4 * lds), a5 = FloatVector.fromArray(T, src, s + 5 * lds);
                FloatVector a6 = FloatVector.fromArray(T, src, s + 6 * lds), a7 = FloatVector.fromArray(T, src, s + 7 * lds);
                // Stage 4: rows i and i+4; then 2: rows i and i+2; then 1: rows i and i+1.
                FloatVector b0 = low(a0, a4, s4, u4), b4 = high(a0, a4, s4, u4), b1 = low(a1, a5, s4, u4), b5 = high(a1, a5, s4, u4);
                FloatVector b2 = low(a2, a6, s4, u4), b6 = high(a2, a6, s4, u4), b3 = low(a3, a7, s4, u4), b7 = high(a3, a7, s4, u4);
                FloatVector c0 = low(b0, b2, s2, u2), c2 = high(b0, b2, s2, u2), c1 = low(b1, b3, s2, u2), c3 = high(b1, b3, s2, u2);
                FloatVector c4 = low(b4, b6, s2, u2), c6 = high(b4, b6, s2, u2), c5 = low(b5, b7, s2, u2), c7 = high(b5, b7, s2, u2);
                low(c0, c1, s1, u1).intoArray(dst, d);
                high(c0, c1, s1, u1).intoArray(dst, d + ldd);
                low(c2, c3, s1, u1).intoArray(dst, d + 2 * ldd);
                high(c2, c3, s1, u1).intoArray(dst, d + 3 * ldd);
                low(c4, c5, s1, u1).intoArray(dst, d + 4 * ldd);
                high(c4, c5, s1, u1).intoArray(dst, d + 5 * ldd);
                low(c6, c7, s1, u1).intoArray(dst, d + 6 * ldd);
                high(c6, c7, s1, u1).intoArray(dst, d + 7 * ldd);
            }
        }
    }

    /** The 4 x 4 blocks of rows [0, rb) and columns [0, cb), both multiples of 4 (128-bit vectors). */
    private static void transpose4(float[] src, int sOff, int lds, int rb, int cb, float[] dst, int dOff, int ldd) {
        VectorShuffle<Float> s1 = SWAP1, s2 = SWAP2;
        VectorMask<Float> u1 = UPPER1, u2 = UPPER2;
        for (int c = 0; c < cb; c += 4) {
            for (int r = 0; r < rb; r += 4) {
                int s = sOff + r * lds + c, d = dOff + c * ldd + r;
                FloatVector a0 = FloatVector.fromArray(T, src, s), a1 = FloatVector.fromArray(T, src, s + lds);
                FloatVector a2 = FloatVector.fromArray(T, src, s + 2 * lds), a3 = FloatVector.fromArray(T, src, s + 3 * lds);
                FloatVector b0 = low(a0, a2, s2, u2), b2 = high(a0, a2, s2, u2), b1 = low(a1, a3, s2, u2), b3 = high(a1, a3, s2, u2);
                low(b0, b1, s1, u1).intoArray(dst, d);
                high(b0, b1, s1, u1).intoArray(dst, d + ldd);
                low(b2, b3, s1, u1).intoArray(dst, d + 2 * ldd);
                high(b2, b3, s1, u1).intoArray(dst, d + 3 * ldd);
            }
        }
    }

    /** Row i of a stage: its own lower halves, and the lower halves of row i+h in the upper ones. */
    private static FloatVector low(FloatVector a, FloatVector b, VectorShuffle<Float> swap, VectorMask<Float> upper) {
        return a.blend(b.rearrange(swap), upper);
    }

    /** Row i+h of a stage: row i's upper halves in the lower ones, and its own upper halves. */
    private static FloatVector high(FloatVector a, FloatVector b, VectorShuffle<Float> swap, VectorMask<Float> upper) {
        return a.rearrange(swap).blend(b, upper);
    }

    // ---- masked products ----

    @Override
    public void sparseRows(int from, int to, int slabs, int[] starts, int[] index, int[] pos, MemorySegment values, long valueBase,
                           int ldv, float[] x, int ldx, int width, float[] out, int ldo) {
        for (int r = from; r < to; r++) {
            long rowBase = pos == null ? valueBase + (long) r * ldv : valueBase;
            int[] at = pos == null ? index : pos;
            int runs = r * (slabs + 1), c0 = 0;
            // Eight vectors of the batch per pass over a row's entries; a short batch (or its tail) in four, then one.
            for (; c0 + 8 * L <= width; c0 += 8 * L) rowBlock8(slabs, starts, runs, index, at, values, rowBase, x, ldx, c0, out, r * ldo + c0);
            for (; c0 + 4 * L <= width; c0 += 4 * L) rowBlock4(slabs, starts, runs, index, at, values, rowBase, x, ldx, c0, out, r * ldo + c0);
            for (; c0 < width; c0 += L) rowBlock1(slabs, starts, runs, index, at, values, rowBase, x, ldx, c0, out, r * ldo + c0);
        }
    }

    /** One row's sums for eight vectors of the batch from {@code c0}; entry p's value is at {@code rowBase + at[p]}. */
    private static void rowBlock8(int slabs, int[] starts, int runs, int[] index, int[] at, MemorySegment values, long rowBase,
                                  float[] x, int ldx, int c0, float[] out, int o) {
        for (int s = 0; s < slabs; s++) {
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            for (int p = starts[runs + s], end = starts[runs + s + 1]; p < end; p++) {
                FloatVector w = FloatVector.broadcast(S, values.getAtIndex(F, rowBase + at[p]));
                int xo = index[p] * ldx + c0;
                a0 = w.fma(FloatVector.fromArray(S, x, xo), a0);
                a1 = w.fma(FloatVector.fromArray(S, x, xo + L), a1);
                a2 = w.fma(FloatVector.fromArray(S, x, xo + 2 * L), a2);
                a3 = w.fma(FloatVector.fromArray(S, x, xo + 3 * L), a3);
                a4 = w.fma(FloatVector.fromArray(S, x, xo + 4 * L), a4);
                a5 = w.fma(FloatVector.fromArray(S, x, xo + 5 * L), a5);
                a6 = w.fma(FloatVector.fromArray(S, x, xo + 6 * L), a6);
                a7 = w.fma(FloatVector.fromArray(S, x, xo + 7 * L), a7);
            }
            // Later slabs add onto what the earlier ones left, as the dense kernel adds a slab onto C.
            if (s > 0) {
                a0 = a0.add(FloatVector.fromArray(S, out, o));
                a1 = a1.add(FloatVector.fromArray(S, out, o + L));
                a2 = a2.add(FloatVector.fromArray(S, out, o + 2 * L));
                a3 = a3.add(FloatVector.fromArray(S, out, o + 3 * L));
                a4 = a4.add(FloatVector.fromArray(S, out, o + 4 * L));
                a5 = a5.add(FloatVector.fromArray(S, out, o + 5 * L));
                a6 = a6.add(FloatVector.fromArray(S, out, o + 6 * L));
                a7 = a7.add(FloatVector.fromArray(S, out, o + 7 * L));
            }
            a0.intoArray(out, o);
            a1.intoArray(out, o + L);
            a2.intoArray(out, o + 2 * L);
            a3.intoArray(out, o + 3 * L);
            a4.intoArray(out, o + 4 * L);
            a5.intoArray(out, o + 5 * L);
            a6.intoArray(out, o + 6 * L);
            a7.intoArray(out, o + 7 * L);
        }
    }

    private static void rowBlock4(int slabs, int[] starts, int runs, int[] index, int[] at, MemorySegment values, long rowBase,
                                  float[] x, int ldx, int c0, float[] out, int o) {
        for (int s = 0; s < slabs; s++) {
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            for (int p = starts[runs + s], end = starts[runs + s + 1]; p < end; p++) {
                FloatVector w = FloatVector.broadcast(S, values.getAtIndex(F, rowBase + at[p]));
                int xo = index[p] * ldx + c0;
                a0 = w.fma(FloatVector.fromArray(S, x, xo), a0);
                a1 = w.fma(FloatVector.fromArray(S, x, xo + L), a1);
                a2 = w.fma(FloatVector.fromArray(S, x, xo + 2 * L), a2);
                a3 = w.fma(FloatVector.fromArray(S, x, xo + 3 * L), a3);
            }
            if (s > 0) {
                a0 = a0.add(FloatVector.fromArray(S, out, o));
                a1 = a1.add(FloatVector.fromArray(S, out, o + L));
                a2 = a2.add(FloatVector.fromArray(S, out, o + 2 * L));
                a3 = a3.add(FloatVector.fromArray(S, out, o + 3 * L));
            }
            a0.intoArray(out, o);
            a1.intoArray(out, o + L);
            a2.intoArray(out, o + 2 * L);
            a3.intoArray(out, o + 3 * L);
        }
    }

    private static void rowBlock1(int slabs, int[] starts, int runs, int[] index, int[] at, MemorySegment values, long rowBase,
                                  float[] x, int ldx, int c0, float[] out, int o) {
        for (int s = 0; s < slabs; s++) {
            FloatVector a0 = FloatVector.zero(S);
            for (int p = starts[runs + s], end = starts[runs + s + 1]; p < end; p++) {
                a0 = FloatVector.broadcast(S, values.getAtIndex(F, rowBase + at[p])).fma(FloatVector.fromArray(S, x, index[p] * ldx + c0), a0);
            }
            if (s > 0) a0 = a0.add(FloatVector.fromArray(S, out, o));
            a0.intoArray(out, o);
        }
    }

    @Override
    public void dotRows(int from, int to, int[] starts, int[] index, float[] a, int lda, float[] x, int ldx, int width,
                        MemorySegment out, long outBase, int ldo) {
        if (width == 64 && L == 8) {
            dotRows64(from, to, starts, index, a, lda, x, ldx, out, outBase, ldo);
            return;
        }
        if (width == 64 && L == 16) {
            dotRows64Wide(from, to, starts, index, a, lda, x, ldx, out, outBase, ldo);
            return;
        }
        for (int r = from; r < to; r++) {
            int ar = r * lda;
            long outRow = outBase + (long) r * ldo;
            for (int p = starts[r], end = starts[r + 1]; p < end; p++) {
                int col = index[p];
                out.setAtIndex(F, outRow + col, dot16(a, ar, x, col * ldx, width));
            }
        }
    }

    /**
     * {@link #dotRows} over a 64-wide batch with 8 lanes (a training batch of up to 64): row r of {@code a} stays in
     * eight registers while its entries stream past; partials {@code b mod 16} in two vectors, as {@link #dot16}.
     */
    private static void dotRows64(int from, int to, int[] starts, int[] index, float[] a, int lda, float[] x, int ldx,
                                  MemorySegment out, long outBase, int ldo) {
        FloatVector zero = FloatVector.zero(S);
        for (int r = from; r < to; r++) {
            int ar = r * lda;
            FloatVector a0 = FloatVector.fromArray(S, a, ar), a1 = FloatVector.fromArray(S, a, ar + 8);
            FloatVector a2 = FloatVector.fromArray(S, a, ar + 16), a3 = FloatVector.fromArray(S, a, ar + 24);
            FloatVector a4 = FloatVector.fromArray(S, a, ar + 32), a5 = FloatVector.fromArray(S, a, ar + 40);
            FloatVector a6 = FloatVector.fromArray(S, a, ar + 48), a7 = FloatVector.fromArray(S, a, ar + 56);
            long outRow = outBase + (long) r * ldo;
            for (int p = starts[r], end = starts[r + 1]; p < end; p++) {
                int col = index[p], xo = col * ldx;
                FloatVector p0 = a0.fma(FloatVector.fromArray(S, x, xo), zero);
                FloatVector p1 = a1.fma(FloatVector.fromArray(S, x, xo + 8), zero);
                p0 = a2.fma(FloatVector.fromArray(S, x, xo + 16), p0);
                p1 = a3.fma(FloatVector.fromArray(S, x, xo + 24), p1);
                p0 = a4.fma(FloatVector.fromArray(S, x, xo + 32), p0);
                p1 = a5.fma(FloatVector.fromArray(S, x, xo + 40), p1);
                p0 = a6.fma(FloatVector.fromArray(S, x, xo + 48), p0);
                p1 = a7.fma(FloatVector.fromArray(S, x, xo + 56), p1);
                FloatVector t = p0.add(p1);
                t = t.add(t.rearrange(FOLD4));
                t = t.add(t.rearrange(FOLD2));
                out.setAtIndex(F, outRow + col, t.add(t.rearrange(FOLD1)).lane(0));
            }
        }
    }

    /**
     * {@link #dotRows} over a 64-wide batch with 16 lanes: row r of {@code a} stays in four registers; one vector holds
     * the sixteen partials {@code b mod 16}, each summed in b order as {@link #dot16} sums it, then folded the same way.
     */
    private static void dotRows64Wide(int from, int to, int[] starts, int[] index, float[] a, int lda, float[] x, int ldx,
                                      MemorySegment out, long outBase, int ldo) {
        FloatVector zero = FloatVector.zero(S);
        for (int r = from; r < to; r++) {
            int ar = r * lda;
            FloatVector a0 = FloatVector.fromArray(S, a, ar), a1 = FloatVector.fromArray(S, a, ar + 16);
            FloatVector a2 = FloatVector.fromArray(S, a, ar + 32), a3 = FloatVector.fromArray(S, a, ar + 48);
            long outRow = outBase + (long) r * ldo;
            for (int p = starts[r], end = starts[r + 1]; p < end; p++) {
                int col = index[p], xo = col * ldx;
                FloatVector t = a0.fma(FloatVector.fromArray(S, x, xo), zero);
                t = a1.fma(FloatVector.fromArray(S, x, xo + 16), t);
                t = a2.fma(FloatVector.fromArray(S, x, xo + 32), t);
                t = a3.fma(FloatVector.fromArray(S, x, xo + 48), t);
                t = t.add(t.rearrange(FOLD8));
                t = t.add(t.rearrange(FOLD4));
                t = t.add(t.rearrange(FOLD2));
                out.setAtIndex(F, outRow + col, t.add(t.rearrange(FOLD1)).lane(0));
            }
        }
    }

    /**
     * The sixteen-partial dot product of {@link CpuKernels#dotRows}: lane l of the partial vectors holds the positions
     * {@code b = l (mod 16)}; with fewer than 16 lanes the partials span several vectors, with 16 one.
     */
    private static float dot16(float[] a, int ao, float[] x, int xo, int width) {
        FloatVector p0 = FloatVector.zero(S), p1 = p0, p2 = p0, p3 = p0;
        for (int b = 0; b < width; b += 16) {
            p0 = FloatVector.fromArray(S, a, ao + b).fma(FloatVector.fromArray(S, x, xo + b), p0);
            if (L <= 8) p1 = FloatVector.fromArray(S, a, ao + b + L).fma(FloatVector.fromArray(S, x, xo + b + L), p1);
            if (L == 4) {
                p2 = FloatVector.fromArray(S, a, ao + b + 8).fma(FloatVector.fromArray(S, x, xo + b + 8), p2);
                p3 = FloatVector.fromArray(S, a, ao + b + 12).fma(FloatVector.fromArray(S, x, xo + b + 12), p3);
            }
        }
        // t_l = P_l + P_{l+8}, then folds by 4, 2 and 1 within the vector.
        FloatVector t = switch (L) {
            case 16 -> p0.add(p0.rearrange(FOLD8));
            case 8 -> p0.add(p1);
            default -> p0.add(p2).add(p1.add(p3)); // lanes 0-3: t_l + t_{l+4}, the fold by 4 done
        };
        if (L > 4) t = t.add(t.rearrange(FOLD4));
        t = t.add(t.rearrange(FOLD2));
        return t.add(t.rearrange(FOLD1)).lane(0);
    }
}
