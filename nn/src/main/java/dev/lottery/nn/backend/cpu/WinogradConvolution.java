package dev.lottery.nn.backend.cpu;

import dev.lottery.nn.backend.ConvGeometry;
import dev.lottery.nn.backend.cpu.DirectConvolution.PackedFilters;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * 3x3 stride-1 convolutions (and their data gradients) as Winograd F(2x2, 3x3): each 2x2 block of outputs ("tile")
 * is {@code A^T [sum over channels of (G g G^T) . (B^T d B)] A} for the tile's 4x4 input patch {@code d}, so the
 * products take 16 multiply-adds per tile, channel and filter instead of 36. Per image (in parallel over images and
 * groups) and per chunk of tile rows that fits in L2: the channels' patches are transformed (vectorized over a row of
 * tiles, from a staging that splits each padded row into its even and odd columns), the 16 transformed products are
 * the direct kernels' register tiles ({@link DirectConvolution#tile}) with one step per channel, and the outputs are
 * transformed back, biased and rectified, and written out. The filter gradient of layers with at least
 * {@link #MIN_FILTER_GRADIENT_CHANNELS} channels runs here too ({@link #backwardFilter}): the same input transforms,
 * the output gradient transformed by {@code A}, and the sum over tiles per transformed position.
 *
 * <p>Same bits whatever the population: each output is a fixed function of its own filter's transformed weights and
 * its own group's channels (each product an FMA chain over the channels in order; steps whose transformed weights
 * are zero for a whole register tile are skipped, which changes no bits). Which algorithm runs depends on the
 * geometry only (kernel, stride, channels per group), never on the number of filters, so a population's shared first
 * layer computes what each member computes alone. The sums differ from the direct kernels' in rounding only: the
 * transforms add and subtract (and the filter transform halves) before multiplying.
 */
final class WinogradConvolution {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /**
     * The fewest channels (forward) or filters (data gradient) per group for which the transforms pay: measured
     * against the direct kernels on resnet20's and conv4's layers, Winograd is about 1.2x as fast at 32 channels,
     * 1.5-2.4x at 64-128, but 0.6-0.7x at 16, where the transforms cost more than the products they save.
     */
    static final int MIN_CHANNELS = 32;
    /**
     * The most floats of transformed inputs and products a chunk may take: 2 MiB. The products read a chunk one
     * register block of tiles at a time ({@code NV} vectors of every channel, 24 KiB at 128 channels), which stays in
     * L1 across all filters, so a chunk larger than L2 costs a streamed pass, where a small one wastes FMAs.
     */
    private static final int CHUNK_FLOATS_MAX = 512 * 1024;
    private static final int MR = DirectConvolution.MR;

    private WinogradConvolution() {}

    /** Whether the forward product runs here: 3x3, stride 1, at most 2 of padding, at least {@link #MIN_CHANNELS} channels per group. */
    static boolean appliesForward(ConvGeometry g) {
        return threeByThree(g) && g.groupChannels() >= MIN_CHANNELS;
    }

    /** Whether the data gradient runs here: as {@link #appliesForward}, counting the filters per group (its channels). */
    static boolean appliesToDataGradient(ConvGeometry g) {
        return threeByThree(g) && g.groupFilters() >= MIN_CHANNELS;
    }

    /**
     * The fewest channels per group for which the filter gradient runs here: measured against the direct kernels on
     * resnet20's and conv4's layers (batch 128 and 50), about 1.2x as fast at 16 channels, 1.5x at 32 and 1.6-2x at 64.
     */
    static final int MIN_FILTER_GRADIENT_CHANNELS = 16;

    /**
     * Whether the filter gradient runs here: 3x3, stride 1, at least {@link #MIN_FILTER_GRADIENT_CHANNELS} input
     * channels per group. Like the other paths' choice, it depends on the input channels, never on the number of
     * filters, so a population's shared first layer takes the path each member would take alone.
     */
    static boolean appliesToFilterGradient(ConvGeometry g) {
        return threeByThree(g) && g.groupChannels() >= MIN_FILTER_GRADIENT_CHANNELS;
    }

    private static boolean threeByThree(ConvGeometry g) {
        return g.kernel() == 3 && g.stride() == 1 && g.pad() <= 2;
    }

