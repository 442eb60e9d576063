package dev.lottery.bench.gpu;

import dev.lottery.gpu.CudaContext;
import dev.lottery.gpu.DeviceBuffer;
import dev.lottery.gpu.DevicePool;
import dev.lottery.gpu.TransferPurpose;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;
import org.openjdk.jmh.annotations.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

/**
 * Synchronous host-to-device and device-to-host copies of 4 B, 4 KiB and 64 MiB from pageable host memory:
 * ours from an off-heap segment, JCuda's from a Java array (its usual use, through JNI array pinning).
 * Small sizes measure call overhead; 64 MiB measures bandwidth.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class MemcpyBenchmark {
    @Param({"4", "4096", "67108864"})
    public int bytes;

    private CudaContext ctx;
    private DevicePool pool;
    private DeviceBuffer device;
    private Arena arena;
    private MemorySegment host;
    private byte[] jcudaHost;
    private CUdeviceptr jcudaDevice;

    @Setup
    public void setUp() {
        GpuFixture.requireGpu();
        ctx = CudaContext.open(0);
        pool = DevicePool.forContext(ctx);
        device = pool.allocate(bytes);
        arena = Arena.ofConfined();
        host = arena.allocate(bytes, 64);

        JCudaDriver.setExceptionsEnabled(true);
        JCudaDriver.cuInit(0);
        CUdevice dev = new CUdevice();
        JCudaDriver.cuDeviceGet(dev, 0);
        CUcontext jctx = new CUcontext();
        JCudaDriver.cuDevicePrimaryCtxRetain(jctx, dev);
        JCudaDriver.cuCtxSetCurrent(jctx);
        jcudaHost = new byte[bytes];
        jcudaDevice = new CUdeviceptr();
        JCudaDriver.cuMemAlloc(jcudaDevice, bytes);
    }

    @TearDown
    public void tearDown() {
        if (ctx == null) return;
        JCudaDriver.cuMemFree(jcudaDevice);
        device.close();
        pool.close();
        arena.close();
        ctx.close();
    }

    @Benchmark
    public void ffmHostToDevice() {
        device.copyFromHost(host, TransferPurpose.OTHER, null);
    }

    @Benchmark
    public void ffmDeviceToHost() {
        device.copyToHost(host, TransferPurpose.OTHER, null);
    }

    @Benchmark
    public void jcudaHostToDevice() {
        JCudaDriver.cuMemcpyHtoD(jcudaDevice, Pointer.to(jcudaHost), bytes);
    }

    @Benchmark
    public void jcudaDeviceToHost() {
        JCudaDriver.cuMemcpyDtoH(Pointer.to(jcudaHost), jcudaDevice, bytes);
    }
}
