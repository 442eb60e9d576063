package dev.lottery.gpu;

import dev.lottery.bindings.NativeLibraries;
import dev.lottery.bindings.cublas_v2_h;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.lottery.gpu.CudaException.checkCublas;

/**
 * A cuBLAS handle bound to one stream. Scalars (alpha, beta) are passed by host pointer and read at call time.
 * Math mode is pedantic FP32 by default (no TF32), so results follow IEEE single precision as the CPU path does;
 * {@link #allowTf32()} trades that for speed.
 */
public final class Blas implements AutoCloseable {
    private final MemorySegment handle;
    private final Stream stream;
    private boolean closed;

    private Blas(MemorySegment handle, Stream stream) {
        this.handle = handle;
        this.stream = stream;
    }

    /**
     * A cuBLAS handle whose work runs on {@code stream}, in pedantic FP32 math mode. Loads cuBLAS first if this is
     * the process's first use of it.
     *
     * @param stream the stream every call of the handle is queued on, in its order; it must stay open while the
     *     handle is used
     * @return a new handle, owned by the caller, who closes it before the stream's context
     * @throws CudaException if cuBLAS cannot create the handle or bind it to the stream
     */
    public static Blas create(Stream stream) {
        NativeLibraries.CUBLAS.load();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            checkCublas(cublas_v2_h.cublasCreate_v2(out), "cublasCreate");
            MemorySegment h = out.get(ValueLayout.ADDRESS, 0);
            Blas blas = new Blas(h, stream);
            try {
                checkCublas(cublas_v2_h.cublasSetStream_v2(h, stream.handle()), "cublasSetStream");
                checkCublas(cublas_v2_h.cublasSetMathMode(h, cublas_v2_h.CUBLAS_PEDANTIC_MATH()), "cublasSetMathMode");
            } catch (RuntimeException e) {
                blas.close();
                throw e;
            }
            return blas;
        }
    }

    /**
     * The stream the handle runs on.
     *
     * @return the stream given to {@link #create}, shared, not owned by the handle
     */
    public Stream stream() { return stream; }

    /**
     * cuBLAS's version number.
     *
     * @return the loaded library's version as cuBLAS encodes it: major·10000 + minor·100 + patch (130000 for 13.0.0)
     */
    public int version() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(ValueLayout.JAVA_INT);
            checkCublas(cublas_v2_h.cublasGetVersion_v2(handle(), v), "cublasGetVersion");
            return v.get(ValueLayout.JAVA_INT, 0);
        }
    }

    /** Lets single-precision products use TF32 tensor cores (faster, 10-bit mantissas). */
    public void allowTf32() {
        checkCublas(cublas_v2_h.cublasSetMathMode(handle(), cublas_v2_h.CUBLAS_TF32_TENSOR_OP_MATH()), "cublasSetMathMode");
    }

    /**
     * Row-major {@code C = alpha·op(A)·op(B) + beta·C}, queued on the handle's stream (it returns before the product
     * is done).
     *
     * @param g the shapes and transpose flags
     * @param alpha the factor of the product
     * @param a A as stored, row-major: {@code [m, k]}, or {@code [k, m]} when {@code g.transA()}; at least
     *     {@code g.aElements()} floats
     * @param b B as stored, row-major: {@code [k, n]}, or {@code [n, k]} when {@code g.transB()}; at least
     *     {@code g.bElements()} floats
     * @param beta the factor of C's previous contents; with 0 they are not read (NaNs there do not propagate)
     * @param c C, row-major {@code [m, n]}, overwritten; at least {@code g.cElements()} floats
     * @throws IllegalArgumentException if a buffer is smaller than its matrix
     */
    public void sgemm(RowMajorGemm g, float alpha, DeviceBuffer a, DeviceBuffer b, float beta, DeviceBuffer c) {
        requireFloats(a, g.aElements(), "A");
        requireFloats(b, g.bElements(), "B");
        requireFloats(c, g.cElements(), "C");
        RowMajorGemm.ColumnMajorCall call = g.columnMajor();
        try (Arena arena = Arena.ofConfined()) {
            checkCublas(cublas_v2_h.cublasSgemm_v2(handle(), call.opFirst(), call.opSecond(), call.rows(), call.cols(), call.inner(),
                    arena.allocateFrom(ValueLayout.JAVA_FLOAT, alpha), MemorySegment.ofAddress(b.address()), call.ldFirst(),
                    MemorySegment.ofAddress(a.address()), call.ldSecond(), arena.allocateFrom(ValueLayout.JAVA_FLOAT, beta),
                    MemorySegment.ofAddress(c.address()), call.ldC()), "cublasSgemm");
        }
    }

    /**
     * {@code batch} independent row-major GEMMs over matrices laid end to end in each buffer: product i is
     * {@code C_i = alpha·op(A_i)·op(B_i) + beta·C_i}, with {@code A_i} starting {@code i·g.aElements()} floats into
     * {@code a} (likewise B and C). Queued on the handle's stream.
     *
     * @param g the shapes and transpose flags, the same for every product
     * @param batch the number of products, at least 1
     * @param alpha the factor of each product
     * @param a the {@code batch} A matrices as stored (see {@link #sgemm}), at least {@code batch·g.aElements()}
     *     floats
     * @param b the {@code batch} B matrices as stored, at least {@code batch·g.bElements()} floats
     * @param beta the factor of C's previous contents; with 0 they are not read
     * @param c the {@code batch} C matrices, row-major {@code [m, n]} each, overwritten
     * @throws IllegalArgumentException if a buffer is smaller than its {@code batch} matrices
     */
    public void sgemmStridedBatched(RowMajorGemm g, int batch, float alpha, DeviceBuffer a, DeviceBuffer b, float beta, DeviceBuffer c) {
        requireFloats(a, g.aElements() * batch, "A");
        requireFloats(b, g.bElements() * batch, "B");
        requireFloats(c, g.cElements() * batch, "C");
        RowMajorGemm.ColumnMajorCall call = g.columnMajor();
        try (Arena arena = Arena.ofConfined()) {
            checkCublas(cublas_v2_h.cublasSgemmStridedBatched(handle(), call.opFirst(), call.opSecond(), call.rows(), call.cols(), call.inner(),
                    arena.allocateFrom(ValueLayout.JAVA_FLOAT, alpha), MemorySegment.ofAddress(b.address()), call.ldFirst(), g.bElements(),
                    MemorySegment.ofAddress(a.address()), call.ldSecond(), g.aElements(), arena.allocateFrom(ValueLayout.JAVA_FLOAT, beta),
                    MemorySegment.ofAddress(c.address()), call.ldC(), g.cElements(), batch), "cublasSgemmStridedBatched");
        }
    }

    /**
     * {@code batch} row-major GEMMs over blocks of larger matrices: product i reads A at device address
     * {@code a + i·strideA·4} with rows {@code lda} floats apart (likewise B and C); a stride of 0 shares one matrix
     * among all products. The caller keeps every block inside its buffer: nothing is checked here, and a block
     * outside it is an illegal address on the device.
     *
     * @param g the shapes and transpose flags, the same for every product
     * @param batch the number of products, at least 1
     * @param alpha the factor of each product
     * @param a the device address of the first A block (bytes, as {@link DeviceBuffer#address()} gives it)
     * @param lda floats between the starts of A's stored rows, at least A's stored row length
     * @param strideA floats between the starts of consecutive products' A blocks; 0 shares one A
     * @param b the device address of the first B block
     * @param ldb floats between the starts of B's stored rows, at least B's stored row length
     * @param strideB floats between consecutive products' B blocks; 0 shares one B
     * @param beta the factor of C's previous contents; with 0 they are not read
     * @param c the device address of the first C block, overwritten
     * @param ldc floats between the starts of C's rows, at least {@code g.n()}
     * @param strideC floats between consecutive products' C blocks; products that write the same C race
     * @throws IllegalArgumentException if a row stride is shorter than its rows
     */
    public void sgemmStridedBatched(RowMajorGemm g, int batch, float alpha, long a, int lda, long strideA, long b, int ldb, long strideB,
                                    float beta, long c, int ldc, long strideC) {
        RowMajorGemm.ColumnMajorCall call = g.columnMajor(lda, ldb, ldc);
        try (Arena arena = Arena.ofConfined()) {
            checkCublas(cublas_v2_h.cublasSgemmStridedBatched(handle(), call.opFirst(), call.opSecond(), call.rows(), call.cols(), call.inner(),
                    arena.allocateFrom(ValueLayout.JAVA_FLOAT, alpha), MemorySegment.ofAddress(b), call.ldFirst(), strideB,
                    MemorySegment.ofAddress(a), call.ldSecond(), strideA, arena.allocateFrom(ValueLayout.JAVA_FLOAT, beta),
                    MemorySegment.ofAddress(c), call.ldC(), strideC, batch), "cublasSgemmStridedBatched");
        }
    }

    /**
     * {@code y = alpha·x + y} over the first {@code n} floats of each buffer, queued on the handle's stream.
     *
     * @param n the number of elements, at least 0
     * @param alpha the factor of {@code x}
     * @param x read, at least {@code n} floats
     * @param y updated in place, at least {@code n} floats
     * @throws IllegalArgumentException if a buffer holds fewer than {@code n} floats
     */
    public void saxpy(int n, float alpha, DeviceBuffer x, DeviceBuffer y) {
        requireFloats(x, n, "x");
        requireFloats(y, n, "y");
        try (Arena arena = Arena.ofConfined()) {
            checkCublas(cublas_v2_h.cublasSaxpy_v2(handle(), n, arena.allocateFrom(ValueLayout.JAVA_FLOAT, alpha),
                    MemorySegment.ofAddress(x.address()), 1, MemorySegment.ofAddress(y.address()), 1), "cublasSaxpy");
        }
    }

    /**
     * {@code x = alpha·x} over the first {@code n} floats of {@code x}, queued on the handle's stream.
     *
     * @param n the number of elements, at least 0
     * @param alpha the factor
     * @param x scaled in place, at least {@code n} floats
     * @throws IllegalArgumentException if {@code x} holds fewer than {@code n} floats
     */
    public void sscal(int n, float alpha, DeviceBuffer x) {
        requireFloats(x, n, "x");
        try (Arena arena = Arena.ofConfined()) {
            checkCublas(cublas_v2_h.cublasSscal_v2(handle(), n, arena.allocateFrom(ValueLayout.JAVA_FLOAT, alpha),
                    MemorySegment.ofAddress(x.address()), 1), "cublasSscal");
        }
    }

    private static void requireFloats(DeviceBuffer buffer, long floats, String what) {
        if (buffer.byteSize() < floats * Float.BYTES) {
            throw new IllegalArgumentException(what + " holds " + buffer.byteSize() / Float.BYTES + " floats, needs " + floats);
        }
    }

    private MemorySegment handle() {
        if (closed) throw new IllegalStateException("cuBLAS handle closed");
        return handle;
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        checkCublas(cublas_v2_h.cublasDestroy_v2(handle), "cublasDestroy");
    }
}
