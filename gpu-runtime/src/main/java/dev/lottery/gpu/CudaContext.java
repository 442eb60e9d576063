package dev.lottery.gpu;

import dev.lottery.bindings.CudaLibraryNotFoundException;
import dev.lottery.bindings.NativeLibraries;
import dev.lottery.bindings.cuda_h;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.lottery.gpu.CudaException.checkDriver;

/**
 * One device's primary context, retained on open and released on close. The primary context is the one
 * the CUDA runtime, cuBLAS and cuDNN use too, so handles made by those libraries work with our buffers.
 *
 * <p>A context is current per thread: {@link #open} makes it current on the calling thread; another
 * thread must call {@link #makeCurrent()} before its first CUDA call.
 */
public final class CudaContext implements AutoCloseable {
    private static volatile CudaAvailability availability;

    private final int ordinal;
    private final int device;
    private final MemorySegment context;
    private final TransferCounters transfers = new TransferCounters();
    private boolean closed;

    private CudaContext(int ordinal, int device, MemorySegment context) {
        this.ordinal = ordinal;
        this.device = device;
        this.context = context;
    }

    /**
     * Probes the driver once per process and never throws: a missing library, a driver without devices or
     * any other failure becomes {@code usable=false} with the reason.
     *
     * @return the process's one probe result, the same object on every call; safe to call from any thread
     */
    public static CudaAvailability isAvailable() {
        CudaAvailability a = availability;
        if (a == null) {
            synchronized (CudaContext.class) {
                if (availability == null) availability = probe();
                a = availability;
            }
        }
        return a;
    }

    private static CudaAvailability probe() {
        try (Arena arena = Arena.ofConfined()) {
            NativeLibraries.Loaded lib = NativeLibraries.CUDA.load();
            int rc = cuda_h.cuInit(0);
            if (rc != 0) {
                return new CudaAvailability(false, "cuInit failed: " + CudaException.driver(rc, "cuInit").errorName()
                        + " (driver " + lib.origin() + ")", 0, 0, lib.origin());
            }
            MemorySegment out = arena.allocate(ValueLayout.JAVA_INT);
            checkDriver(cuda_h.cuDriverGetVersion(out), "cuDriverGetVersion");
            int version = out.get(ValueLayout.JAVA_INT, 0);
            checkDriver(cuda_h.cuDeviceGetCount(out), "cuDeviceGetCount");
            int count = out.get(ValueLayout.JAVA_INT, 0);
            if (count == 0) return new CudaAvailability(false, "the CUDA driver reports no devices", 0, version, lib.origin());
            return new CudaAvailability(true, count + " device(s), driver " + version / 1000 + "." + version % 1000 / 10
                    + " (" + lib.origin() + ")", count, version, lib.origin());
        } catch (CudaLibraryNotFoundException e) {
            return new CudaAvailability(false, e.getMessage(), 0, 0, "");
        } catch (Throwable t) {
            return new CudaAvailability(false, t.getClass().getSimpleName() + ": " + t.getMessage(), 0, 0, "");
        }
    }

    /**
     * Opens device {@code ordinal}'s primary context and makes it current on this thread.
     *
     * @param ordinal the device's index as the driver counts them, from 0 to {@code deviceCount - 1}
     * @return the context, owned by the caller, who closes it after everything made in it
     * @throws IllegalStateException if CUDA is not usable here ({@link #isAvailable()} says why)
     * @throws IllegalArgumentException if there is no device {@code ordinal}
     */
    public static CudaContext open(int ordinal) {
        CudaAvailability a = isAvailable();
        if (!a.usable()) throw new IllegalStateException("CUDA is not usable: " + a.reason());
        if (ordinal < 0 || ordinal >= a.deviceCount()) {
            throw new IllegalArgumentException("device " + ordinal + " does not exist; " + a.deviceCount() + " device(s) present");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment dev = arena.allocate(ValueLayout.JAVA_INT);
            checkDriver(cuda_h.cuDeviceGet(dev, ordinal), "cuDeviceGet");
            int device = dev.get(ValueLayout.JAVA_INT, 0);
            MemorySegment pctx = arena.allocate(ValueLayout.ADDRESS);
            checkDriver(cuda_h.cuDevicePrimaryCtxRetain(pctx, device), "cuDevicePrimaryCtxRetain");
            MemorySegment ctx = pctx.get(ValueLayout.ADDRESS, 0);
            checkDriver(cuda_h.cuCtxSetCurrent(ctx), "cuCtxSetCurrent");
            return new CudaContext(ordinal, device, ctx);
        }
    }

