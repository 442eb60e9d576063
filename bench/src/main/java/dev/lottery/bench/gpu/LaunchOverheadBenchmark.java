package dev.lottery.bench.gpu;

import dev.lottery.gpu.CudaContext;
import dev.lottery.gpu.Dim3;
import dev.lottery.gpu.Kernel;
import dev.lottery.gpu.KernelArgs;
import dev.lottery.gpu.Module;
import dev.lottery.gpu.Stream;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;
import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

/**
 * Cost of launching an empty kernel: with a stream sync after each launch (round trip to the GPU) and without
 * (the host-side enqueue cost; a sync every 1024 launches keeps the queue from filling up and blocking).
 * Our FFM runtime against JCuda (JNI) on the same cubin, the same device and the same kind of stream.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class LaunchOverheadBenchmark {
    private static final Dim3 ONE = Dim3.of(1);

    private CudaContext ctx;
    private Stream stream;
    private Module module;
    private Kernel noop;
    private KernelArgs noArgs;
    private CUfunction jcudaNoop;
    private CUstream jcudaStream;
    private int pending;

    @Setup
    public void setUp() {
        GpuFixture.requireGpu();
        ctx = CudaContext.open(0);
        stream = Stream.create(ctx);
        byte[] cubin = GpuFixture.noopCubin(ctx);
        module = Module.load(cubin);
        noop = module.kernel("noop");
        noArgs = new KernelArgs();

        JCudaDriver.setExceptionsEnabled(true);
        JCudaDriver.cuInit(0);
        CUdevice dev = new CUdevice();
        JCudaDriver.cuDeviceGet(dev, 0);
        CUcontext jctx = new CUcontext();
        JCudaDriver.cuDevicePrimaryCtxRetain(jctx, dev);
        JCudaDriver.cuCtxSetCurrent(jctx);
        CUmodule jmod = new CUmodule();
        JCudaDriver.cuModuleLoadData(jmod, cubin);
        jcudaNoop = new CUfunction();
        JCudaDriver.cuModuleGetFunction(jcudaNoop, jmod, "noop");
        jcudaStream = new CUstream();
        JCudaDriver.cuStreamCreate(jcudaStream, jcuda.driver.CUstream_flags.CU_STREAM_NON_BLOCKING);
    }

    @TearDown
    public void tearDown() {
        if (ctx == null) return;
        stream.synchronize();
        JCudaDriver.cuStreamSynchronize(jcudaStream);
        noArgs.close();
        module.close();
        stream.close();
        ctx.close();
    }

    @Benchmark
    public void ffmLaunchAndSync() {
        noop.launch(ONE, ONE, 0, stream, noArgs);
        stream.synchronize();
    }

    @Benchmark
    public void ffmLaunchOnly() {
        noop.launch(ONE, ONE, 0, stream, noArgs);
        if (++pending == 1024) {
            pending = 0;
            stream.synchronize();
        }
    }

    @Benchmark
    public void jcudaLaunchAndSync() {
        JCudaDriver.cuLaunchKernel(jcudaNoop, 1, 1, 1, 1, 1, 1, 0, jcudaStream, new Pointer(), null);
        JCudaDriver.cuStreamSynchronize(jcudaStream);
    }

    @Benchmark
    public void jcudaLaunchOnly() {
        JCudaDriver.cuLaunchKernel(jcudaNoop, 1, 1, 1, 1, 1, 1, 0, jcudaStream, new Pointer(), null);
        if (++pending == 1024) {
            pending = 0;
            JCudaDriver.cuStreamSynchronize(jcudaStream);
        }
    }
}
