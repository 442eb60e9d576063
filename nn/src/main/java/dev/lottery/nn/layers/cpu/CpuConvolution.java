package dev.lottery.nn.layers.cpu;

import dev.lottery.nn.backend.cpu.CpuGemm;
import dev.lottery.nn.layers.ConvGeometry;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * NCHW convolution on the CPU as im2col + {@link CpuGemm#sgemm}. Images are processed in groups of {@code G}
 * so that every GEMM has about {@link #TARGET_COLUMNS} columns even when the output is small (8x8 in a resnet's
 * last stage): the group's columns matrix is {@code [C*R*R, G*P*Q]} (row {@code (c, r, s)}, column
 * {@code (image, p, q)}), one product with the {@code [K, C*R*R]} filters gives the group's outputs as
 * {@code [K, G*P*Q]}, which is scattered to NCHW. With {@code G == 1} the product writes NCHW directly; a 1x1,
 * stride-1, unpadded convolution uses the input as its own columns matrix.
 */
public final class CpuConvolution {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /** Columns per product: wide enough to split across the GEMM crew and to amortize packing the filters. */
    static final int TARGET_COLUMNS = 1024;

    private CpuConvolution() {}

    private static int group(ConvGeometry g) {
        int pq = g.outHeight() * g.outWidth();
        return Math.clamp(TARGET_COLUMNS / pq, 1, g.batch());
    }

    private static boolean pointwise(ConvGeometry g) {
        return g.kernel() == 1 && g.stride() == 1 && g.pad() == 0;
    }

    public static void forward(MemorySegment x, MemorySegment w, MemorySegment bias, MemorySegment y, ConvGeometry g) {
        int k = g.filters(), crs = g.channels() * g.kernel() * g.kernel(), pq = g.outHeight() * g.outWidth();
        long inImage = (long) g.channels() * g.height() * g.width(), outImage = (long) k * pq;
        int group = group(g);
        ConvScratch scratch = ConvScratch.get();
        for (int n0 = 0; n0 < g.batch(); n0 += group) {
            int count = Math.min(group, g.batch() - n0);
            int cols = count * pq;
            if (count == 1) {
                MemorySegment colSeg;
                long colOff;
                if (pointwise(g)) {
                    colSeg = x;
                    colOff = n0 * inImage;
                } else {
                    colSeg = scratch.columns((long) crs * cols);
                    colOff = 0;
                    im2col(x, n0 * inImage, g, colSeg, cols, 0);
                }
                CpuGemm.sgemm(false, false, k, pq, crs, 1f, w, 0, crs, colSeg, colOff, pq, 0f, y, n0 * outImage, pq);
            } else {
                MemorySegment col = scratch.columns((long) crs * cols);
                for (int i = 0; i < count; i++) im2col(x, (n0 + i) * inImage, g, col, cols, i * pq);
                MemorySegment out = scratch.block((long) k * cols);
                CpuGemm.sgemm(false, false, k, cols, crs, 1f, w, 0, crs, col, 0, cols, 0f, out, 0, cols);
                for (int i = 0; i < count; i++) {
                    for (int f = 0; f < k; f++) {
                        MemorySegment.copy(out, ((long) f * cols + (long) i * pq) * Float.BYTES,
                                y, ((n0 + i) * outImage + (long) f * pq) * Float.BYTES, (long) pq * Float.BYTES);
                    }
                }
            }
        }
        if (bias != null) {
            for (int n = 0; n < g.batch(); n++) {
                for (int f = 0; f < k; f++) {
                    float b = bias.getAtIndex(F, f);
                    long base = n * outImage + (long) f * pq;
                    for (int i = 0; i < pq; i++) y.setAtIndex(F, base + i, y.getAtIndex(F, base + i) + b);
                }
            }
        }
    }

    public static void backwardData(MemorySegment dy, MemorySegment w, MemorySegment dx, ConvGeometry g) {
        int k = g.filters(), crs = g.channels() * g.kernel() * g.kernel(), pq = g.outHeight() * g.outWidth();
        long inImage = (long) g.channels() * g.height() * g.width(), outImage = (long) k * pq;
        int group = group(g);
        ConvScratch scratch = ConvScratch.get();
        // A pointwise convolution taken one image at a time writes dx directly; everything else accumulates into it.
        boolean direct = pointwise(g) && group == 1;
        if (!direct) dx.asSlice(0, g.inputSize() * Float.BYTES).fill((byte) 0);
        for (int n0 = 0; n0 < g.batch(); n0 += group) {
            int count = Math.min(group, g.batch() - n0);
            int cols = count * pq;
            MemorySegment dyBlock;
            long dyOff;
            if (count == 1) {
                dyBlock = dy;
                dyOff = n0 * outImage;
            } else {
                dyBlock = gatherGroup(dy, n0, count, k, pq, scratch);
                dyOff = 0;
            }
            if (direct) {
                CpuGemm.sgemm(true, false, crs, pq, k, 1f, w, 0, crs, dyBlock, dyOff, pq, 0f, dx, n0 * inImage, pq);
                continue;
            }
            MemorySegment col = scratch.columns((long) crs * cols);
            CpuGemm.sgemm(true, false, crs, cols, k, 1f, w, 0, crs, dyBlock, dyOff, cols, 0f, col, 0, cols);
            for (int i = 0; i < count; i++) col2im(col, cols, i * pq, g, dx, (n0 + i) * inImage);
        }
    }