    /**
     * One transform: {@code inputs} planes of {@code height x width}, padded by {@code pad}, into {@code outputs}
     * planes of {@code outRows x outCols}, computed in chunks of {@code chunkRows} tile rows of one image, or of
     * {@code imagesPerChunk} whole images (see {@link #of}). The staging holds each padded row as its even columns then
     * its odd columns, {@link #half} floats each (a vector of slack after the tiles' columns); rows past the padding
     * are zero.
     */
    private record Plan(int inputs, int outputs, int height, int width, int pad, int chunkRows, int imagesPerChunk) {
        /**
         * The plan with the chunk that wastes least of the kernel's work. The kernel computes {@code NV} vectors of
         * tiles at a time (the last block of a chunk overlapping the one before), so a chunk of 25 tiles costs three
         * 16-tile vectors, of 18 tiles three as well: small chunks (a few tile rows of a 128-channel layer, or an
         * 8 x 8 output of 16 tiles) would compute two or three times the products they keep. Among the chunks within
         * {@link #CHUNK_FLOATS_MAX} and {@code maxImages}, the one whose computed vectors per tile are fewest, and the
         * smallest of those.
         */
        static Plan of(int inputs, int outputs, int height, int width, int pad, int maxImages) {
            Plan plan = new Plan(inputs, outputs, height, width, pad, 1, 1);
            int tileRows = plan.tileRows(), tileCols = plan.tileCols();
            Plan best = plan;
            double bestCost = Double.MAX_VALUE;
            for (int rows = 1, images = 1; rows <= tileRows; ) {
                Plan p = new Plan(inputs, outputs, height, width, pad, rows, images);
                if (images > maxImages || rows > 1 && p.chunkFloats() > CHUNK_FLOATS_MAX) break;
                // Vectors computed per tile over a whole image's chunks (the last chunk may be shorter).
                long computed = 0;
                for (int i0 = 0; i0 < tileRows; i0 += rows) computed += computedVectors(images * Math.min(rows, tileRows - i0) * tileCols);
                double cost = (double) computed / (images * tileRows * tileCols);
                if (cost < bestCost - 1e-9) {
                    best = p;
                    bestCost = cost;
                }
                if (rows < tileRows) rows++;
                else images++;
            }
            return best;
        }

        /** The vectors of tiles the kernel computes for a chunk of {@code count} tiles: whole blocks of {@code NV}. */
        private static int computedVectors(int count) {
            int vectors = Math.max(ConvFrame.ceilDiv(count, L), DirectConvolution.NV);
            return ConvFrame.ceilDiv(vectors, DirectConvolution.NV) * DirectConvolution.NV;
        }

        int outRows() {
            return height + 2 * pad - 2;
        }

        int outCols() {
            return width + 2 * pad - 2;
        }

        int tileRows() {
            return (outRows() + 1) / 2;
        }

        int tileCols() {
            return (outCols() + 1) / 2;
        }

        int half() {
            return tileCols() + 1 + L;
        }

        int plane() {
            return (2 * tileRows() + 2) * 2 * half();
        }

        int paddedOutputs() {
            return ConvFrame.ceilDiv(outputs, MR) * MR;
        }

        /** Floats per (transformed position, channel) in a chunk: its tiles in whole vectors, at least one kernel block, plus a vector of slack. */
        int chunkStride() {
            return (Math.max(ConvFrame.ceilDiv(imagesPerChunk * chunkRows * tileCols(), L), DirectConvolution.NV) + 1) * L;
        }

        /** Floats of a chunk's transformed inputs and products. */
        long chunkFloats() {
            return 16L * (inputs + paddedOutputs()) * chunkStride();
        }
    }

    /**
     * The most images one chunk (one task) may take: enough tasks remain for every thread of the crew to get about
     * four. Chunks change no bits, so their size may follow the thread count.
     */
    private static int maxImages(GemmWorkers workers, ConvGeometry g) {
        return Math.max(1, g.batch() / (4 * workers.threads()));
    }

    /** {@code y = conv(x, w) + bias}, then {@code max(0, y)} when {@code relu}. */
    static void forward(GemmWorkers workers, MemorySegment x, MemorySegment w, MemorySegment bias, MemorySegment y, ConvGeometry g,
                        boolean relu) {
        int c = g.groupChannels(), k = g.groupFilters();
        Plan plan = Plan.of(c, k, g.height(), g.width(), g.pad(), maxImages(workers, g));
        PackedFilters filters = pack(w, g, plan, false);
        float[] biases = bias == null ? null : bias.toArray(F);
        long inPlane = (long) g.height() * g.width(), outPlane = (long) g.outHeight() * g.outWidth();
        int ipc = plan.imagesPerChunk(), chunks = ConvFrame.ceilDiv(g.batch(), ipc);
        workers.forEach(g.groups() * chunks, t -> {
            int group = t / chunks, n = t % chunks * ipc;
            convolveImages(plan, x, (n * g.channels() + (long) group * c) * inPlane, g.channels() * inPlane, Math.min(ipc, g.batch() - n),
                    filters, group, biases, group * k, relu, y, (n * g.filters() + (long) group * k) * outPlane, g.filters() * outPlane);
        }, x, w, bias, y);
    }

