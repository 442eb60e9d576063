package dev.lottery.nn.backend.cpu;

import dev.lottery.nn.UserError;
import java.lang.foreign.MemorySegment;
import java.util.Optional;

/**
 * The inner loops of the CPU backend at one vector width: {@link VectorKernels} (the Vector API, at the width the
 * CPU prefers or the one {@value #BITS_PROPERTY} forces: 128, 256 or 512 bits, as llama3.java and Lucene allow) or
 * {@link ScalarKernels} when the {@code jdk.incubator.vector} module is absent. Everything above these loops (blocking,
 * packing, threads, sparse index lists) is shared, so every width computes the same thing.
 *
 * <p>Every kernel gives the same bits at every width and in the scalar fallback: element-wise ops apply the same
 * IEEE operations lane by lane, a GEMM tile sums each value along k in one chain, and the one reduction across lanes
 * ({@link #dotRows}) sums sixteen fixed partial sums whatever the vector length.
 *
 * <p>Only {@link #active()} decides which class is loaded, by name, so the scalar path never touches a Vector API class.
 */
public sealed interface CpuKernels permits VectorKernels, ScalarKernels {
    /** {@code -Dlottery.vector.bits=128|256|512}: the vector width the CPU kernels use (default: the CPU's preferred). */
    String BITS_PROPERTY = "lottery.vector.bits";

    /** Floats per vector; 1 for the scalar kernels. */
    int lanes();

    /** Rows of C per GEMM micro-tile. */
    int mr();

    /** Columns of C per GEMM micro-tile (two vectors). */
    int nr();

    /** One line for logs: the vector width or the scalar fallback. */
    String description();

    /**
     * Floats per vector of the convolution and batch-norm kernels, whose filter-gradient and statistics sums run one
     * chain per lane: the CPU's preferred width (the JVM's {@code -XX:UseAVX} decides it), never the forced one; 1 for
     * the scalar kernels. Their bits depend on it, so the backend's kernel generation names it.
     */
    int convolutionLanes();

    // ---- GEMM micro-kernels on packed panels (see CpuGemm) ----

