package dev.lottery.nn.backend.cpu;

import dev.lottery.nn.backend.ConvGeometry;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Convolutions computed straight from the padded images ({@link ConvFrame}), with no im2col matrix and no packing of
 * it. Forward, a register tile is {@link #MR} filters by {@link #NV} vectors of output positions: each step
 * of its loop broadcasts the tile's weights of one (channel, tap) and loads the shifted input vectors of that tap. The
 * data gradient is the same kernel run over the output gradient with the filters transposed and flipped (a stride-1
 * transposed convolution is a correlation with pad {@code R-1-pad}). The filter gradient's tile is {@link #GF}
 * filters by two groups of three taps (of one kernel row each), one vector accumulator each, summing {@code dy * x}
 * over the positions of the whole batch; its lanes are added in order at the end.
 *
 * <p>Strided layers run on the same tiles over phase planes ({@link ConvFrame}): forward, each tap reads one shifted
 * phase plane; the data gradient is one stride-1 correlation of the output gradient per phase of the input
 * ({@link #backwardDataStrided}); the filter gradient is the wide one ({@link #backwardFilterWide}) with its rows in
 * phase planes. Against im2col + GEMM this stages each input value once instead of once per tap that reads it.
 *
 * <p><b>Same bits whatever the population.</b> Every output is one FMA chain over its own (channel, tap) steps in
 * ascending order, starting from zero (the bias is added afterwards); every filter-gradient value one chain per lane
 * over the images and positions in order, then its lanes in order. Nothing depends on how many filters, groups or
 * threads there are or on which tile a filter falls in: the bits depend on the geometry and the vector width only.
 * Forward steps where all {@code MR} weights of a tile are zero are left out, which leaves the sums' bits unchanged
 * (adding {@code +-0} to a finite sum that started at {@code +0} changes nothing); this is also where the work shrinks
 * with a pruning mask.
 *
 * <p>Tile sizes follow the vector width: 512-bit vectors come with 32 registers (AVX-512), which hold 8 x 3 and 4 x 6
 * tiles; narrower ones with 16 (AVX2), which hold 4 x 2 and 2 x 6 without spilling.
 */
final class DirectConvolution {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final boolean WIDE = L >= 16;
    /** Filters per forward tile (output channels forward, input channels for the data gradient). */
    static final int MR = WIDE ? 8 : 4;
    /** Vectors of output positions per forward tile. */
    static final int NV = WIDE ? 3 : 2;
    /** Filters per filter-gradient tile. */
    static final int GF = WIDE ? 4 : 2;
    /** Taps per filter-gradient tile: three of one kernel row. */
    private static final int TAPS = 3;
    /** The most input channels per group for which the filter gradient runs here (see {@link #appliesToFilterGradient}). */
    static final int FILTER_GRADIENT_CHANNELS = 32;
    /** Floats of a filter-gradient image block kept in L1 (half of a 48 KiB L1; the rest for sums and spills). */
    private static final int L1_FLOATS = 6 * 1024;

    private DirectConvolution() {}

    /**
     * Whether these kernels compute the convolution and its data gradient: a border narrower than the kernel and a
     * stride no longer than it (so that every phase plane of a strided layer has taps; a 1x1 stride-2 projection
     * reads a quarter of its input and stays with im2col).
     */
    static boolean applies(ConvGeometry g) {
        return g.pad() < g.kernel() && g.stride() <= g.kernel();
    }

    /**
     * Whether they compute the filter gradient too: with few channels per group, for the layers Winograd's filter
     * gradient does not take (it is checked first: 3x3 layers from 16 channels). Above
     * {@link #FILTER_GRADIENT_CHANNELS} an im2col matrix is reused by enough filters that im2col + GEMM is faster
     * (measured on resnet20's and conv4's layers). The choice depends on the input channels, never on the number of
     * filters, so a population's shared first layer takes the path each member would take alone.
     */
    static boolean appliesToFilterGradient(ConvGeometry g) {
        return applies(g) && g.stride() == 1 && g.groupChannels() <= FILTER_GRADIENT_CHANNELS;
    }

    /** The frame of the forward product and of the filter gradient: the input padded by {@code pad} (in phases when strided). */
    private static ConvFrame inputFrame(ConvGeometry g) {
        return new ConvFrame(g.groupChannels(), g.height(), g.width(), g.pad(), g.kernel(), g.stride(), L, NV);
    }

    /**
     * The frame of the data gradient: the output gradient padded by {@code R-1-pad}, filters flipped; when strided, by
     * one less than a phase's taps a side, so that each phase of the padded input is a correlation over it.
     */
    private static ConvFrame gradientFrame(ConvGeometry g) {
        int reach = ConvFrame.ceilDiv(g.kernel(), g.stride());
        return g.stride() == 1
                ? new ConvFrame(g.groupFilters(), g.outHeight(), g.outWidth(), g.kernel() - 1 - g.pad(), g.kernel(), 1, L, NV)
                : new ConvFrame(g.groupFilters(), g.outHeight(), g.outWidth(), reach - 1, reach, 1, L, NV);
    }

    /**
     * Filters packed for the kernel, per group and per tile of {@link #MR} filters: tile {@code b}'s steps are
     * {@code start[b] .. start[b+1]}, step {@code t} reads the frame at {@code offsets[t]} from the output position
     * and weighs it with {@code weights[t * MR .. t * MR + MR]} (zeros for filters past the last).
     */
    record PackedFilters(int[] start, int[] offsets, float[] weights, int tiles) {
        int tile(int group, int tile) {
            return group * tiles + tile;
        }
    }

    /**
     * Packs {@code g}'s filters as tiles of {@code MR} outputs over {@code frame}'s channels: forward, output
     * {@code m} is filter {@code m} and channel {@code i} is input channel {@code i}; transposed (the data gradient),
     * output {@code m} is input channel {@code m}, channel {@code i} is filter {@code i} and the taps run backwards.
     */
    private static PackedFilters pack(MemorySegment w, ConvGeometry g, ConvFrame frame, boolean transposed, LayerScratch scratch) {
        int r = g.kernel(), rr = r * r;
        int[] taps = new int[rr], shifts = new int[rr];
        for (int t = 0; t < rr; t++) {
            taps[t] = transposed ? rr - 1 - t : t;
            shifts[t] = frame.offset(0, t / r, t % r);
        }
        return pack(w, g, frame, transposed, new int[][] {taps}, new int[][] {shifts}, scratch);
    }

    /**
     * Packs the filters for each of several sets of taps ({@code taps[set]}, indices {@code r * R + s} into a filter,
     * read at {@code shifts[set]} from channel {@code i}'s first plane): set {@code u}'s tile {@code b} of group
     * {@code j} is {@link PackedFilters#tile}{@code (u * groups + j, b)}. Steps whose weights are all zero are left out.
     */
    private static PackedFilters pack(MemorySegment w, ConvGeometry g, ConvFrame frame, boolean transposed, int[][] taps,
                                      int[][] shifts, LayerScratch scratch) {
        int k = g.groupFilters(), c = g.groupChannels(), rr = g.kernel() * g.kernel(), channelSize = frame.phases() * frame.plane();
        int outputs = transposed ? c : k, tiles = ConvFrame.ceilDiv(outputs, MR), groupSize = k * c * rr, sets = taps.length;
        int maxSteps = 0;
        for (int[] set : taps) maxSteps += g.groups() * tiles * frame.channels() * set.length;
        int[] start = scratch.tileStarts(sets * g.groups() * tiles + 1), offsets = scratch.stepOffsets(maxSteps);
        float[] weights = scratch.stepWeights(maxSteps * MR), raw = scratch.filters(groupSize);
        int steps = 0;
        for (int set = 0; set < sets; set++) {
            for (int group = 0; group < g.groups(); group++) {
                MemorySegment.copy(w, F, (long) group * groupSize * Float.BYTES, raw, 0, groupSize);
                for (int tile = 0; tile < tiles; tile++) {
                    start[(set * g.groups() + group) * tiles + tile] = steps;
                    for (int i = 0; i < frame.channels(); i++) {
                        for (int j = 0; j < taps[set].length; j++) {
                            int tap = taps[set][j];
                            boolean any = false;
                            for (int l = 0; l < MR; l++) {
                                int m = tile * MR + l;
                                float v = 0f;
                                if (m < outputs) v = transposed ? raw[(i * c + m) * rr + tap] : raw[(m * c + i) * rr + tap];
                                weights[steps * MR + l] = v;
                                any |= v != 0f;
                            }
                            if (any) offsets[steps++] = i * channelSize + shifts[set][j];
                        }
                    }
                }
            }
        }
        start[sets * g.groups() * tiles] = steps;
        return new PackedFilters(start, offsets, weights, tiles);
    }

    /** {@code y = conv(x, w) + bias}, then {@code max(0, y)} when {@code relu}. */
    static void forward(GemmWorkers workers, MemorySegment x, MemorySegment w, MemorySegment bias, MemorySegment y, ConvGeometry g,
                        boolean relu) {
        ConvFrame frame = inputFrame(g);
        PackedFilters filters = pack(w, g, frame, false, LayerScratch.get());
        int c = g.groupChannels(), k = g.groupFilters();
        float[] biases = bias == null ? null : bias.toArray(F);
        long inPlane = (long) g.height() * g.width(), outPlane = (long) g.outHeight() * g.outWidth();
        workers.forEach(g.groups() * g.batch(), t -> {
            int group = t / g.batch(), n = t % g.batch();
            convolveImage(x, (n * g.channels() + (long) group * c) * inPlane, filters, group, k, frame, group * k, biases, relu,
                    y, (n * g.filters() + (long) group * k) * outPlane);
        }, x, w, bias, y);
    }

    /** {@code dx = conv^T(dy, w)} (overwrites dx). */
    static void backwardData(GemmWorkers workers, MemorySegment dy, MemorySegment w, MemorySegment dx, ConvGeometry g) {
        if (g.stride() > 1) {
            backwardDataStrided(workers, dy, w, dx, g);
            return;
        }
        ConvFrame frame = gradientFrame(g);
        PackedFilters filters = pack(w, g, frame, true, LayerScratch.get());
        int c = g.groupChannels(), k = g.groupFilters();
        long inPlane = (long) g.height() * g.width(), outPlane = (long) g.outHeight() * g.outWidth();
        workers.forEach(g.groups() * g.batch(), t -> {
            int group = t / g.batch(), n = t % g.batch();
            convolveImage(dy, (n * g.filters() + (long) group * k) * outPlane, filters, group, c, frame, 0, null, false,
                    dx, (n * g.channels() + (long) group * c) * inPlane);
        }, dy, w, dx);
    }

    /**
     * {@code dx = conv^T(dy, w)} (overwrites dx) for stride {@code t > 1}, one phase of the padded input at a time:
     * position {@code (t i + a, t j + b)} gets the sum over filters and over the taps {@code (a + t m, b + t n)} of
     * {@code w[f][c][a + t m][b + t n] * dy[f][i - m][j - n]}, a stride-1 correlation of {@code dy} with phase
     * {@code (a, b)}'s taps, flipped. Each image's {@code dy} is staged once ({@link #gradientFrame}), every phase runs
     * the forward tiles over it with its own packed taps, and the phases are then dealt out to their rows and columns
     * of {@code dx}. Each value is one FMA chain over (filter, tap) in order, as in the stride-1 kernels.
     */
    private static void backwardDataStrided(GemmWorkers workers, MemorySegment dy, MemorySegment w, MemorySegment dx, ConvGeometry g) {
        ConvFrame frame = gradientFrame(g);
        int t = g.stride(), r = g.kernel(), reach = frame.kernel(), cols = frame.cols();
        int[][] taps = new int[t * t][], shifts = new int[t * t][];
        for (int a = 0; a < t; a++) {
            for (int b = 0; b < t; b++) {
                int rows = ConvFrame.ceilDiv(r - a, t), columns = ConvFrame.ceilDiv(r - b, t), phase = a * t + b;
                taps[phase] = new int[rows * columns];
                shifts[phase] = new int[rows * columns];
                for (int m = 0; m < rows; m++) {
                    for (int n = 0; n < columns; n++) {
                        taps[phase][m * columns + n] = (a + t * m) * r + b + t * n;
                        shifts[phase][m * columns + n] = (reach - 1 - m) * cols + reach - 1 - n;
                    }
                }
            }
        }
        PackedFilters filters = pack(w, g, frame, true, taps, shifts, LayerScratch.get());
        int c = g.groupChannels(), k = g.groupFilters(), h = g.height(), wd = g.width(), pad = g.pad();
        int tiles = filters.tiles(), positions = frame.positions(), vectors = positions / L, image = frame.image();
        int phaseRows = frame.outRows(), phaseCols = frame.outCols(), phaseSize = tiles * MR * positions;
        long inPlane = (long) h * wd, outPlane = (long) g.outHeight() * g.outWidth();
        // Stride 2: the phases of even and odd padded columns are one phase's outputs apart. When every image column
        // falls inside the correlation's output, a row is interleaved in registers.
        int evenAt = EvenOddColumns.evenStart(pad, phaseSize), oddAt = EvenOddColumns.oddStart(pad, phaseSize);
        boolean everyColumn = (wd - 1 + pad) / t < phaseCols;
        workers.forEach(g.groups() * g.batch(), task -> {
            int group = task / g.batch(), n = task % g.batch();
            LayerScratch scratch = LayerScratch.get();
            float[] in = scratch.frames(image + frame.slack());
            frame.stage(dy, (n * g.filters() + (long) group * k) * outPlane, scratch.images(image), in, 0, frame.plane());
            Arrays.fill(in, image, image + frame.slack(), 0f);
            float[] out = scratch.outputFrames(t * t * phaseSize);
            int[] start = filters.start(), offsets = filters.offsets();
            float[] weights = filters.weights();
            for (int phase = 0; phase < t * t; phase++) {
                for (int v0 = 0; v0 < vectors; v0 += NV) {
                    int o = Math.min(v0, vectors - NV) * L;
                    for (int tile = 0; tile < tiles; tile++) {
                        int at = filters.tile(phase * g.groups() + group, tile);
                        tile(in, o, offsets, weights, start[at], start[at + 1], out, phase * phaseSize + tile * MR * positions + o,
                                positions);
                    }
                }
            }
            // Deal the phases out: padded row u = y + pad is row u / t of phase row u % t, and so for the columns;
            // phase positions past the correlation's output have no filter over them and get zero.
            float[] compact = scratch.compact(c * (int) inPlane);
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < h; y++) {
                    int u = y + pad, i = u / t, to = (ch * h + y) * wd, rowAt = u % t * t * phaseSize + ch * positions + i * cols;
                    if (i >= phaseRows) {
                        Arrays.fill(compact, to, to + wd, 0f);
                    } else if (t == 2 && everyColumn) {
                        EvenOddColumns.interleave(out, rowAt + evenAt, rowAt + oddAt, wd, compact, to);
                    } else {
                        for (int b = 0; b < t; b++) {
                            int x0 = Math.floorMod(b - pad, t), j = (x0 + pad) / t, from = rowAt + b * phaseSize;
                            for (int x = x0; x < wd; x += t, j++) compact[to + x] = j < phaseCols ? out[from + j] : 0f;
                        }
                    }
                }
            }
            MemorySegment.copy(compact, 0, dx, F, (n * g.channels() + (long) group * c) * inPlane * Float.BYTES, c * (int) inPlane);
        }, dy, w, dx);
    }

    /**
     * One image of one group: stages {@code frame.channels()} planes from {@code src} at {@code from}, runs every
     * tile of {@code outputs} filters over every block of positions, adds the biases from {@code bias[biasAt]} (when
     * non-null), applies the ReLU and writes {@code outputs} planes to {@code dst} at {@code to}.
     */
    private static void convolveImage(MemorySegment src, long from, PackedFilters filters, int group, int outputs,
                                      ConvFrame frame, int biasAt, float[] bias, boolean relu, MemorySegment dst, long to) {
        LayerScratch scratch = LayerScratch.get();
        int image = frame.image(), positions = frame.positions(), tiles = filters.tiles(), vectors = positions / L;
        float[] in = scratch.frames(image + frame.slack());
        frame.stage(src, from, scratch.images(image), in, 0, frame.phases() * frame.plane());
        Arrays.fill(in, image, image + frame.slack(), 0f);
        float[] out = scratch.outputFrames(tiles * MR * positions);
        int[] start = filters.start(), offsets = filters.offsets();
        float[] weights = filters.weights();
        // Position blocks outside, tiles inside: a block's inputs (all channels, a few rows) stay in L1 while every
        // tile's weights stream past them. The last block ends at the last vector, overlapping its predecessor
        // (whose outputs it recomputes to the same bits) rather than needing a narrower kernel.
        for (int v0 = 0; v0 < vectors; v0 += NV) {
            int o = Math.min(v0, vectors - NV) * L;
            for (int tile = 0; tile < tiles; tile++) {
                int at = filters.tile(group, tile);
                tile(in, o, offsets, weights, start[at], start[at + 1], out, tile * MR * positions + o, positions);
            }
        }
        if (bias != null || relu) finish(out, outputs, positions, bias, biasAt, relu);
        frame.unstage(out, 0, outputs, scratch.compact(outputs * frame.outRows() * frame.outCols()), dst, to);
    }

    /** Adds each plane's bias and applies the ReLU, over whole planes of the output frame. */
    private static void finish(float[] out, int planes, int positions, float[] bias, int biasAt, boolean relu) {
        for (int f = 0; f < planes; f++) {
            FloatVector b = bias == null ? null : FloatVector.broadcast(S, bias[biasAt + f]);
            for (int o = f * positions, end = o + positions; o < end; o += L) {
                FloatVector v = FloatVector.fromArray(S, out, o);
                if (b != null) v = v.add(b);
                if (relu) v = v.max(0f);
                v.intoArray(out, o);
            }
        }
    }

    /**
     * One register tile of {@link #MR} outputs by {@link #NV} vectors of positions from {@code o}: {@code out[outAt + j
     * * stride + ...] = sum over steps t in [first, end) of weights[t][j] * in[o + offsets[t] + ...]}, each sum one FMA
     * chain from zero in step order.
     */
    static void tile(float[] in, int o, int[] offsets, float[] weights, int first, int end, float[] out, int outAt, int stride) {
        if (WIDE) tile8x3(in, o, offsets, weights, first, end, out, outAt, stride);
        else tile4x2(in, o, offsets, weights, first, end, out, outAt, stride);
    }

    /**
     * The narrow forward tile, 4 outputs x 2 vectors of positions from {@code o}: {@code out[outAt + j * stride + ...]
     * = sum over steps t in [first, end) of weights[t][j] * in[o + offsets[t] + ...]}.
     */
    private static void tile4x2(float[] in, int o, int[] offsets, float[] weights, int first, int end,
                                float[] out, int outAt, int stride) {
        FloatVector a00 = FloatVector.zero(S);
        FloatVector a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
        for (int t = first, wi = first * 4; t < end; t++, wi += 4) {
            int at = o + offsets[t];
            FloatVector x0 = FloatVector.fromArray(S, in, at);
            FloatVector x1 = FloatVector.fromArray(S, in, at + L);
            FloatVector w;
            w = FloatVector.broadcast(S, weights[wi]);
            a00 = w.fma(x0, a00);
            a01 = w.fma(x1, a01);
            w = FloatVector.broadcast(S, weights[wi + 1]);
            a10 = w.fma(x0, a10);
            a11 = w.fma(x1, a11);
            w = FloatVector.broadcast(S, weights[wi + 2]);
            a20 = w.fma(x0, a20);
            a21 = w.fma(x1, a21);
            w = FloatVector.broadcast(S, weights[wi + 3]);
            a30 = w.fma(x0, a30);
            a31 = w.fma(x1, a31);
        }
        a00.intoArray(out, outAt);
        a01.intoArray(out, outAt + L);
        a10.intoArray(out, outAt + stride);
        a11.intoArray(out, outAt + stride + L);
        a20.intoArray(out, outAt + 2 * stride);
        a21.intoArray(out, outAt + 2 * stride + L);
        a30.intoArray(out, outAt + 3 * stride);
        a31.intoArray(out, outAt + 3 * stride + L);
    }

    /** The wide forward tile: {@link #tile4x2} for 8 outputs x 3 vectors. */
    private static void tile8x3(float[] in, int o, int[] offsets, float[] weights, int first, int end,
                                float[] out, int outAt, int stride) {
        FloatVector a00 = FloatVector.zero(S);
        FloatVector a01 = a00, a02 = a00, a10 = a00, a11 = a00, a12 = a00, a20 = a00, a21 = a00, a22 = a00, a30 = a00, a31 = a00, a32 = a00, a40 = a00, a41 = a00, a42 = a00, a50 = a00, a51 = a00, a52 = a00, a60 = a00, a61 = a00, a62 = a00, a70 = a00, a71 = a00, a72 = a00;
        for (int t = first, wi = first * 8; t < end; t++, wi += 8) {
            int at = o + offsets[t];
            FloatVector x0 = FloatVector.fromArray(S, in, at);
            FloatVector x1 = FloatVector.fromArray(S, in, at + L);
            FloatVector x2 = FloatVector.fromArray(S, in, at + 2 * L);
            FloatVector w;
            w = FloatVector.broadcast(S, weights[wi]);
            a00 = w.fma(x0, a00);
            a01 = w.fma(x1, a01);
            a02 = w.fma(x2, a02);
            w = FloatVector.broadcast(S, weights[wi + 1]);
            a10 = w.fma(x0, a10);
            a11 = w.fma(x1, a11);
            a12 = w.fma(x2, a12);
            w = FloatVector.broadcast(S, weights[wi + 2]);
            a20 = w.fma(x0, a20);
            a21 = w.fma(x1, a21);
            a22 = w.fma(x2, a22);
            w = FloatVector.broadcast(S, weights[wi + 3]);
            a30 = w.fma(x0, a30);
            a31 = w.fma(x1, a31);
            a32 = w.fma(x2, a32);
            w = FloatVector.broadcast(S, weights[wi + 4]);
            a40 = w.fma(x0, a40);
            a41 = w.fma(x1, a41);
            a42 = w.fma(x2, a42);
            w = FloatVector.broadcast(S, weights[wi + 5]);
            a50 = w.fma(x0, a50);
            a51 = w.fma(x1, a51);
            a52 = w.fma(x2, a52);
            w = FloatVector.broadcast(S, weights[wi + 6]);
            a60 = w.fma(x0, a60);
            a61 = w.fma(x1, a61);
            a62 = w.fma(x2, a62);
            w = FloatVector.broadcast(S, weights[wi + 7]);
            a70 = w.fma(x0, a70);
            a71 = w.fma(x1, a71);
            a72 = w.fma(x2, a72);
        }
        a00.intoArray(out, outAt);
        a01.intoArray(out, outAt + L);
        a02.intoArray(out, outAt + 2 * L);
        a10.intoArray(out, outAt + stride);
        a11.intoArray(out, outAt + stride + L);
        a12.intoArray(out, outAt + stride + 2 * L);
        a20.intoArray(out, outAt + 2 * stride);
        a21.intoArray(out, outAt + 2 * stride + L);
        a22.intoArray(out, outAt + 2 * stride + 2 * L);
        a30.intoArray(out, outAt + 3 * stride);
        a31.intoArray(out, outAt + 3 * stride + L);
        a32.intoArray(out, outAt + 3 * stride + 2 * L);
        a40.intoArray(out, outAt + 4 * stride);
        a41.intoArray(out, outAt + 4 * stride + L);
        a42.intoArray(out, outAt + 4 * stride + 2 * L);
        a50.intoArray(out, outAt + 5 * stride);
        a51.intoArray(out, outAt + 5 * stride + L);
        a52.intoArray(out, outAt + 5 * stride + 2 * L);
        a60.intoArray(out, outAt + 6 * stride);
        a61.intoArray(out, outAt + 6 * stride + L);
        a62.intoArray(out, outAt + 6 * stride + 2 * L);
        a70.intoArray(out, outAt + 7 * stride);
        a71.intoArray(out, outAt + 7 * stride + L);
        a72.intoArray(out, outAt + 7 * stride + 2 * L);
    }

    // ---- filter gradient ----

    /**
     * {@code dw = d conv / d w} (overwrites dw), and {@code dbias} when not null. Per group, the images and output
     * gradients are first staged in frame layout ({@code [C][batch][plane]} and {@code [K][batch][positions]}, the
     * gradients with zeros at the dropped positions, so those add nothing): a channel's planes of consecutive images
     * are then one stream. The images are staged in parallel over images, the gradients over groups of
     * {@value BiasSums#CHAINS} filters, image after image, so that the bias gradient's sums ({@link BiasSums}, in the
     * same order as {@link CpuConvolution}'s own pass) read each plane while it is staged rather than from memory once
     * more. Then each tile of {@link #GF} filters is one task that sums over the whole batch.
     */
    static void backwardFilter(GemmWorkers workers, MemorySegment x, MemorySegment dy, MemorySegment dw, MemorySegment dbias,
                               ConvGeometry g) {
        ConvFrame frame = inputFrame(g);
        int k = g.groupFilters(), c = g.groupChannels(), rr = g.kernel() * g.kernel(), batch = g.batch();
        int tiles = ConvFrame.ceilDiv(k, GF), plane = frame.plane(), positions = frame.positions();
        int outPlane = g.outHeight() * g.outWidth(), filterGroups = ConvFrame.ceilDiv(k, BiasSums.CHAINS);
        long inPlane = (long) g.height() * g.width();
        LayerScratch scratch = LayerScratch.get();
        float[] in = scratch.frames(c * batch * plane + frame.slack()), grad = scratch.gradientFrames(tiles * GF * batch * positions);
        Arrays.fill(grad, k * batch * positions, tiles * GF * batch * positions, 0f);
        for (int group = 0; group < g.groups(); group++) {
            long xAt = (long) group * c * inPlane, dyAt = (long) group * k * outPlane;
            int firstFilter = group * k;
            workers.forEach(batch, n -> frame.stage(x, xAt + n * g.channels() * inPlane, LayerScratch.get().images(c * (int) inPlane),
                    in, n * plane, batch * plane), x);
            workers.forEach(filterGroups, t -> {
                int f0 = t * BiasSums.CHAINS, count = Math.min(BiasSums.CHAINS, k - f0);
                LayerScratch own = LayerScratch.get();
                float[] raw = own.images(BiasSums.CHAINS * outPlane);
                double[] sums = own.biasSums();
                Arrays.fill(raw, count * outPlane, BiasSums.CHAINS * outPlane, 0f);
                for (int n = 0; n < batch; n++) {
                    MemorySegment.copy(dy, F, (dyAt + ((long) n * g.filters() + f0) * outPlane) * Float.BYTES, raw, 0, count * outPlane);
                    stageOutputs(frame, raw, count, grad, f0 * batch * positions + n * positions, batch * positions);
                    if (dbias != null) BiasSums.add(raw, outPlane, sums);
                }
                if (dbias != null) BiasSums.store(sums, count, dbias, firstFilter + f0);
            }, dy, dbias);
            Arrays.fill(in, c * batch * plane, c * batch * plane + frame.slack(), 0f);
            long dwAt = (long) group * k * c * rr;
            workers.forEach(tiles, tile -> tileFilterGradient(in, grad, tile, g, frame, dw, dwAt), dw);
        }
    }

    /**
     * The inverse of {@link ConvFrame#unstage}: writes {@code planes} planes of {@code [outRows][outCols]} from
     * {@code raw} into frame layout, {@link ConvFrame#positions()} per plane, plane {@code f} at
     * {@code at + f * planeStride}, with zeros at the border positions and the rounding tail. Each row is written in
     * vectors of {@code cols} floats whose lanes past the output's columns load as zeros, so its border is written with
     * it: a copy and a fill per row (a few floats each, one call into the JVM's copy routines apiece) made this
     * staging about a fifth of an input layer's filter gradient.
     */
    private static void stageOutputs(ConvFrame frame, float[] raw, int planes, float[] dst, int at, int planeStride) {
        int p = frame.outRows(), q = frame.outCols(), cols = frame.cols(), positions = frame.positions();
        for (int f = 0; f < planes; f++) {
            int base = at + f * planeStride;
            for (int i = 0; i < p; i++) {
                int row = (f * p + i) * q, to = base + i * cols;
                for (int j = 0; j < cols; j += L) {
                    FloatVector.fromArray(S, raw, row + j, S.indexInRange(j, q)).intoArray(dst, to + j, S.indexInRange(j, cols));
                }
            }
            Arrays.fill(dst, base + p * cols, base + positions, 0f);
        }
    }

    /**
     * Whether {@link #backwardFilterWide} computes the filter gradient: the stride-1 layers above
     * {@link #FILTER_GRADIENT_CHANNELS} channels that Winograd's filter gradient does not take (conv2's 5x5 layers), and
     * the strided layers (resnet20's downsampling 3x3 convolutions), whose (channel, tap) rows lie in phase planes.
     */
    static boolean appliesToWideFilterGradient(ConvGeometry g) {
        return applies(g) && (g.stride() > 1 || g.groupChannels() > FILTER_GRADIENT_CHANNELS);
    }

    /**
     * {@code dw = d conv / d w} (overwrites dw) for layers with many channels, as one product per image with no im2col
     * matrix: {@code dw[(c, tap)][k] = sum over positions of x[c][position + tap] * dy[position][k]}. The image is
     * staged with its zero border ({@code hp x wp} planes) and the output gradient transposed to filters-last on the
     * padded width, its columns past the output's zero: then every (channel, tap) row reads the frame from its own
     * offset at consecutive positions, and {@link FilterGradientTiles} sums them with no packing. The columns of the
     * border cost multiply-adds by zero ({@code wp / Q}: 18 / 14 for conv2 on 28 x 28 images).
     *
     * <p>Same bits whatever the threads: {@link CpuConvolution#FILTER_CHUNKS} fixed ranges of images, each summed image
     * by image in order, the ranges' sums added in order.
     */
    static void backwardFilterWide(GemmWorkers workers, MemorySegment x, MemorySegment dy, MemorySegment dw, ConvGeometry g) {
        int c = g.groupChannels(), k = g.groupFilters(), rr = g.kernel() * g.kernel();
        int kPad = FilterGradientTiles.paddedFilters(k);
        long inPlane = (long) g.height() * g.width(), outPlane = (long) g.outHeight() * g.outWidth();
        float[] out = LayerScratch.get().filters(k * c * rr);
        // Where each (channel, tap) row starts in an image's frame, or the zeros after the frames.
        ConvFrame frame = inputFrame(g);
        int rows = FilterGradientTiles.paddedRows(c * rr);
        int[] offsets = new int[rows];
        for (int j = 0; j < rows; j++) {
            int tap = j % rr;
            offsets[j] = j < c * rr ? frame.offset(j / rr, tap / g.kernel(), tap % g.kernel()) : frame.image();
        }
        FilterGradientTiles.overRanges(workers, g, rows * kPad,
                (group, n0, n1) -> wideGradientImages(g, frame, offsets, x, (n0 * g.channels() + (long) group * c) * inPlane,
                        g.channels() * inPlane, dy, (n0 * g.filters() + (long) group * k) * outPlane, g.filters() * outPlane, n1 - n0),
                (group, total) -> {
                    for (int f = 0; f < k; f++) {
                        for (int j = 0; j < c * rr; j++) out[f * c * rr + j] = total[j * kPad + f];
                    }
                    MemorySegment.copy(out, 0, dw, F, (long) group * k * c * rr * Float.BYTES, k * c * rr);
                }, x, dy, dw);
    }

    /**
     * The filter gradient {@code [(channel, tap)][filter]} of {@code images} consecutive images of one group, in this
     * thread's scratch, each (channel, tap) row read from the frame at its {@code offsets} entry; image i's inputs at
     * {@code xFrom + i * xStep}, its output gradients at {@code dyFrom + i * dyStep}.
     */
    private static float[] wideGradientImages(ConvGeometry g, ConvFrame frame, int[] offsets, MemorySegment x, long xFrom, long xStep,
                                              MemorySegment dy, long dyFrom, long dyStep, int images) {
        LayerScratch scratch = LayerScratch.get();
        int c = g.groupChannels(), k = g.groupFilters(), image = frame.image(), cols = frame.cols();
        int p = g.outHeight(), q = g.outWidth(), positions = p * q;
        int rows = offsets.length, kPad = FilterGradientTiles.paddedFilters(k);
        // Positions on the frame's width: p rows of cols, the last one only as long as the output.
        int count = (p - 1) * cols + q;
        // The frames, then zeros for the rows that pad the last block.
        float[] in = scratch.frames(image + count), raw = scratch.images(c * g.height() * g.width());
        float[] dyRaw = scratch.compact(k * positions), dyT = scratch.gradientFrames(p * cols * kPad);
        float[] sums = scratch.transformedGradients(rows * kPad);
        Arrays.fill(in, image, image + count, 0f);
        Arrays.fill(dyT, 0, p * cols * kPad, 0f);
        for (int n = 0; n < images; n++) {
            frame.stage(x, xFrom + n * xStep, raw, in, 0, frame.phases() * frame.plane());
            MemorySegment.copy(dy, F, (dyFrom + n * dyStep) * Float.BYTES, dyRaw, 0, k * positions);
            for (int row = 0; row < p; row++) {
                CpuKernels.active().transpose(dyRaw, row * q, positions, k, q, dyT, row * cols * kPad, kPad);
            }
            FilterGradientTiles.sum(in, offsets, rows, dyT, 0, kPad, count, sums, 0, n == 0);
        }
        return sums;
    }

    /** Frame offset of tap group {@code q} in image 0: channel {@code q / (r * groups)}, row {@code q / groups % r}, taps from {@code 3 * (q % groups)}. */
    private static int tapGroup(ConvFrame frame, int batch, int q, int r, int groups) {
        return q / (r * groups) * batch * frame.plane() + frame.offset(0, q / groups % r, q % groups * TAPS);
    }

    /**
     * The filter gradient of filters {@code [tile * GF, tile * GF + GF)} over the whole batch, written to {@code dw}
     * from {@code dwAt} ({@code [K, C, R, R]}). Images go in blocks whose gradient tile and one input plane fit in L1;
     * the accumulators wait in a buffer between blocks, so each sum runs over the images in order whatever the block.
     */
    private static void tileFilterGradient(float[] in, float[] grad, int tile, ConvGeometry g, ConvFrame frame,
                                           MemorySegment dw, long dwAt) {
        LayerScratch scratch = LayerScratch.get();
        int k = g.groupFilters(), c = g.groupChannels(), r = g.kernel(), rr = r * r, batch = g.batch();
        int plane = frame.plane(), positions = frame.positions(), filterStride = batch * positions;
        // Tap groups (channel, kernel row, first of three taps) in order, two per kernel call; an odd last one is
        // paired with itself (both halves compute and store the same values).
        int groups = ConvFrame.ceilDiv(r, TAPS), tapGroups = c * r * groups, perTile = GF * TAPS * L;
        float[] sums = scratch.lanes(tapGroups * perTile);
        int blocks = ConvFrame.ceilDiv(batch, Math.max(1, L1_FLOATS / (GF * positions + plane)));
        for (int b = 0; b < blocks; b++) {
            int i0 = (int) ((long) b * batch / blocks), count = (int) ((long) (b + 1) * batch / blocks) - i0;
            int gradAt = tile * GF * filterStride + i0 * positions;
            for (int q = 0; q < tapGroups; q += 2) {
                int q1 = Math.min(q + 1, tapGroups - 1);
                int at0 = i0 * plane + tapGroup(frame, batch, q, r, groups), at1 = i0 * plane + tapGroup(frame, batch, q1, r, groups);
                if (WIDE) gradient4x6(grad, gradAt, filterStride, positions, in, at0, at1, plane, count, sums, q * perTile, q1 * perTile, b == 0);
                else gradient2x6(grad, gradAt, filterStride, positions, in, at0, at1, plane, count, sums, q * perTile, q1 * perTile, b == 0);
            }
        }
        int filters = Math.min(GF, k - tile * GF);
        float[] out = scratch.filters(filters * c * rr);
        for (int j = 0; j < filters; j++) {
            for (int ch = 0; ch < c; ch++) {
                for (int ri = 0; ri < r; ri++) {
                    for (int s = 0; s < r; s++) {
                        int lanes = ((ch * r + ri) * groups + s / TAPS) * perTile + (j * TAPS + s % TAPS) * L;
                        float v = 0f;
                        for (int l = 0; l < L; l++) v += sums[lanes + l];
                        out[((j * c + ch) * r + ri) * r + s] = v;
                    }
                }
            }
        }
        MemorySegment.copy(out, 0, dw, F, (dwAt + (long) tile * GF * c * rr) * Float.BYTES, filters * c * rr);
    }

    /**
     * The narrow filter-gradient tile, 2 filters x two groups of 3 taps: for group {@code g} at frame offset
     * {@code at_g}, {@code sums[sums_g + (j * 3 + s) * L + l]} gets (or, when {@code first}, starts from zero and
     * gets) the sum over the images and the positions {@code o = l (mod L)} of {@code grad[j][o] * in[at_g + s + o]}.
     */
    private static void gradient2x6(float[] grad, int gradAt, int filterStride, int positions, float[] in, int at0, int at1,
                                    int plane, int images, float[] sums, int sums0, int sums1, boolean first) {
        FloatVector a000, a001, a002, a010, a011, a012, a100, a101, a102, a110, a111, a112;
        if (first) {
            a000 = FloatVector.zero(S);
            a001 = a002 = a010 = a011 = a012 = a100 = a101 = a102 = a110 = a111 = a112 = a000;
        } else {
            a000 = FloatVector.fromArray(S, sums, sums0);
            a001 = FloatVector.fromArray(S, sums, sums0 + L);
            a002 = FloatVector.fromArray(S, sums, sums0 + 2 * L);
            a010 = FloatVector.fromArray(S, sums, sums1);
            a011 = FloatVector.fromArray(S, sums, sums1 + L);
            a012 = FloatVector.fromArray(S, sums, sums1 + 2 * L);
            a100 = FloatVector.fromArray(S, sums, sums0 + 3 * L);
            a101 = FloatVector.fromArray(S, sums, sums0 + 4 * L);
            a102 = FloatVector.fromArray(S, sums, sums0 + 5 * L);
            a110 = FloatVector.fromArray(S, sums, sums1 + 3 * L);
            a111 = FloatVector.fromArray(S, sums, sums1 + 4 * L);
            a112 = FloatVector.fromArray(S, sums, sums1 + 5 * L);
        }
        for (int i = 0; i < images; i++) {
            int gi = gradAt + i * positions, x0 = at0 + i * plane, x1 = at1 + i * plane;
            for (int o = 0; o < positions; o += L) {
                FloatVector d0 = FloatVector.fromArray(S, grad, gi + o);
                FloatVector d1 = FloatVector.fromArray(S, grad, gi + filterStride + o);
                FloatVector x;
                x = FloatVector.fromArray(S, in, x0 + o);
                a000 = d0.fma(x, a000);
                a100 = d1.fma(x, a100);
                x = FloatVector.fromArray(S, in, x0 + o + 1);
                a001 = d0.fma(x, a001);
                a101 = d1.fma(x, a101);
                x = FloatVector.fromArray(S, in, x0 + o + 2);
                a002 = d0.fma(x, a002);
                a102 = d1.fma(x, a102);
                x = FloatVector.fromArray(S, in, x1 + o);
                a010 = d0.fma(x, a010);
                a110 = d1.fma(x, a110);
                x = FloatVector.fromArray(S, in, x1 + o + 1);
                a011 = d0.fma(x, a011);
                a111 = d1.fma(x, a111);
                x = FloatVector.fromArray(S, in, x1 + o + 2);
                a012 = d0.fma(x, a012);
                a112 = d1.fma(x, a112);
            }
        }
        a000.intoArray(sums, sums0);
        a001.intoArray(sums, sums0 + L);
        a002.intoArray(sums, sums0 + 2 * L);
        a010.intoArray(sums, sums1);
        a011.intoArray(sums, sums1 + L);
        a012.intoArray(sums, sums1 + 2 * L);
        a100.intoArray(sums, sums0 + 3 * L);
        a101.intoArray(sums, sums0 + 4 * L);
        a102.intoArray(sums, sums0 + 5 * L);
        a110.intoArray(sums, sums1 + 3 * L);
        a111.intoArray(sums, sums1 + 4 * L);
        a112.intoArray(sums, sums1 + 5 * L);
    }

    /** The wide filter-gradient tile: {@link #gradient2x6} for 4 filters. */
    private static void gradient4x6(float[] grad, int gradAt, int filterStride, int positions, float[] in, int at0, int at1,
                                    int plane, int images, float[] sums, int sums0, int sums1, boolean first) {
        FloatVector a000, a001, a002, a010, a011, a012, a100, a101, a102, a110, a111, a112, a200, a201, a202, a210, a211, a212, a300, a301, a302, a310, a311, a312;
        if (first) {
            a000 = FloatVector.zero(S);
            a001 = a002 = a010 = a011 = a012 = a100 = a101 = a102 = a110 = a111 = a112 = a200 = a201 = a202 = a210 = a211 = a212 = a300 = a301 = a302 = a310 = a311 = a312 = a000;
        } else {
            a000 = FloatVector.fromArray(S, sums, sums0);
            a001 = FloatVector.fromArray(S, sums, sums0 + L);
            a002 = FloatVector.fromArray(S, sums, sums0 + 2 * L);
            a010 = FloatVector.fromArray(S, sums, sums1);
            a011 = FloatVector.fromArray(S, sums, sums1 + L);
            a012 = FloatVector.fromArray(S, sums, sums1 + 2 * L);
            a100 = FloatVector.fromArray(S, sums, sums0 + 3 * L);
            a101 = FloatVector.fromArray(S, sums, sums0 + 4 * L);
            a102 = FloatVector.fromArray(S, sums, sums0 + 5 * L);
            a110 = FloatVector.fromArray(S, sums, sums1 + 3 * L);
            a111 = FloatVector.fromArray(S, sums, sums1 + 4 * L);
            a112 = FloatVector.fromArray(S, sums, sums1 + 5 * L);
            a200 = FloatVector.fromArray(S, sums, sums0 + 6 * L);
            a201 = FloatVector.fromArray(S, sums, sums0 + 7 * L);
            a202 = FloatVector.fromArray(S, sums, sums0 + 8 * L);
            a210 = FloatVector.fromArray(S, sums, sums1 + 6 * L);
            a211 = FloatVector.fromArray(S, sums, sums1 + 7 * L);
            a212 = FloatVector.fromArray(S, sums, sums1 + 8 * L);
            a300 = FloatVector.fromArray(S, sums, sums0 + 9 * L);
            a301 = FloatVector.fromArray(S, sums, sums0 + 10 * L);
            a302 = FloatVector.fromArray(S, sums, sums0 + 11 * L);
            a310 = FloatVector.fromArray(S, sums, sums1 + 9 * L);
            a311 = FloatVector.fromArray(S, sums, sums1 + 10 * L);
            a312 = FloatVector.fromArray(S, sums, sums1 + 11 * L);
        }
        for (int i = 0; i < images; i++) {
            int gi = gradAt + i * positions, x0 = at0 + i * plane, x1 = at1 + i * plane;
            for (int o = 0; o < positions; o += L) {
                FloatVector d0 = FloatVector.fromArray(S, grad, gi + o);
                FloatVector d1 = FloatVector.fromArray(S, grad, gi + filterStride + o);
                FloatVector d2 = FloatVector.fromArray(S, grad, gi + 2 * filterStride + o);
                FloatVector d3 = FloatVector.fromArray(S, grad, gi + 3 * filterStride + o);
                FloatVector x;
                x = FloatVector.fromArray(S, in, x0 + o);
                a000 = d0.fma(x, a000);
                a100 = d1.fma(x, a100);
                a200 = d2.fma(x, a200);
                a300 = d3.fma(x, a300);
                x = FloatVector.fromArray(S, in, x0 + o + 1);
                a001 = d0.fma(x, a001);
                a101 = d1.fma(x, a101);
                a201 = d2.fma(x, a201);
                a301 = d3.fma(x, a301);
                x = FloatVector.fromArray(S, in, x0 + o + 2);
                a002 = d0.fma(x, a002);
                a102 = d1.fma(x, a102);
                a202 = d2.fma(x, a202);
                a302 = d3.fma(x, a302);
                x = FloatVector.fromArray(S, in, x1 + o);
                a010 = d0.fma(x, a010);
                a110 = d1.fma(x, a110);
                a210 = d2.fma(x, a210);
                a310 = d3.fma(x, a310);
                x = FloatVector.fromArray(S, in, x1 + o + 1);
                a011 = d0.fma(x, a011);
                a111 = d1.fma(x, a111);
                a211 = d2.fma(x, a211);
                a311 = d3.fma(x, a311);
                x = FloatVector.fromArray(S, in, x1 + o + 2);
                a012 = d0.fma(x, a012);
                a112 = d1.fma(x, a112);
                a212 = d2.fma(x, a212);
                a312 = d3.fma(x, a312);
            }
        }
        a000.intoArray(sums, sums0);
        a001.intoArray(sums, sums0 + L);
        a002.intoArray(sums, sums0 + 2 * L);
        a010.intoArray(sums, sums1);
        a011.intoArray(sums, sums1 + L);
        a012.intoArray(sums, sums1 + 2 * L);
        a100.intoArray(sums, sums0 + 3 * L);
        a101.intoArray(sums, sums0 + 4 * L);
        a102.intoArray(sums, sums0 + 5 * L);
        a110.intoArray(sums, sums1 + 3 * L);
        a111.intoArray(sums, sums1 + 4 * L);
        a112.intoArray(sums, sums1 + 5 * L);
        a200.intoArray(sums, sums0 + 6 * L);
        a201.intoArray(sums, sums0 + 7 * L);
        a202.intoArray(sums, sums0 + 8 * L);
        a210.intoArray(sums, sums1 + 6 * L);
        a211.intoArray(sums, sums1 + 7 * L);
        a212.intoArray(sums, sums1 + 8 * L);
        a300.intoArray(sums, sums0 + 9 * L);
        a301.intoArray(sums, sums0 + 10 * L);
        a302.intoArray(sums, sums0 + 11 * L);
        a310.intoArray(sums, sums1 + 9 * L);
        a311.intoArray(sums, sums1 + 10 * L);
        a312.intoArray(sums, sums1 + 11 * L);
    }

}