    /** {@code dx = conv^T(dy, w)} (overwrites dx): the correlation of dy, padded by {@code 2 - pad}, with the flipped, transposed filters. */
    static void backwardData(GemmWorkers workers, MemorySegment dy, MemorySegment w, MemorySegment dx, ConvGeometry g) {
        int c = g.groupChannels(), k = g.groupFilters();
        Plan plan = Plan.of(k, c, g.outHeight(), g.outWidth(), 2 - g.pad(), maxImages(workers, g));
        PackedFilters filters = pack(w, g, plan, true);
        long inPlane = (long) g.height() * g.width(), outPlane = (long) g.outHeight() * g.outWidth();
        int ipc = plan.imagesPerChunk(), chunks = ConvFrame.ceilDiv(g.batch(), ipc);
        workers.forEach(g.groups() * chunks, t -> {
            int group = t / chunks, n = t % chunks * ipc;
            convolveImages(plan, dy, (n * g.filters() + (long) group * k) * outPlane, g.filters() * outPlane, Math.min(ipc, g.batch() - n),
                    filters, group, null, 0, false, dx, (n * g.channels() + (long) group * c) * inPlane, g.channels() * inPlane);
        }, dy, w, dx);
    }

    /**
     * {@code dw = d(loss)/d(w)} (overwrites it) as Winograd F(2x2, 3x3) run backwards: with {@code y = A^T (U . V) A}
     * per tile, the gradient of the transformed filter is {@code dU = sum over tiles of (A dy A^T) . V}, and of the
     * filter {@code G^T dU G}: 16 multiply-adds per tile, filter and channel instead of im2col's 36. For each
     * transformed position the sum over tiles is a product {@code dU[xi]^T (C x K) = V[xi] (C x tiles) .
     * M[xi] (tiles x K)}, with {@code M = A dy A^T} computed from the output gradient transposed to filters-last, so
     * that the register tiles of {@link FilterGradientTiles} broadcast channels' inputs and load vectors of filters'
     * gradients, and no operand is packed.
     *
     * <p>Same bits whatever the threads: the batch is cut into {@link CpuConvolution#FILTER_CHUNKS} fixed ranges of
     * images; within a range each chunk (chosen from the geometry alone) sums its tiles in one FMA chain per value,
     * the chunks' sums are added in order, and so are the ranges'.
     */
    static void backwardFilter(GemmWorkers workers, MemorySegment x, MemorySegment dy, MemorySegment dw, ConvGeometry g) {
        int c = g.groupChannels(), k = g.groupFilters();
        Plan plan = Plan.of(c, k, g.height(), g.width(), g.pad(), ConvFrame.ceilDiv(g.batch(), CpuConvolution.FILTER_CHUNKS));
        long inPlane = (long) g.height() * g.width(), outPlane = (long) g.outHeight() * g.outWidth();
        int kPad = FilterGradientTiles.paddedFilters(k), perXi = FilterGradientTiles.paddedRows(c) * kPad;
        float[] out = LayerScratch.get().filters(k * c * 9), du = new float[16], tmp = new float[12], filter = new float[9];
        FilterGradientTiles.overRanges(workers, g, 16 * perXi,
                (group, n0, n1) -> gradientImages(plan, x, (n0 * g.channels() + (long) group * c) * inPlane, g.channels() * inPlane,
                        dy, (n0 * g.filters() + (long) group * k) * outPlane, g.filters() * outPlane, n1 - n0),
                (group, total) -> {
                    for (int m = 0; m < k; m++) {
                        for (int i = 0; i < c; i++) {
                            for (int xi = 0; xi < 16; xi++) du[xi] = total[xi * perXi + i * kPad + m];
                            transformFilterGradient(du, tmp, filter);
                            System.arraycopy(filter, 0, out, (m * c + i) * 9, 9);
                        }
                    }
                    MemorySegment.copy(out, 0, dw, F, (long) group * k * c * 9 * Float.BYTES, k * c * 9);
                }, x, dy, dw);
    }