    /**
     * {@code tile = A-panel . B-panel} for an {@code mr() x nr()} tile over {@code kc} depth steps, A interleaved
     * ({@code mr()} values per depth step at {@code aOff + q * mr()}), B as {@code nr()} values per depth step. Each value
     * is one FMA chain along k from +0.
     */
    void microKernel(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] tile);

    /**
     * {@link #microKernel} for an A panel packed row by row: row i's depth step q at {@code aOff + i * kc + q}. A
     * separate kernel rather than one with the strides as arguments: with constant strides the JIT removes the bounds
     * checks from the depth loop.
     */
    void microKernelRows(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] tile);

    /**
     * {@link #microKernelRows} for a product at most {@code nr() / 2} columns wide (one vector: lenet's 10-class output
     * layer), B packed as {@code nr() / 2} values per depth step: only the first half of each tile row is computed,
     * with the same chains as the full tile, so half as many FMAs go to columns that do not exist.
     */
    void microKernelRowsNarrow(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] tile);

    /**
     * {@link #microKernel} over the B rows {@code rows[rOff .. rOff + count)} only: depth step q reads A at
     * {@code aOff + q * mr()} (interleaved) and B's row {@code rows[rOff + q]} at {@code bOff + rows[rOff + q] * nr()}. Each
     * value is one FMA chain over those steps in order, from +0 (a constant input's product, see {@link BackgroundInput}).
     */
    void microKernelGathered(int count, int[] rows, int rOff, float[] ap, int aOff, float[] bp, int bOff, float[] tile);

    /**
     * {@code out[outOff + j] = sum over i < rows, in order, of p[off + i * nr() + j]} for {@code j < nr()}: the column
     * sums of a packed B panel, one float chain per column.
     */
    void panelColumnSums(float[] p, int off, int rows, float[] out, int outOff);

    /**
     * C = alpha * tile + beta * C for a full {@code mr() x nr()} tile whose first element is float {@code cIdx} of
     * {@code c}, rows {@code ldc} apart; beta == 0 does not read C.
     */
    void storeTile(float[] tile, MemorySegment c, long cIdx, int ldc, float alpha, float beta);

    /**
     * C = alpha * tile + beta * C for the top-left {@code mr x nr} corner of a tile at the edge of C, computed as
     * {@code fma(beta, C, alpha * tile)} (beta == 0: {@code alpha * tile}, C not read).
     */
    void storeTileEdge(float[] tile, int mr, int nr, MemorySegment c, long cIdx, int ldc, float alpha, float beta);

    /** {@code dst[d..d+n) += src[s..s+n)} on heap arrays. */
    void addInto(float[] src, int s, float[] dst, int d, int n);

    // ---- element-wise ops on off-heap floats ----

    /** {@code y[i, j] += bias[j]} for {@code rows} rows of {@code cols}, then {@code max(y, 0)} when {@code relu}. */
    void addBias(MemorySegment y, MemorySegment bias, int rows, int cols, boolean relu);

    /** {@code dbias[j] = sum over i in order of dy[i, j]}. */
    void sumRows(MemorySegment dy, MemorySegment dbias, int rows, int cols);

    /** {@code y[i] = max(y[i], 0)} for i in [from, to). */
    void relu(MemorySegment y, long from, long to);

    /** {@code dy[i] = 0 where y[i] <= 0} for i in [from, to). */
    void reluBackward(MemorySegment y, MemorySegment dy, long from, long to);

    /** {@code y[i] *= f[i]} for i in [from, to). */
    void multiply(MemorySegment y, MemorySegment f, long from, long to);

    /** {@code y[i] += x[i]} for i in [from, to). */
    void add(MemorySegment y, MemorySegment x, long from, long to);

    /** {@code y[i] = max(a[i] + b[i], 0)} for i in [from, to). */
    void addRelu(MemorySegment a, MemorySegment b, MemorySegment y, long from, long to);

    /**
     * The SGD update of {@code DenseOps.sgdStep} for i in [from, to): {@code g = grad + wd*w; v = mom*v + g;
     * w -= lr*v; w = v = 0 where mask == 0}. {@code mask} and {@code velocity} may be null.
     */
    void sgd(MemorySegment w, MemorySegment grad, MemorySegment mask, MemorySegment velocity, long from, long to,
             float lr, float momentum, float weightDecay);

    // ---- masked products (see MaskedProducts): rows of a sparse matrix times a batch laid out along the lanes ----

    /**
     * For rows {@code r} in [from, to) of a sparse matrix S (entry p of row r is column {@code index[p]} with value
     * {@code values[valueBase + r * ldv + index[p]]}, or {@code values[valueBase + pos[p]]} when {@code pos} is non-null):
     * {@code out[r * ldo + b] = sum over p of S[r, index[p]] * x[index[p] * ldx + b]} for b in [0, width), width a
     * multiple of {@link #lanes()}. Each row's entries split into {@code slabs} runs
     * {@code [starts[r*(slabs+1) + s], starts[r*(slabs+1) + s + 1])}; each run is one FMA chain from +0, and the runs'
     * sums are added in order: the order {@link CpuGemm} sums a value in when the skipped entries are zeros.
     */
    void sparseRows(int from, int to, int slabs, int[] starts, int[] index, int[] pos, MemorySegment values, long valueBase,
                    int ldv, float[] x, int ldx, int width, float[] out, int ldo);

    /**
     * For rows r in [from, to) and their entries p (as in {@link #sparseRows}, one run per row):
     * {@code out[outBase + r * ldo + index[p]] = dot(a[r * lda ..], x[index[p] * ldx ..])} over {@code width} values
     * (a multiple of 16, zero-padded): sixteen partial sums {@code P_l} over the positions {@code b = l (mod 16)},
     * each an FMA chain in increasing b, then {@code ((P_l + P_{l+8}) folded by 4, by 2, by 1)}: the same tree at every
     * width.
     */
    void dotRows(int from, int to, int[] starts, int[] index, float[] a, int lda, float[] x, int ldx, int width,
                 MemorySegment out, long outBase, int ldo);

    /** {@code dst[dOff + c * ldd + r] = src[sOff + r * lds + c]} for {@code r < rows}, {@code c < cols}: a transposed copy. */
    void transpose(float[] src, int sOff, int lds, int rows, int cols, float[] dst, int dOff, int ldd);

    /** The most batch positions {@link #sparseRows} keeps in registers at once (eight vectors): a chunk of a long batch. */
    default int batchChunk() {
        return 8 * lanes();
    }

    /** The kernels this process uses (chosen once). */
    static CpuKernels active() {
        return Holder.ACTIVE;
    }

    /** The vector width {@value #BITS_PROPERTY} asks for, or empty for the CPU's preferred one. */
    static Optional<Integer> requestedBits() {
        String v = System.getProperty(BITS_PROPERTY);
        if (v == null || v.isBlank()) return Optional.empty();
        return switch (v.trim()) {
            case "128" -> Optional.of(128);
            case "256" -> Optional.of(256);
            case "512" -> Optional.of(512);
            default -> throw new UserError("-D" + BITS_PROPERTY + "=" + v + ": the vector width must be 128, 256 or 512 bits");
        };
    }

    /** Whether the Vector API module is resolved in this process (it needs {@code --add-modules jdk.incubator.vector}). */
    static boolean vectorModulePresent() {
        return VectorModule.PRESENT;
    }

    /** Looked up once: kernels ask on every call (batch norm, for instance). */
    final class VectorModule {
        static final boolean PRESENT = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

        private VectorModule() {}
    }

    final class Holder {
        static final CpuKernels ACTIVE = choose();

        private Holder() {}

        private static CpuKernels choose() {
            requestedBits(); // a bad width is refused whether or not vectors are available
            if (!vectorModulePresent()) {
                System.err.println("lottery: jdk.incubator.vector is not available (java --add-modules jdk.incubator.vector "
                        + "enables it): the CPU backend runs its scalar kernels, several times slower");
                return new ScalarKernels();
            }
            try {
                // By name, so that this interface never links against the Vector API itself.
                return (CpuKernels) Class.forName(CpuKernels.class.getPackageName() + ".VectorKernels")
                        .getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot load the Vector API kernels", e);
            }
        }
    }
}