    public static void backwardFilter(MemorySegment x, MemorySegment dy, MemorySegment dw, MemorySegment dbias, ConvGeometry g) {
        int k = g.filters(), crs = g.channels() * g.kernel() * g.kernel(), pq = g.outHeight() * g.outWidth();
        long inImage = (long) g.channels() * g.height() * g.width(), outImage = (long) k * pq;
        int group = group(g);
        ConvScratch scratch = ConvScratch.get();
        boolean first = true;
        for (int n0 = 0; n0 < g.batch(); n0 += group) {
            int count = Math.min(group, g.batch() - n0);
            int cols = count * pq;
            MemorySegment col;
            long colOff = 0;
            MemorySegment dyBlock;
            long dyOff = 0;
            if (count == 1 && pointwise(g)) {
                col = x;
                colOff = n0 * inImage;
            } else {
                col = scratch.columns((long) crs * cols);
                for (int i = 0; i < count; i++) im2col(x, (n0 + i) * inImage, g, col, cols, i * pq);
            }
            if (count == 1) {
                dyBlock = dy;
                dyOff = n0 * outImage;
            } else {
                dyBlock = gatherGroup(dy, n0, count, k, pq, scratch);
            }
            CpuGemm.sgemm(false, true, k, crs, cols, 1f, dyBlock, dyOff, cols, col, colOff, cols, first ? 0f : 1f, dw, 0, crs);
            first = false;
        }
        if (dbias != null) {
            for (int f = 0; f < k; f++) {
                double s = 0;
                for (int n = 0; n < g.batch(); n++) {
                    long base = n * outImage + (long) f * pq;
                    for (int i = 0; i < pq; i++) s += dy.getAtIndex(F, base + i);
                }
                dbias.setAtIndex(F, f, (float) s);
            }
        }
    }

    /** Copies the outputs-gradient of images {@code n0 .. n0+count} from NCHW into the {@code [K, count*P*Q]} layout. */
    private static MemorySegment gatherGroup(MemorySegment dy, int n0, int count, int k, int pq, ConvScratch scratch) {
        int cols = count * pq;
        MemorySegment block = scratch.block((long) k * cols);
        for (int i = 0; i < count; i++) {
            for (int f = 0; f < k; f++) {
                MemorySegment.copy(dy, (((long) (n0 + i) * k + f) * pq) * Float.BYTES,
                        block, ((long) f * cols + (long) i * pq) * Float.BYTES, (long) pq * Float.BYTES);
            }
        }
        return block;
    }

    /**
     * Writes one image's patches into columns {@code [colStart, colStart + P*Q)} of the {@code [C*R*R, ld]} matrix:
     * entry ((c, r, s), (p, q)) is {@code x[c, p*stride - pad + r, q*stride - pad + s]}, zero outside the image.
     */
    static void im2col(MemorySegment x, long xOff, ConvGeometry g, MemorySegment col, int ld, int colStart) {
        int c = g.channels(), h = g.height(), w = g.width(), r = g.kernel(), st = g.stride(), pad = g.pad();
        int p = g.outHeight(), q = g.outWidth();
        for (int ci = 0; ci < c; ci++) {
            for (int ri = 0; ri < r; ri++) {
                for (int si = 0; si < r; si++) {
                    long rowBase = (long) ((ci * r + ri) * r + si) * ld + colStart;
                    // Output columns q whose input column q*st - pad + si lies inside [0, w).
                    int qlo = Math.max(0, ceilDiv(pad - si, st));
                    int qhi = Math.min(q, floorDiv(w - 1 + pad - si, st) + 1);
                    for (int pi = 0; pi < p; pi++) {
                        long dst = rowBase + (long) pi * q;
                        int ih = pi * st - pad + ri;
                        if (ih < 0 || ih >= h || qlo >= qhi) {
                            col.asSlice(dst * Float.BYTES, (long) q * Float.BYTES).fill((byte) 0);
                            continue;
                        }
                        for (int qi = 0; qi < qlo; qi++) col.setAtIndex(F, dst + qi, 0f);
                        for (int qi = qhi; qi < q; qi++) col.setAtIndex(F, dst + qi, 0f);
                        long src = xOff + ((long) ci * h + ih) * w - pad + si;
                        if (st == 1) {
                            MemorySegment.copy(x, (src + qlo) * Float.BYTES, col, (dst + qlo) * Float.BYTES, (long) (qhi - qlo) * Float.BYTES);
                        } else {
                            for (int qi = qlo; qi < qhi; qi++) col.setAtIndex(F, dst + qi, x.getAtIndex(F, src + (long) qi * st));
                        }
                    }
                }
            }
        }
    }

    /** The adjoint of {@link #im2col}: adds every column entry back onto the input position it was read from. */
    static void col2im(MemorySegment col, int ld, int colStart, ConvGeometry g, MemorySegment dx, long dxOff) {
        int c = g.channels(), h = g.height(), w = g.width(), r = g.kernel(), st = g.stride(), pad = g.pad();
        int p = g.outHeight(), q = g.outWidth();
        for (int ci = 0; ci < c; ci++) {
            for (int ri = 0; ri < r; ri++) {
                for (int si = 0; si < r; si++) {
                    long rowBase = (long) ((ci * r + ri) * r + si) * ld + colStart;
                    int qlo = Math.max(0, ceilDiv(pad - si, st));
                    int qhi = Math.min(q, floorDiv(w - 1 + pad - si, st) + 1);
                    for (int pi = 0; pi < p; pi++) {
                        int ih = pi * st - pad + ri;
                        if (ih < 0 || ih >= h) continue;
                        long src = rowBase + (long) pi * q;
                        long dst = dxOff + ((long) ci * h + ih) * w - pad + si;
                        for (int qi = qlo; qi < qhi; qi++) {
                            long at = dst + (long) qi * st;
                            dx.setAtIndex(F, at, dx.getAtIndex(F, at) + col.getAtIndex(F, src + qi));
                        }
                    }
                }
            }
        }
    }

    private static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }

    private static int floorDiv(int a, int b) {
        return Math.floorDiv(a, b);
    }
}