    /**
     * The transformed filter gradient {@code dU^T} of {@code images} consecutive images of one group, summed chunk by
     * chunk of {@code plan} (in this thread's scratch, {@code [16][channels][filters]} rounded up as
     * {@link FilterGradientTiles} lays them out); image i's inputs at
     * {@code xFrom + i * xStep}, its output gradients at {@code dyFrom + i * dyStep}.
     */
    private static float[] gradientImages(Plan plan, MemorySegment x, long xFrom, long xStep, MemorySegment dy, long dyFrom,
                                          long dyStep, int images) {
        LayerScratch scratch = LayerScratch.get();
        int c = plan.inputs(), k = plan.outputs(), stride = plan.chunkStride(), tileCols = plan.tileCols();
        int kPad = FilterGradientTiles.paddedFilters(k), cPad = FilterGradientTiles.paddedRows(c), positions = plan.outRows() * plan.outCols();
        float[] staged = scratch.frames(c * plan.plane()), raw = scratch.images(c * plan.height() * plan.width());
        float[] dyRaw = scratch.compact(k * positions), dyT = scratch.gradientFrames(positions * kPad);
        // The channels' rows of V, and one row of zeros after them for the channels that pad the last tile.
        int zeroRow = 16 * c * stride;
        float[] v = scratch.transformedInputs(zeroRow + stride), mt = scratch.transformedOutputs(16 * stride * kPad);
        float[] sums = scratch.transformedGradients(16 * cPad * kPad);
        Arrays.fill(v, zeroRow, zeroRow + stride, 0f);
        int[] channelRows = new int[cPad];
        if (kPad > k) Arrays.fill(dyT, 0, positions * kPad, 0f);
        int ipc = plan.imagesPerChunk();
        boolean first = true;
        for (int n = 0; n < images; n += ipc) {
            int chunkImages = Math.min(ipc, images - n);
            for (int i0 = 0; i0 < plan.tileRows(); i0 += plan.chunkRows()) {
                int rows = Math.min(plan.chunkRows(), plan.tileRows() - i0), perImage = rows * tileCols, count = chunkImages * perImage;
                for (int image = n; image < n + chunkImages; image++) {
                    if (chunkImages > 1 || i0 == 0) {
                        stage(plan, x, xFrom + image * xStep, raw, staged);
                        MemorySegment.copy(dy, F, (dyFrom + image * dyStep) * Float.BYTES, dyRaw, 0, k * positions);
                        CpuKernels.active().transpose(dyRaw, 0, positions, k, positions, dyT, 0, kPad);
                    }
                    transformInputs(plan, staged, i0, rows, v, (image - n) * perImage);
                    transformGradients(plan, dyT, kPad, i0, rows, mt, (image - n) * perImage);
                }
                for (int xi = 0; xi < 16; xi++) {
                    for (int r = 0; r < cPad; r++) channelRows[r] = row(xi, r, c, stride, zeroRow);
                    FilterGradientTiles.sum(v, channelRows, cPad, mt, xi * stride * kPad, kPad, count, sums, xi * cPad * kPad, first);
                }
                first = false;
            }
        }
        return sums;
    }

    /** Where channel {@code ci}'s row of {@code V[xi]} starts, or the zero row for a channel past the last. */
    private static int row(int xi, int ci, int c, int stride, int zeroRow) {
        return ci < c ? (xi * c + ci) * stride : zeroRow;
    }

    /**
     * {@code M[xi][first + t][f] = (A dy A^T)[xi]} for the tiles {@code t} of tile rows {@code [i0, i0 + rows)}, from
     * the output gradient transposed to {@code [position][filter]} ({@code kPad} filters a row), a vector of filters at
     * a time; A^T = [[1,1,1,0],[0,1,-1,-1]]: the rows of {@code A dy} are {@code (d00, d01)}, {@code (d00 + d10,
     * d01 + d11)}, {@code (d00 - d10, d01 - d11)}, {@code (-d10, -d11)}, and each row {@code (a, b)} becomes
     * {@code (a, a + b, a - b, -b)}. A tile's row or column past an odd edge has no gradient: zero.
     */
    private static void transformGradients(Plan plan, float[] dyT, int kPad, int i0, int rows, float[] mt, int first) {
        int p = plan.outRows(), q = plan.outCols(), tileCols = plan.tileCols(), perXi = plan.chunkStride() * kPad;
        FloatVector zero = FloatVector.zero(S);
        for (int i = 0; i < rows; i++) {
            int row = 2 * (i0 + i);
            boolean lower = row + 1 < p;
            for (int j = 0; j < tileCols; j++) {
                int col = 2 * j, at = (first + i * tileCols + j) * kPad;
                boolean right = col + 1 < q;
                int top = (row * q + col) * kPad, bottom = top + q * kPad;
                for (int f = 0; f < kPad; f += L) {
                    FloatVector d00 = FloatVector.fromArray(S, dyT, top + f);
                    FloatVector d01 = right ? FloatVector.fromArray(S, dyT, top + kPad + f) : zero;
                    FloatVector d10 = lower ? FloatVector.fromArray(S, dyT, bottom + f) : zero;
                    FloatVector d11 = lower && right ? FloatVector.fromArray(S, dyT, bottom + kPad + f) : zero;
                    gradientRow(d00, d01, mt, at + f, perXi);
                    gradientRow(d00.add(d10), d01.add(d11), mt, 4 * perXi + at + f, perXi);
                    gradientRow(d00.sub(d10), d01.sub(d11), mt, 8 * perXi + at + f, perXi);
                    gradientRow(d10.neg(), d11.neg(), mt, 12 * perXi + at + f, perXi);
                }
            }
        }
    }

    /** One row {@code (a, b)} of {@code A dy} times {@code A^T}: {@code (a, a + b, a - b, -b)}, {@code perXi} apart. */
    private static void gradientRow(FloatVector a, FloatVector b, float[] mt, int at, int perXi) {
        a.intoArray(mt, at);
        a.add(b).intoArray(mt, perXi + at);
        a.sub(b).intoArray(mt, 2 * perXi + at);
        b.neg().intoArray(mt, 3 * perXi + at);
    }