    /** Makes this context the calling thread's current one. */
    public void makeCurrent() {
        checkOpen();
        checkDriver(cuda_h.cuCtxSetCurrent(context), "cuCtxSetCurrent");
    }

    /**
     * The device's ordinal.
     *
     * @return the index given to {@link #open}
     */
    public int ordinal() { return ordinal; }

    /**
     * The {@code CUcontext} handle, for the bindings.
     *
     * @return the primary context's handle, valid until {@link #close()}; the context keeps ownership
     */
    public MemorySegment handle() { return context; }

    /**
     * Host/device copy counters for everything done through this context's buffers.
     *
     * @return the context's live counters (not a snapshot), safe to read from any thread
     */
    public TransferCounters transfers() { return transfers; }

    /**
     * The device's name as the driver reports it.
     *
     * @return the marketing name, e.g. {@code "NVIDIA H100 80GB HBM3"}
     */
    public String deviceName() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = arena.allocate(256);
            checkDriver(cuda_h.cuDeviceGetName(name, 256, device), "cuDeviceGetName");
            return name.getString(0);
        }
    }

    /**
     * The device attribute {@code attribute} (a {@code CU_DEVICE_ATTRIBUTE_*} constant).
     *
     * @param attribute the {@code CUdevice_attribute} to read
     * @return the attribute's value, in the attribute's own unit
     * @throws CudaException if the driver does not know the attribute
     */
    public int attribute(int attribute) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.JAVA_INT);
            checkDriver(cuda_h.cuDeviceGetAttribute(out, attribute, device), "cuDeviceGetAttribute");
            return out.get(ValueLayout.JAVA_INT, 0);
        }
    }

    /**
     * The device's compute capability as one number.
     *
     * @return major·10 + minor, e.g. 90 for an H100 (sm_90)
     */
    public int computeCapability() {
        return attribute(cuda_h.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR()) * 10
                + attribute(cuda_h.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR());
    }

    /**
     * The device's memory in bytes.
     *
     * @return the total global memory in bytes, free or not
     */
    public long totalMemory() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.JAVA_LONG);
            checkDriver(cuda_h.cuDeviceTotalMem_v2(out, device), "cuDeviceTotalMem");
            return out.get(ValueLayout.JAVA_LONG, 0);
        }
    }

    /**
     * Free and total device memory as the driver sees it now.
     *
     * @return a snapshot, which other processes and this process's pools change at once
     */
    public MemoryInfo memoryInfo() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment free = arena.allocate(ValueLayout.JAVA_LONG);
            MemorySegment total = arena.allocate(ValueLayout.JAVA_LONG);
            checkDriver(cuda_h.cuMemGetInfo_v2(free, total), "cuMemGetInfo");
            return new MemoryInfo(free.get(ValueLayout.JAVA_LONG, 0), total.get(ValueLayout.JAVA_LONG, 0));
        }
    }

    /**
     * Free and total device memory in bytes.
     *
     * @param freeBytes bytes no allocation holds, including those of other processes on the device
     * @param totalBytes the device's global memory
     */
    public record MemoryInfo(long freeBytes, long totalBytes) {}

    /** Waits until all work in this context is done. */
    public void synchronize() {
        checkDriver(cuda_h.cuCtxSynchronize(), "cuCtxSynchronize");
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("context closed");
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        checkDriver(cuda_h.cuDevicePrimaryCtxRelease_v2(device), "cuDevicePrimaryCtxRelease");
    }
}
