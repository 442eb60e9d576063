package dev.lottery.gpu;

import dev.lottery.bindings.cublas_v2_h;
import dev.lottery.bindings.cuda_h;
import dev.lottery.bindings.cudnn_h;
import dev.lottery.bindings.nvrtc_h;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A CUDA, NVRTC, cuBLAS or cuDNN call returned an error. Carries the library's error name
 * (e.g. {@code CUDA_ERROR_OUT_OF_MEMORY}), its description, the numeric code, and for NVRTC compile
 * errors the compiler log.
 */
public final class CudaException extends RuntimeException {
    /** Which library reported the error; each has its own code space. */
    public enum Api {
        /** The CUDA driver API; {@link #code()} is a {@code CUresult}. */
        DRIVER,
        /** NVRTC, the runtime compiler; {@link #code()} is an {@code nvrtcResult}. */
        NVRTC,
        /** cuBLAS; {@link #code()} is a {@code cublasStatus_t}. */
        CUBLAS,
        /** cuDNN; {@link #code()} is a {@code cudnnStatus_t}. */
        CUDNN
    }

    /** The library that returned the status. */
    private final Api api;
    /** The failed call's name. */
    private final String call;
    /** The status returned, in {@link #api}'s code space. */
    private final int code;
    /** The status's name as the library spells it. */
    private final String errorName;
    /** The NVRTC compiler log, or "". */
    private final String log;

    /**
     * A failure of {@code call} in {@code api}. The message is {@code "<call> failed: <errorName> (<description>)"},
     * followed by the log on its own lines when there is one.
     *
     * @param api the library that returned the status
     * @param call the failed call's name, with what it was called on where that helps (e.g. a kernel's name)
     * @param code the status the call returned, in {@code api}'s code space
     * @param errorName the status's name as the library spells it ({@code CUDA_ERROR_OUT_OF_MEMORY})
     * @param description the library's one-line description of the status
     * @param log the NVRTC compiler log; null or blank when there is none
     */
    public CudaException(Api api, String call, int code, String errorName, String description, String log) {
        super(call + " failed: " + errorName + " (" + description + ")" + (log == null || log.isBlank() ? "" : "\n" + log.strip()));
        this.api = api;
        this.call = call;
        this.code = code;
        this.errorName = errorName;
        this.log = log == null ? "" : log;
    }

    /**
     * The library whose call failed.
     *
     * @return the library, which also says what {@link #code()} means
     */
    public Api api() { return api; }

    /**
     * The call that failed, with what it was called on.
     *
     * @return the call's name as given to the constructor, e.g. {@code "cuMemAlloc"}
     */
    public String call() { return call; }

    /**
     * The status code returned.
     *
     * @return the numeric status, never the library's success value
     */
    public int code() { return code; }

    /**
     * The status code's name.
     *
     * @return the library's name for the status ({@code CUDA_ERROR_OUT_OF_MEMORY}, ...), or for a code the driver
     *     does not know, {@code "CUresult "} and the number
     */
    public String errorName() { return errorName; }

    /**
     * The NVRTC compile log.
     *
     * @return the compiler's log with the source's errors and warnings, or "" for other errors
     */
    public String log() { return log; }

    /**
     * Throws unless {@code result} is CUDA_SUCCESS.
     *
     * @param result the {@code CUresult} a driver call returned
     * @param call the call's name for the message, e.g. {@code "cuMemAlloc"}
     * @throws CudaException for any other result, with the driver's name and description of it
     */
    public static void checkDriver(int result, String call) {
        if (result != cuda_h.CUDA_SUCCESS()) throw driver(result, call);
    }

    static CudaException driver(int result, String call) {
        String name = "CUresult " + result;
        String text = "unknown error";
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = arena.allocate(ValueLayout.ADDRESS);
            if (cuda_h.cuGetErrorName(result, p) == 0) name = cString(p.get(ValueLayout.ADDRESS, 0));
            if (cuda_h.cuGetErrorString(result, p) == 0) text = cString(p.get(ValueLayout.ADDRESS, 0));
        }
        return new CudaException(Api.DRIVER, call, result, name, text, null);
    }

    /**
     * Throws for an NVRTC status other than success, with the compiler log {@code log}.
     *
     * @param result the {@code nvrtcResult} an NVRTC call returned
     * @param call the call's name for the message, e.g. {@code "nvrtcCompileProgram"}
     * @param log the program's compile log to carry, or null when there is none
     * @throws CudaException for any status other than {@code NVRTC_SUCCESS}
     */
    public static void checkNvrtc(int result, String call, String log) {
        if (result != nvrtc_h.NVRTC_SUCCESS()) {
            String name = cString(nvrtc_h.nvrtcGetErrorString(result));
            throw new CudaException(Api.NVRTC, call, result, name, "NVRTC error " + result, log);
        }
    }

    /**
     * Throws for a cuBLAS status other than success.
     *
     * @param status the {@code cublasStatus_t} a cuBLAS call returned
     * @param call the call's name for the message, e.g. {@code "cublasSgemm"}
     * @throws CudaException for any status other than {@code CUBLAS_STATUS_SUCCESS}
     */
    public static void checkCublas(int status, String call) {
        if (status != cublas_v2_h.CUBLAS_STATUS_SUCCESS()) {
            throw new CudaException(Api.CUBLAS, call, status, cString(cublas_v2_h.cublasGetStatusName(status)),
                    cString(cublas_v2_h.cublasGetStatusString(status)), null);
        }
    }

    /**
     * Throws for a cuDNN status other than success.
     *
     * @param status the {@code cudnnStatus_t} a cuDNN call returned
     * @param call the call's name for the message, e.g. {@code "cudnnConvolutionForward"}
     * @throws CudaException for any status other than {@code CUDNN_STATUS_SUCCESS}
     */
    public static void checkCudnn(int status, String call) {
        if (status != cudnn_h.CUDNN_STATUS_SUCCESS()) {
            String text = cString(cudnn_h.cudnnGetErrorString(status));
            throw new CudaException(Api.CUDNN, call, status, text, "cuDNN status " + status, null);
        }
    }

    /**
     * A {@code const char*} from a library's static storage: a downcall result (jextract's {@code C_POINTER} makes it
     * unbounded) or an out-parameter read with {@code ValueLayout.ADDRESS} (zero-length, hence the reinterpret).
     */
    static String cString(MemorySegment p) {
        return p.equals(MemorySegment.NULL) ? "(null)" : p.reinterpret(Long.MAX_VALUE).getString(0);
    }
}