    /**
     * {@code dg = G^T dU G} for one filter's transformed gradient {@code du} (4 x 4), G as in {@link #transformFilter}:
     * the rows of {@code G^T} are {@code (1, 1/2, 1/2, 0)}, {@code (0, 1/2, -1/2, 0)}, {@code (0, 1/2, 1/2, 1)};
     * {@code tmp} holds {@code G^T dU} (3 x 4) in between.
     */
    private static void transformFilterGradient(float[] du, float[] tmp, float[] dg) {
        for (int b = 0; b < 4; b++) {
            float u0 = du[b], u1 = du[4 + b], u2 = du[8 + b], u3 = du[12 + b];
            tmp[b] = u0 + 0.5f * (u1 + u2);
            tmp[4 + b] = 0.5f * (u1 - u2);
            tmp[8 + b] = 0.5f * (u1 + u2) + u3;
        }
        for (int r = 0; r < 3; r++) {
            float t0 = tmp[4 * r], t1 = tmp[4 * r + 1], t2 = tmp[4 * r + 2], t3 = tmp[4 * r + 3];
            dg[3 * r] = t0 + 0.5f * (t1 + t2);
            dg[3 * r + 1] = 0.5f * (t1 - t2);
            dg[3 * r + 2] = 0.5f * (t1 + t2) + t3;
        }
    }

    /**
     * The transformed filters {@code U = G g G^T} as register tiles: per group, transformed position {@code xi} and
     * tile of {@code MR} outputs, one step per input channel (skipped where the whole tile's values are zero) at
     * offset {@code channel * chunkStride}. Transposed (the data gradient): output {@code m} is input channel
     * {@code m}, input {@code i} is filter {@code i}, and the 3x3 filter is flipped.
     */
    private static PackedFilters pack(MemorySegment w, ConvGeometry g, Plan plan, boolean transposed) {
        LayerScratch scratch = LayerScratch.get();
        int k = g.groupFilters(), c = g.groupChannels(), groupSize = k * c * 9;
        int inputs = plan.inputs(), outputs = plan.outputs(), tiles = plan.paddedOutputs() / MR, stride = plan.chunkStride();
        int maxSteps = g.groups() * 16 * tiles * inputs;
        int[] start = scratch.tileStarts(g.groups() * 16 * tiles + 1), offsets = scratch.stepOffsets(maxSteps);
        float[] weights = scratch.stepWeights(maxSteps * MR), raw = scratch.filters(groupSize);
        float[] u = scratch.transformedOutputs(outputs * inputs * 16), filter = new float[9], gg = new float[12];
        int steps = 0;
        for (int group = 0; group < g.groups(); group++) {
            MemorySegment.copy(w, F, (long) group * groupSize * Float.BYTES, raw, 0, groupSize);
            for (int m = 0; m < outputs; m++) {
                for (int i = 0; i < inputs; i++) {
                    for (int t = 0; t < 9; t++) filter[t] = transposed ? raw[(i * c + m) * 9 + 8 - t] : raw[(m * c + i) * 9 + t];
                    transformFilter(filter, gg, u, (m * inputs + i) * 16);
                }
            }
            for (int xi = 0; xi < 16; xi++) {
                for (int tile = 0; tile < tiles; tile++) {
                    start[(group * 16 + xi) * tiles + tile] = steps;
                    for (int i = 0; i < inputs; i++) {
                        boolean any = false;
                        for (int j = 0; j < MR; j++) {
                            int m = tile * MR + j;
                            float v = m < outputs ? u[(m * inputs + i) * 16 + xi] : 0f;
                            weights[steps * MR + j] = v;
                            any |= v != 0f;
                        }
                        if (any) offsets[steps++] = i * stride;
                    }
                }
            }
        }
        start[g.groups() * 16 * tiles] = steps;
        return new PackedFilters(start, offsets, weights, 16 * tiles);
    }

    /**
     * {@code u[at + 4a + b] = (G g G^T)[a][b]} for the 3x3 filter {@code g}, G = [[1,0,0],[1/2,1/2,1/2],[1/2,-1/2,1/2],[0,0,1]];
     * {@code gg} holds {@code G g} (4 x 3) in between.
     */
    private static void transformFilter(float[] g, float[] gg, float[] u, int at) {
        for (int s = 0; s < 3; s++) {
            float g0 = g[s], g1 = g[3 + s], g2 = g[6 + s];
            gg[s] = g0;
            gg[3 + s] = 0.5f * (g0 + g1 + g2);
            gg[6 + s] = 0.5f * (g0 - g1 + g2);
            gg[9 + s] = g2;
        }
        for (int a = 0; a < 4; a++) {
            float g0 = gg[3 * a], g1 = gg[3 * a + 1], g2 = gg[3 * a + 2];
            u[at + 4 * a] = g0;
            u[at + 4 * a + 1] = 0.5f * (g0 + g1 + g2);
            u[at + 4 * a + 2] = 0.5f * (g0 - g1 + g2);
            u[at + 4 * a + 3] = g2;
        }
    }

