package dev.lottery.nn.backend.cpu;

import dev.lottery.nn.backend.ConvGeometry;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * NCHW convolution on the CPU as im2col + {@link CpuGemm#sgemm}. Images are processed in groups of {@code G}
 * so that every GEMM has about {@link #TARGET_COLUMNS} columns even when the output is small (8x8 in a resnet's
 * last stage): the group's columns matrix is {@code [C*R*R, G*P*Q]} (row {@code (c, r, s)}, column
 * {@code (image, p, q)}), one product with the {@code [K, C*R*R]} filters gives the group's outputs as
 * {@code [K, G*P*Q]}, which is scattered to NCHW. With {@code G == 1} the product writes NCHW directly; a 1x1,
 * stride-1, unpadded convolution uses the input as its own columns matrix.
 *
 * <p>Image groups are independent, so they run in parallel on the caller's {@link GemmWorkers} crew, each with a one-thread
 * GEMM (a single group keeps the parallel GEMM): im2col and col2im are then parallel too. The filter gradient, a sum
 * over image groups, is summed in {@link #FILTER_CHUNKS} fixed chunks so its bits do not depend on the number of
 * threads. A grouped convolution (a population's members side by side) runs every convolution group exactly as the
 * same convolution alone, so each member's bits are those of training it alone.
 */
public final class CpuConvolution {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /**
     * Whether the Winograd and direct kernels can run: they are written with the Vector API, so without
     * {@code jdk.incubator.vector} every layer takes the im2col path, whose products go through {@link CpuKernels}
     * (and so through the scalar kernels then). Their classes are never loaded in that case.
     */
    private static final boolean VECTORS = CpuKernels.vectorModulePresent();
    /** Columns per product: wide enough to split across the GEMM crew and to amortize packing the filters. */
    static final int TARGET_COLUMNS = 1024;

    private CpuConvolution() {}

    /** Images per product for a convolution without groups. */
    private static int imagesPerProduct(ConvGeometry g) {
        int pq = g.outHeight() * g.outWidth();
        return Math.clamp(TARGET_COLUMNS / pq, 1, g.batch());
    }

    private static boolean pointwise(ConvGeometry g) {
        return g.kernel() == 1 && g.stride() == 1 && g.pad() == 0;
    }

    /**
     * Product groups per filter-gradient partial sum. Fixed (not the thread count) so the summation order, and with
     * it every bit of the result, is the same on every machine.
     */
    static final int FILTER_CHUNKS = 8;

    /**
     * Where one convolution group's planes lie in a full NCHW tensor: image {@code n}'s first plane of the group at
     * {@code base + n * image} (image = all channels of one example).
     */
    private record Planes(MemorySegment seg, long base, long image) {
        long at(int n) {
            return base + n * image;
        }
    }

    private static Planes input(MemorySegment x, ConvGeometry g, int group) {
        long plane = (long) g.height() * g.width();
        return new Planes(x, group * g.groupChannels() * plane, g.channels() * plane);
    }

    private static Planes output(MemorySegment y, ConvGeometry g, int group) {
        long plane = (long) g.outHeight() * g.outWidth();
        return new Planes(y, group * g.groupFilters() * plane, g.filters() * plane);
    }

    /** Offset of group {@code group}'s filters in {@code w}. */
    private static long filters(ConvGeometry g, int group) {
        return group * g.filterSize() / g.groups();
    }

    /**
     * Runs {@code body(convolution group, first image, images)} for every convolution group and image group; the pairs
     * write disjoint parts of the output, so they run in parallel, each with its own scratch and a one-thread GEMM.
     * Every member of a population (a convolution group) is cut into the same image groups as it would be alone.
     */
    private interface GroupBody {
        void run(int group, int n0, int count);
    }

    private static void forEachGroup(GemmWorkers workers, ConvGeometry g, GroupBody body, MemorySegment... segments) {
        int per = imagesPerProduct(g.group()), imageGroups = ceilDiv(g.batch(), per);
        workers.forEach(g.groups() * imageGroups, t -> {
            int n0 = (t % imageGroups) * per;
            body.run(t / imageGroups, n0, Math.min(per, g.batch() - n0));
        }, segments);
    }

    /** {@code y = conv(x, w) + bias}, then {@code max(0, y)} when {@code relu}, in the pass that writes y. */
    static void forward(GemmWorkers workers, MemorySegment x, MemorySegment w, MemorySegment bias, MemorySegment y, ConvGeometry g,
                               boolean relu) {
        if (VECTORS && WinogradConvolution.appliesForward(g)) {
            WinogradConvolution.forward(workers, x, w, bias, y, g, relu);
            return;
        }
        if (VECTORS && DirectConvolution.applies(g)) {
            DirectConvolution.forward(workers, x, w, bias, y, g, relu);
            return;
        }
        ConvGeometry one = g.group();
        forEachGroup(workers, g, (group, n0, count) -> forwardGroup(workers, input(x, g, group), w, filters(g, group), bias,
                (long) group * one.filters(), relu, output(y, g, group), one, n0, count), x, w, bias, y);
    }

    private static void forwardGroup(GemmWorkers workers, Planes x, MemorySegment w, long wOff, MemorySegment bias, long biasOff,
                                     boolean relu,
                                     Planes y, ConvGeometry g, int n0, int count) {
        int k = g.filters(), crs = g.channels() * g.kernel() * g.kernel(), pq = g.outHeight() * g.outWidth();
        LayerScratch scratch = LayerScratch.get();
        int cols = count * pq;
        if (count == 1) {
            MemorySegment colSeg;
            long colOff;
            if (pointwise(g)) {
                colSeg = x.seg();
                colOff = x.at(n0);
            } else {
                colSeg = scratch.columns((long) crs * cols);
                colOff = 0;
                im2col(x, n0, 1, g, colSeg, scratch);
            }
            CpuGemm.sgemm(workers, false, false, k, pq, crs, 1f, w, wOff, crs, colSeg, colOff, pq, 0f, y.seg(), y.at(n0), pq);
        } else {
            MemorySegment col = scratch.columns((long) crs * cols);
            im2col(x, n0, count, g, col, scratch);
            MemorySegment out = scratch.block((long) k * cols);
            CpuGemm.sgemm(workers, false, false, k, cols, crs, 1f, w, wOff, crs, col, 0, cols, 0f, out, 0, cols);
            for (int i = 0; i < count; i++) {
                for (int f = 0; f < k; f++) {
                    MemorySegment.copy(out, ((long) f * cols + (long) i * pq) * Float.BYTES,
                            y.seg(), (y.at(n0 + i) + (long) f * pq) * Float.BYTES, (long) pq * Float.BYTES);
                }
            }
        }
        if (bias != null || relu) {
            for (int n = n0; n < n0 + count; n++) {
                for (int f = 0; f < k; f++) {
                    float b = bias == null ? 0f : bias.getAtIndex(F, biasOff + f);
                    long base = y.at(n) + (long) f * pq;
                    for (int i = 0; i < pq; i++) {
                        float v = y.seg().getAtIndex(F, base + i) + b;
                        y.seg().setAtIndex(F, base + i, relu ? Math.max(0f, v) : v);
                    }
                }
            }
        }
    }

    static void backwardData(GemmWorkers workers, MemorySegment dy, MemorySegment w, MemorySegment dx, ConvGeometry g) {
        if (VECTORS && WinogradConvolution.appliesToDataGradient(g)) {
            WinogradConvolution.backwardData(workers, dy, w, dx, g);
            return;
        }
        if (VECTORS && DirectConvolution.applies(g)) {
            DirectConvolution.backwardData(workers, dy, w, dx, g);
            return;
        }
        ConvGeometry one = g.group();
        int per = imagesPerProduct(one);
        // Each pair writes its own planes of dx.
        forEachGroup(workers, g, (group, n0, count) -> backwardDataGroup(workers, output(dy, g, group), w, filters(g, group),
                input(dx, g, group), one, per, n0, count), dy, w, dx);
    }

    private static void backwardDataGroup(GemmWorkers workers, Planes dy, MemorySegment w, long wOff, Planes dx, ConvGeometry g,
                                          int per, int n0, int count) {
        int k = g.filters(), crs = g.channels() * g.kernel() * g.kernel(), pq = g.outHeight() * g.outWidth();
        LayerScratch scratch = LayerScratch.get();
        int cols = count * pq;
        MemorySegment dyBlock;
        long dyOff;
        if (count == 1) {
            dyBlock = dy.seg();
            dyOff = dy.at(n0);
        } else {
            dyBlock = gatherGroup(dy, n0, count, k, pq, scratch);
            dyOff = 0;
        }
        // A pointwise convolution taken one image at a time writes dx directly; everything else accumulates into it.
        if (pointwise(g) && per == 1) {
            CpuGemm.sgemm(workers, true, false, crs, pq, k, 1f, w, wOff, crs, dyBlock, dyOff, pq, 0f, dx.seg(), dx.at(n0), pq);
            return;
        }
        MemorySegment col = scratch.columns((long) crs * cols);
        CpuGemm.sgemm(workers, true, false, crs, cols, k, 1f, w, wOff, crs, dyBlock, dyOff, cols, 0f, col, 0, cols);
        col2im(col, g, dx, n0, count, scratch);
    }

    static void backwardFilter(GemmWorkers workers, MemorySegment x, MemorySegment dy, MemorySegment dw, MemorySegment dbias,
                               ConvGeometry g) {
        ConvGeometry one = g.group();
        int k = one.filters(), crs = one.channels() * one.kernel() * one.kernel();
        int per = imagesPerProduct(one);
        int imageGroups = ceilDiv(g.batch(), per);
        int chunks = Math.min(imageGroups, FILTER_CHUNKS);
        long filterSize = (long) k * crs;
        if (VECTORS && WinogradConvolution.appliesToFilterGradient(g)) {
            WinogradConvolution.backwardFilter(workers, x, dy, dw, g);
        } else if (VECTORS && DirectConvolution.appliesToFilterGradient(g)) {
            DirectConvolution.backwardFilter(workers, x, dy, dw, dbias, g);
            return; // the bias gradient too
        } else if (VECTORS && DirectConvolution.appliesToWideFilterGradient(g)) {
            DirectConvolution.backwardFilterWide(workers, x, dy, dw, g);
        } else if (chunks == 1) {
            workers.forEach(g.groups(), group -> backwardFilterChunk(workers, input(x, g, group), output(dy, g, group), dw,
                    filters(g, group), one, per, 0, imageGroups), x, dy, dw);
        } else {
            // Chunk c of group j sums its image groups' products into partial (j, c); each group's partials are then
            // added in order 0, 1, ...: the bits do not depend on the number of threads or of groups.
            MemorySegment partials = LayerScratch.get().partials(g.groups() * chunks * filterSize);
            workers.forEach(g.groups() * chunks, t -> {
                int group = t / chunks, c = t % chunks;
                backwardFilterChunk(workers, input(x, g, group), output(dy, g, group), partials, t * filterSize, one, per,
                        (int) ((long) c * imageGroups / chunks), (int) ((long) (c + 1) * imageGroups / chunks));
            }, x, dy, partials);
            for (int group = 0; group < g.groups(); group++) {
                long from = (long) group * chunks * filterSize, to = filters(g, group);
                for (long i = 0; i < filterSize; i++) {
                    float s = partials.getAtIndex(F, from + i);
                    for (int c = 1; c < chunks; c++) s += partials.getAtIndex(F, from + c * filterSize + i);
                    dw.setAtIndex(F, to + i, s);
                }
            }
        }
        if (dbias != null) biasGradient(workers, dy, dbias, g);
    }

    /**
     * {@code dbias[f] = sum over images and positions of dy} ({@link BiasSums}): groups of {@value BiasSums#CHAINS}
     * filters in parallel, each group's planes of an image copied to the heap in one piece (they lie side by side).
     * Summing eight filters side by side instead of one at a time took the pass from 4.2 % to 3.0 % of a conv4 step's
     * samples; reading the output gradient from memory is most of what remains, which is why the direct filter
     * gradient takes the sums while it stages that gradient anyway.
     */
    private static void biasGradient(GemmWorkers workers, MemorySegment dy, MemorySegment dbias, ConvGeometry g) {
        int filters = g.filters(), pq = g.outHeight() * g.outWidth();
        workers.forEach(ceilDiv(filters, BiasSums.CHAINS), t -> {
            int f0 = t * BiasSums.CHAINS, count = Math.min(BiasSums.CHAINS, filters - f0);
            LayerScratch scratch = LayerScratch.get();
            float[] p = scratch.row(BiasSums.CHAINS * pq);
            double[] sums = scratch.biasSums();
            Arrays.fill(p, count * pq, BiasSums.CHAINS * pq, 0f);
            for (int n = 0; n < g.batch(); n++) {
                MemorySegment.copy(dy, F, ((long) n * filters + f0) * pq * Float.BYTES, p, 0, count * pq);
                BiasSums.add(p, pq, sums);
            }
            BiasSums.store(sums, count, dbias, f0);
        }, dy, dbias);
    }

    /** Sums the filter gradient of image groups {@code [fromGroup, toGroup)} into {@code out} at {@code outOff}. */
    private static void backwardFilterChunk(GemmWorkers workers, Planes x, Planes dy, MemorySegment out, long outOff,
                                            ConvGeometry g, int per, int fromGroup, int toGroup) {
        int k = g.filters(), crs = g.channels() * g.kernel() * g.kernel(), pq = g.outHeight() * g.outWidth();
        LayerScratch scratch = LayerScratch.get();
        for (int gi = fromGroup; gi < toGroup; gi++) {
            int n0 = gi * per;
            int count = Math.min(per, g.batch() - n0);
            int cols = count * pq;
            MemorySegment col;
            long colOff = 0;
            MemorySegment dyBlock;
            long dyOff = 0;
            if (count == 1 && pointwise(g)) {
                col = x.seg();
                colOff = x.at(n0);
            } else {
                col = scratch.columns((long) crs * cols);
                im2col(x, n0, count, g, col, scratch);
            }
            if (count == 1) {
                dyBlock = dy.seg();
                dyOff = dy.at(n0);
            } else {
                dyBlock = gatherGroup(dy, n0, count, k, pq, scratch);
            }
            CpuGemm.sgemm(workers, false, true, k, crs, cols, 1f, dyBlock, dyOff, cols, col, colOff, cols,
                    gi == fromGroup ? 0f : 1f, out, outOff, crs);
        }
    }

    /** Copies the outputs-gradient of images {@code n0 .. n0+count} from NCHW into the {@code [K, count*P*Q]} layout. */
    private static MemorySegment gatherGroup(Planes dy, int n0, int count, int k, int pq, LayerScratch scratch) {
        int cols = count * pq;
        MemorySegment block = scratch.block((long) k * cols);
        for (int i = 0; i < count; i++) {
            for (int f = 0; f < k; f++) {
                MemorySegment.copy(dy.seg(), (dy.at(n0 + i) + (long) f * pq) * Float.BYTES,
                        block, ((long) f * cols + (long) i * pq) * Float.BYTES, (long) pq * Float.BYTES);
            }
        }
        return block;
    }

    /**
     * Writes the patches of images {@code n0 .. n0+count} as the {@code [C*R*R, count*P*Q]} columns matrix: entry
     * ((c, r, s), (i, p, q)) is {@code x[n0+i, c, p*stride - pad + r, q*stride - pad + s]}, zero outside the image.
     * The images are staged on the heap with their zero border, so each row is built from plain array copies and
     * written with one bulk copy: element-wise segment access costs several times more here (rows of 14 floats).
     */
    static void im2col(Planes x, int n0, int count, ConvGeometry g, MemorySegment col, LayerScratch scratch) {
        int c = g.channels(), r = g.kernel(), st = g.stride();
        int p = g.outHeight(), q = g.outWidth(), pq = p * q, cols = count * pq;
        int hp = g.height() + 2 * g.pad(), wp = g.width() + 2 * g.pad(), paddedImage = c * hp * wp;
        float[] padded = stagePadded(x, n0, count, g, scratch);
        float[] row = scratch.row(cols);
        for (int ci = 0; ci < c; ci++) {
            for (int ri = 0; ri < r; ri++) {
                for (int si = 0; si < r; si++) {
                    for (int i = 0; i < count; i++) {
                        int src = i * paddedImage + (ci * hp + ri) * wp + si, dst = i * pq;
                        for (int pi = 0; pi < p; pi++, src += st * wp, dst += q) {
                            if (st == 1) {
                                System.arraycopy(padded, src, row, dst, q);
                            } else {
                                for (int qi = 0; qi < q; qi++) row[dst + qi] = padded[src + qi * st];
                            }
                        }
                    }
                    long rowIndex = (ci * r + ri) * r + si;
                    MemorySegment.copy(row, 0, col, F, rowIndex * cols * Float.BYTES, cols);
                }
            }
        }
    }

    /** Images {@code n0 .. n0+count} of {@code x} on the heap, each inside a zero border of {@code pad}. */
    private static float[] stagePadded(Planes x, int n0, int count, ConvGeometry g, LayerScratch scratch) {
        int c = g.channels(), h = g.height(), w = g.width(), pad = g.pad();
        int image = c * h * w;
        float[] raw = scratch.images(count * image);
        for (int i = 0; i < count; i++) MemorySegment.copy(x.seg(), F, x.at(n0 + i) * Float.BYTES, raw, i * image, image);
        if (pad == 0) return raw;
        int hp = h + 2 * pad, wp = w + 2 * pad;
        float[] padded = scratch.padded(count * c * hp * wp);
        Arrays.fill(padded, 0, count * c * hp * wp, 0f);
        for (int plane = 0; plane < count * c; plane++) {
            for (int ih = 0; ih < h; ih++) {
                System.arraycopy(raw, (plane * h + ih) * w, padded, (plane * hp + ih + pad) * wp + pad, w);
            }
        }
        return padded;
    }

    /**
     * The adjoint of {@link #im2col}: adds every entry of the columns matrix back onto the input position it was read
     * from, and writes images {@code n0 .. n0+count} of {@code dx} (overwriting them).
     */
    static void col2im(MemorySegment col, ConvGeometry g, Planes dx, int n0, int count, LayerScratch scratch) {
        int c = g.channels(), h = g.height(), w = g.width(), r = g.kernel(), st = g.stride(), pad = g.pad();
        int p = g.outHeight(), q = g.outWidth(), pq = p * q, cols = count * pq;
        int hp = h + 2 * pad, wp = w + 2 * pad, paddedImage = c * hp * wp;
        float[] padded = scratch.padded(count * paddedImage);
        Arrays.fill(padded, 0, count * paddedImage, 0f);
        float[] row = scratch.row(cols);
        for (int ci = 0; ci < c; ci++) {
            for (int ri = 0; ri < r; ri++) {
                for (int si = 0; si < r; si++) {
                    long rowIndex = (ci * r + ri) * r + si;
                    MemorySegment.copy(col, F, rowIndex * cols * Float.BYTES, row, 0, cols);
                    for (int i = 0; i < count; i++) {
                        int dst = i * paddedImage + (ci * hp + ri) * wp + si, src = i * pq;
                        for (int pi = 0; pi < p; pi++, dst += st * wp, src += q) {
                            for (int qi = 0; qi < q; qi++) padded[dst + qi * st] += row[src + qi];
                        }
                    }
                }
            }
        }
        int image = c * h * w;
        float[] raw = scratch.images(count * image);
        for (int plane = 0; plane < count * c; plane++) {
            for (int ih = 0; ih < h; ih++) {
                System.arraycopy(padded, (plane * hp + ih + pad) * wp + pad, raw, (plane * h + ih) * w, w);
            }
        }
        for (int i = 0; i < count; i++) MemorySegment.copy(raw, i * image, dx.seg(), F, dx.at(n0 + i) * Float.BYTES, image);
    }

    private static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }
}
