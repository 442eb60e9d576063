package dev.lottery.nn.backend.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A convolution's bias gradient, {@code dbias[f] = sum over images and positions of dy[n][f]}, in double, images in
 * order and each plane in position order, for {@value #CHAINS} filters at a time. Each filter's sum is one chain of
 * dependent additions; the filters' chains run side by side, which overlaps their latencies without changing any
 * chain's order, so the bits do not depend on how filters are grouped. The running sums live in a {@code double[]} of
 * {@value #CHAINS} between planes.
 */
final class BiasSums {
    /** Filters summed side by side. */
    static final int CHAINS = 8;
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private BiasSums() {}

    /**
     * Adds one image's planes of {@value #CHAINS} filters to their chains: plane {@code j} ({@code pq} floats at
     * {@code planes[j * pq]}, zeros for a filter the group does not have) to {@code sums[j]}.
     */
    static void add(float[] planes, int pq, double[] sums) {
        double s0 = sums[0], s1 = sums[1], s2 = sums[2], s3 = sums[3], s4 = sums[4], s5 = sums[5], s6 = sums[6], s7 = sums[7];
        for (int i = 0; i < pq; i++) {
            s0 += planes[i];
            s1 += planes[pq + i];
            s2 += planes[2 * pq + i];
            s3 += planes[3 * pq + i];
            s4 += planes[4 * pq + i];
            s5 += planes[5 * pq + i];
            s6 += planes[6 * pq + i];
            s7 += planes[7 * pq + i];
        }
        sums[0] = s0;
        sums[1] = s1;
        sums[2] = s2;
        sums[3] = s3;
        sums[4] = s4;
        sums[5] = s5;
        sums[6] = s6;
        sums[7] = s7;
    }

    /** Writes the first {@code count} chains' sums as floats to {@code dbias} from float index {@code at}. */
    static void store(double[] sums, int count, MemorySegment dbias, long at) {
        for (int j = 0; j < count; j++) dbias.setAtIndex(F, at + j, (float) sums[j]);
    }
}