    /**
     * {@code images} consecutive images of one group ({@link Plan#imagesPerChunk() several} only when each fits a
     * chunk whole): per chunk (tile rows of one image, or whole images) stages and transforms the inputs, multiplies
     * them with the packed filters and writes the outputs' tiles; finally copies each image's {@code plan.outputs()}
     * planes to {@code dst}. Image i is read at {@code from + i * fromStep} and written at {@code to + i * toStep}.
     * Every output is a sum over the channels in one order whichever chunk holds its tile, so grouping images changes
     * no bits.
     */
    private static void convolveImages(Plan plan, MemorySegment src, long from, long fromStep, int images, PackedFilters filters,
                                       int group, float[] bias, int biasAt, boolean relu, MemorySegment dst, long to, long toStep) {
        LayerScratch scratch = LayerScratch.get();
        int inputs = plan.inputs(), outputs = plan.outputs(), stride = plan.chunkStride();
        int outFloats = outputs * plan.outRows() * plan.outCols();
        float[] staged = scratch.frames(inputs * plan.plane());
        float[] raw = scratch.images(inputs * plan.height() * plan.width());
        if (images == 1) stage(plan, src, from, raw, staged);
        float[] v = scratch.transformedInputs(16 * inputs * stride);
        float[] m = scratch.transformedOutputs(16 * plan.paddedOutputs() * stride);
        float[] out = scratch.compact(images * outFloats);
        int[] start = filters.start(), offsets = filters.offsets();
        float[] weights = filters.weights();
        int tiles = plan.paddedOutputs() / MR, tileCols = plan.tileCols();
        for (int i0 = 0; i0 < plan.tileRows(); i0 += plan.chunkRows()) {
            int rows = Math.min(plan.chunkRows(), plan.tileRows() - i0), perImage = rows * tileCols, count = images * perImage;
            // In order: a vector past an image's last tile lands on the next image's first, which is written after it.
            for (int image = 0; image < images; image++) {
                if (images > 1) stage(plan, src, from + image * fromStep, raw, staged);
                transformInputs(plan, staged, i0, rows, v, image * perImage);
            }
            int vectors = Math.max(ConvFrame.ceilDiv(count, L), DirectConvolution.NV);
            for (int xi = 0; xi < 16; xi++) {
                for (int v0 = 0; v0 < vectors; v0 += DirectConvolution.NV) {
                    int o = Math.min(v0, vectors - DirectConvolution.NV) * L;
                    for (int tile = 0; tile < tiles; tile++) {
                        int at = filters.tile(group, xi * tiles + tile);
                        DirectConvolution.tile(v, xi * inputs * stride + o, offsets, weights, start[at], start[at + 1],
                                m, (xi * plan.paddedOutputs() + tile * MR) * stride + o, stride);
                    }
                }
            }
            transformOutputs(plan, m, i0, rows, count, bias, biasAt, relu, out);
        }
        for (int image = 0; image < images; image++) {
            MemorySegment.copy(out, image * outFloats, dst, F, (to + image * toStep) * Float.BYTES, outFloats);
        }
    }

    /**
     * Copies the input planes into the staging: each padded row split into even and odd columns, zeros elsewhere. A
     * row is split {@code 2L} columns at a time in registers ({@link EvenOddColumns#evenLanes},
     * {@link EvenOddColumns#oddLanes}); the last pieces are loaded and stored under lane masks, so nothing lands in the
     * padding. (Written out here rather than calling {@link EvenOddColumns#split}, whose masks on every piece cost this
     * hot staging about 3 % of a resnet20 step.)
     */
    private static void stage(Plan plan, MemorySegment src, long from, float[] raw, float[] staged) {
        int h = plan.height(), w = plan.width(), pad = plan.pad(), half = plan.half(), plane = plan.plane();
        MemorySegment.copy(src, F, from * Float.BYTES, raw, 0, plan.inputs() * h * w);
        Arrays.fill(staged, 0, plan.inputs() * plane, 0f);
        int evens = (w + 1) / 2, odds = w / 2;
        int evenAt = EvenOddColumns.evenStart(pad, half), oddAt = EvenOddColumns.oddStart(pad, half);
        VectorShuffle<Float> evensFirst = EvenOddColumns.EVENS_FIRST, oddsFirst = EvenOddColumns.ODDS_FIRST;
        VectorMask<Float> upper = EvenOddColumns.UPPER_HALF;
        for (int c = 0; c < plan.inputs(); c++) {
            for (int r = 0; r < h; r++) {
                int row = c * plane + (r + pad) * 2 * half, in = (c * h + r) * w;
                int m = 0;
                for (; 2 * m + 2 * L <= w; m += L) {
                    FloatVector a = FloatVector.fromArray(S, raw, in + 2 * m), b = FloatVector.fromArray(S, raw, in + 2 * m + L);
                    EvenOddColumns.evenLanes(a, b, evensFirst, oddsFirst, upper).intoArray(staged, row + evenAt + m);
                    EvenOddColumns.oddLanes(a, b, evensFirst, oddsFirst, upper).intoArray(staged, row + oddAt + m);
                }
                if (m < evens) {
                    FloatVector a = FloatVector.fromArray(S, raw, in + 2 * m, S.indexInRange(2 * m, w));
                    FloatVector b = FloatVector.fromArray(S, raw, in + 2 * m + L, S.indexInRange(2 * m + L, w));
                    EvenOddColumns.evenLanes(a, b, evensFirst, oddsFirst, upper).intoArray(staged, row + evenAt + m, S.indexInRange(m, evens));
                    EvenOddColumns.oddLanes(a, b, evensFirst, oddsFirst, upper).intoArray(staged, row + oddAt + m, S.indexInRange(m, odds));
                }
            }
        }
    }

    /**
     * {@code V[xi][c][first + t] = (B^T d B)[xi]} for the tiles {@code t} of tile rows {@code [i0, i0 + rows)}
     * (numbered from the chunk's first), B^T = [[1,0,-1,0],[0,1,1,0],[0,-1,1,0],[0,1,0,-1]]. A vector covers
     * consecutive tiles of one row; the lanes past the row's end land on the next row's tiles (or the next image's, or
     * the slack), which are written after them.
     */
    private static void transformInputs(Plan plan, float[] staged, int i0, int rows, float[] v, int first) {
        int half = plan.half(), plane = plan.plane(), tileCols = plan.tileCols(), stride = plan.chunkStride();
        int perXi = plan.inputs() * stride, rowStep = 2 * half;
        for (int c = 0; c < plan.inputs(); c++) {
            int top = c * plane + 2 * i0 * rowStep;
            // The last block of a tile row first: its lanes past the row's end land on the next tile row's first
            // tiles, which the blocks after it write.
            for (int j0 = (tileCols - 1) / L * L; j0 >= 0; j0 -= L) {
                // Row transforms t_ab = (d B)[a][b] of a patch's four rows, then the column transforms. A tile row's
                // top two rows are the bottom two of the tile row above, so their row transforms carry over.
                int r = top + j0;
                FloatVector e, e1, o, o1;
                e = FloatVector.fromArray(S, staged, r);
                e1 = FloatVector.fromArray(S, staged, r + 1);
                o = FloatVector.fromArray(S, staged, r + half);
                o1 = FloatVector.fromArray(S, staged, r + half + 1);
                FloatVector t00 = e.sub(e1), t01 = o.add(e1), t02 = e1.sub(o), t03 = o.sub(o1);
                r += rowStep;
                e = FloatVector.fromArray(S, staged, r);
                e1 = FloatVector.fromArray(S, staged, r + 1);
                o = FloatVector.fromArray(S, staged, r + half);
                o1 = FloatVector.fromArray(S, staged, r + half + 1);
                FloatVector t10 = e.sub(e1), t11 = o.add(e1), t12 = e1.sub(o), t13 = o.sub(o1);
                for (int i = 0; i < rows; i++) {
                    r = top + j0 + (2 * i + 2) * rowStep;
                    e = FloatVector.fromArray(S, staged, r);
                    e1 = FloatVector.fromArray(S, staged, r + 1);
                    o = FloatVector.fromArray(S, staged, r + half);
                    o1 = FloatVector.fromArray(S, staged, r + half + 1);
                    FloatVector t20 = e.sub(e1), t21 = o.add(e1), t22 = e1.sub(o), t23 = o.sub(o1);
                    r += rowStep;
                    e = FloatVector.fromArray(S, staged, r);
                    e1 = FloatVector.fromArray(S, staged, r + 1);
                    o = FloatVector.fromArray(S, staged, r + half);
                    o1 = FloatVector.fromArray(S, staged, r + half + 1);
                    FloatVector t30 = e.sub(e1), t31 = o.add(e1), t32 = e1.sub(o), t33 = o.sub(o1);
                    int at = c * stride + first + i * tileCols + j0;
                    t00.sub(t20).intoArray(v, at);
                    t01.sub(t21).intoArray(v, perXi + at);
                    t02.sub(t22).intoArray(v, 2 * perXi + at);
                    t03.sub(t23).intoArray(v, 3 * perXi + at);
                    t10.add(t20).intoArray(v, 4 * perXi + at);
                    t11.add(t21).intoArray(v, 5 * perXi + at);
                    t12.add(t22).intoArray(v, 6 * perXi + at);
                    t13.add(t23).intoArray(v, 7 * perXi + at);
                    t20.sub(t10).intoArray(v, 8 * perXi + at);
                    t21.sub(t11).intoArray(v, 9 * perXi + at);
                    t22.sub(t12).intoArray(v, 10 * perXi + at);
                    t23.sub(t13).intoArray(v, 11 * perXi + at);
                    t10.sub(t30).intoArray(v, 12 * perXi + at);
                    t11.sub(t31).intoArray(v, 13 * perXi + at);
                    t12.sub(t32).intoArray(v, 14 * perXi + at);
                    t13.sub(t33).intoArray(v, 15 * perXi + at);
                    t00 = t20;
                    t01 = t21;
                    t02 = t22;
                    t03 = t23;
                    t10 = t30;
                    t11 = t31;
                    t12 = t32;
                    t13 = t33;
                }
            }
        }
    }

    /**
     * {@code y = A^T M A} for the chunk's {@code count} tiles ({@code rows} tile rows from {@code i0} of each of its
     * images), A^T = [[1,1,1,0],[0,1,-1,-1]], plus the bias and the ReLU, written to {@code out} as
     * {@code [images][outputs][outRows][outCols]} (a tile's row or column past an odd edge is dropped).
     */
    private static void transformOutputs(Plan plan, float[] m, int i0, int rows, int count, float[] bias, int biasAt, boolean relu,
                                         float[] out) {
        int stride = plan.chunkStride(), perXi = plan.paddedOutputs() * stride, tileCols = plan.tileCols();
        int p = plan.outRows(), q = plan.outCols();
        float[] y = new float[4 * L];
        for (int f = 0; f < plan.outputs(); f++) {
            FloatVector b = FloatVector.broadcast(S, bias == null ? 0f : bias[biasAt + f]);
            for (int t0 = 0; t0 < count; t0 += L) {
                int at = f * stride + t0;
                // Column sums s_ab = (A^T M)[a][b], then the rows: y_a0 = s_a0 + s_a1 + s_a2, y_a1 = s_a1 - s_a2 - s_a3.
                FloatVector m0, m1, m2, m3;
                m0 = FloatVector.fromArray(S, m, at);
                m1 = FloatVector.fromArray(S, m, 4 * perXi + at);
                m2 = FloatVector.fromArray(S, m, 8 * perXi + at);
                m3 = FloatVector.fromArray(S, m, 12 * perXi + at);
                FloatVector s00 = m0.add(m1).add(m2), s10 = m1.sub(m2).sub(m3);
                m0 = FloatVector.fromArray(S, m, perXi + at);
                m1 = FloatVector.fromArray(S, m, 5 * perXi + at);
                m2 = FloatVector.fromArray(S, m, 9 * perXi + at);
                m3 = FloatVector.fromArray(S, m, 13 * perXi + at);
                FloatVector s01 = m0.add(m1).add(m2), s11 = m1.sub(m2).sub(m3);
                m0 = FloatVector.fromArray(S, m, 2 * perXi + at);
                m1 = FloatVector.fromArray(S, m, 6 * perXi + at);
                m2 = FloatVector.fromArray(S, m, 10 * perXi + at);
                m3 = FloatVector.fromArray(S, m, 14 * perXi + at);
                FloatVector s02 = m0.add(m1).add(m2), s12 = m1.sub(m2).sub(m3);
                m0 = FloatVector.fromArray(S, m, 3 * perXi + at);
                m1 = FloatVector.fromArray(S, m, 7 * perXi + at);
                m2 = FloatVector.fromArray(S, m, 11 * perXi + at);
                m3 = FloatVector.fromArray(S, m, 15 * perXi + at);
                FloatVector s03 = m0.add(m1).add(m2), s13 = m1.sub(m2).sub(m3);
                FloatVector y00 = s00.add(s01).add(s02).add(b), y01 = s01.sub(s02).sub(s03).add(b);
                FloatVector y10 = s10.add(s11).add(s12).add(b), y11 = s11.sub(s12).sub(s13).add(b);
                if (relu) {
                    y00 = y00.max(0f);
                    y01 = y01.max(0f);
                    y10 = y10.max(0f);
                    y11 = y11.max(0f);
                }
                y00.intoArray(y, 0);
                y01.intoArray(y, L);
                y10.intoArray(y, 2 * L);
                y11.intoArray(y, 3 * L);
                int perImage = rows * tileCols, t = t0, image = t / perImage, i = i0 + t % perImage / tileCols, j = t % tileCols;
                for (int l = 0; l < L && t < count; l++, t++) {
                    int row = 2 * i, col = 2 * j, plane = (image * plan.outputs() + f) * p * q;
                    out[plane + row * q + col] = y[l];
                    if (col + 1 < q) out[plane + row * q + col + 1] = y[L + l];
                    if (row + 1 < p) {
                        out[plane + (row + 1) * q + col] = y[2 * L + l];
                        if (col + 1 < q) out[plane + (row + 1) * q + col + 1] = y[3 * L + l];
                    }
                    if (++j == tileCols) {
                        j = 0;
                        if (++i == i0 + rows) {
                            i = i0;
                            image++;
                        }
                    }
                }
            }
        }
    }
}
