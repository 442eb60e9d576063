package dev.lottery.gpu;

import dev.lottery.bindings.NativeLibraries;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** The runtime on a real GPU. Skips, with the probe's reason, where there is none. */
@RequiresGpu
class GpuRuntimeGpuTest {
    static CudaContext ctx;
    static Stream stream;
    static DevicePool pool;
    static KernelCompiler compiler;
    @TempDir
    static Path cacheDir;

    @BeforeAll
    static void open() {
        CudaAvailability a = CudaContext.isAvailable();
        if (!a.usable()) return;
        ctx = CudaContext.open(0);
        stream = Stream.create(ctx);
        pool = DevicePool.forContext(ctx);
        compiler = new KernelCompiler(new KernelCache(cacheDir));
        System.out.println("GPU: " + ctx.deviceName() + " sm_" + ctx.computeCapability() + ", " + a.reason()
                + "; NVRTC " + KernelCompiler.nvrtcVersion());
    }

    @AfterAll
    static void close() {
        if (ctx == null) return;
        pool.close();
        stream.close();
        ctx.close();
        for (NativeLibraries lib : NativeLibraries.values()) System.out.println(lib + ": " + lib.origin().orElse("(not loaded)"));
    }

    static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian();
        return x;
    }

    static DeviceBuffer upload(float[] x, Arena arena) {
        DeviceBuffer b = pool.allocate((long) x.length * Float.BYTES);
        b.copyFromHost(arena.allocateFrom(ValueLayout.JAVA_FLOAT, x), TransferPurpose.OTHER, null);
        return b;
    }

    static float[] download(DeviceBuffer b, Arena arena) {
        stream.synchronize();
        MemorySegment host = arena.allocate(b.byteSize(), 64);
        b.copyToHost(host, TransferPurpose.OTHER, null);
        return host.toArray(ValueLayout.JAVA_FLOAT);
    }

    static void assertClose(float[] expected, float[] actual, float tolerance, String what) {
        assertEquals(expected.length, actual.length, what + " length");
        for (int i = 0; i < expected.length; i++) {
            float tol = tolerance * Math.max(1f, Math.abs(expected[i]));
            if (Math.abs(expected[i] - actual[i]) > tol) fail(what + "[" + i + "]: expected " + expected[i] + " got " + actual[i]);
        }
    }

    @Test
    void vectorAddAndTransferCounters() {
        int n = 1_000_003;
        float[] a = random(n, 1), b = random(n, 2);
        var before = ctx.transfers().snapshot();
        try (Arena arena = Arena.ofConfined(); Module m = Module.compile(ctx, compiler, KernelSource.builtin("vector_add.cu"), false);
             DeviceBuffer da = upload(a, arena); DeviceBuffer db = upload(b, arena); DeviceBuffer dc = pool.allocate(4L * n);
             KernelArgs args = new KernelArgs().ptr(da).ptr(db).ptr(dc).i32(n)) {
            m.kernel("vector_add").launch(Dim3.covering(n, 256), Dim3.of(256), 0, stream, args);
            float[] c = download(dc, arena);
            for (int i = 0; i < n; i++) assertEquals(a[i] + b[i], c[i], "c[" + i + "]");
        }
        var moved = ctx.transfers().snapshot().minus(before);
        assertEquals(8L * n, moved.bytes(TransferDirection.HOST_TO_DEVICE, TransferPurpose.OTHER));
        assertEquals(4L * n, moved.bytes(TransferDirection.DEVICE_TO_HOST, TransferPurpose.OTHER));
    }

    @Test
    void secondCompileComesFromTheDiskCache() {
        KernelSource src = KernelSource.builtin("fill.cu");
        CompileOptions opts = CompileOptions.forArchitecture(ctx.computeCapability());
        byte[] first = compiler.compile(src, opts);
        String key = KernelCache.key(src, opts, KernelCompiler.nvrtcVersion());
        assertArrayEquals(first, new KernelCache(cacheDir).get(key).orElseThrow());
        assertArrayEquals(first, compiler.compile(src, opts));
    }

    @Test
    void compileErrorCarriesTheLog() {
        var e = assertThrows(CudaException.class, () -> KernelCompiler.compileUncached(
                new KernelSource("broken.cu", "extern \"C\" __global__ void k() { undeclared_thing = 1; }"), CompileOptions.forArchitecture(ctx.computeCapability())));
        assertEquals(CudaException.Api.NVRTC, e.api());
        assertEquals("NVRTC_ERROR_COMPILATION", e.errorName());
        assertTrue(e.log().contains("undeclared_thing"), e.log());
    }

    @Test
    void badLaunchIsAClearCudaException() {
        try (Module m = Module.compile(ctx, compiler, KernelSource.builtin("fill.cu"), true); KernelArgs args = new KernelArgs()) {
            var e = assertThrows(CudaException.class, () -> m.kernel("noop").launch(Dim3.of(1), Dim3.of(4096), 0, stream, args));
            assertEquals("CUDA_ERROR_INVALID_VALUE", e.errorName(), e.getMessage());
            assertTrue(e.getMessage().startsWith("cuLaunchKernel(noop) failed: CUDA_ERROR_INVALID_VALUE"), e.getMessage());
            var missing = assertThrows(CudaException.class, () -> m.kernel("no_such_kernel"));
            assertEquals("CUDA_ERROR_NOT_FOUND", missing.errorName());
        }
        stream.synchronize(); // the context is still healthy
    }

    @Test
    void sgemmAndStridedBatchedMatchTheCpu() {
        try (Arena arena = Arena.ofConfined(); Blas blas = Blas.create(stream)) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    RowMajorGemm g = new RowMajorGemm(ta, tb, 37, 29, 53);
                    float[] a = random((int) g.aElements(), 3), b = random((int) g.bElements(), 4);
                    try (DeviceBuffer da = upload(a, arena); DeviceBuffer db = upload(b, arena); DeviceBuffer dc = pool.allocate(4 * g.cElements())) {
                        blas.sgemm(g, 1f, da, db, 0f, dc);
                        assertClose(RowMajorGemmTest.rowMajor(g, a, b), download(dc, arena), 1e-4f, "sgemm ta=" + ta + " tb=" + tb);
                    }
                }
            }
            RowMajorGemm g = new RowMajorGemm(false, true, 16, 8, 24);
            int batch = 5;
            float[] a = random((int) g.aElements() * batch, 5), b = random((int) g.bElements() * batch, 6);
            try (DeviceBuffer da = upload(a, arena); DeviceBuffer db = upload(b, arena); DeviceBuffer dc = pool.allocate(4 * g.cElements() * batch)) {
                blas.sgemmStridedBatched(g, batch, 1f, da, db, 0f, dc);
                float[] c = download(dc, arena);
                for (int i = 0; i < batch; i++) {
                    float[] ai = java.util.Arrays.copyOfRange(a, (int) (i * g.aElements()), (int) ((i + 1) * g.aElements()));
                    float[] bi = java.util.Arrays.copyOfRange(b, (int) (i * g.bElements()), (int) ((i + 1) * g.bElements()));
                    float[] ci = java.util.Arrays.copyOfRange(c, (int) (i * g.cElements()), (int) ((i + 1) * g.cElements()));
                    assertClose(RowMajorGemmTest.rowMajor(g, ai, bi), ci, 1e-4f, "batch " + i);
                }
                blas.sscal((int) g.cElements() * batch, 2f, dc);
                blas.saxpy((int) g.cElements() * batch, -1f, dc, dc); // 2c - 2c = 0
                for (float v : download(dc, arena)) assertEquals(0f, v);
            }
        }
    }

    /** Direct cross-correlation, NCHW / KCRS, square padding and stride. */
    static float[] conv2d(float[] x, int n, int c, int h, int w, float[] f, int k, int r, int pad, int stride, int p, int q) {
        float[] y = new float[n * k * p * q];
        for (int in = 0; in < n; in++) for (int ik = 0; ik < k; ik++) for (int ip = 0; ip < p; ip++) for (int iq = 0; iq < q; iq++) {
            double s = 0;
            for (int ic = 0; ic < c; ic++) for (int ir = 0; ir < r; ir++) for (int is = 0; is < r; is++) {
                int hh = ip * stride - pad + ir, ww = iq * stride - pad + is;
                if (hh < 0 || hh >= h || ww < 0 || ww >= w) continue;
                s += x[((in * c + ic) * h + hh) * w + ww] * f[((ik * c + ic) * r + ir) * r + is];
            }
            y[((in * k + ik) * p + ip) * q + iq] = (float) s;
        }
        return y;
    }

    @Test
    void convolutionForwardAndBackwardMatchDirectCpuConvolution() {
        int n = 2, c = 3, h = 9, w = 8, k = 4, r = 3, pad = 1, stride = 2;
        float[] x = random(n * c * h * w, 7), f = random(k * c * r * r, 8);
        try (Arena arena = Arena.ofConfined(); Dnn dnn = Dnn.create(stream); DnnTensor xd = DnnTensor.nchw(n, c, h, w); DnnFilter fd = DnnFilter.kcrs(k, c, r, r)) {
            int[] out = DnnConvolution.outputDims(xd, fd, pad, stride, 1);
            int p = (h + 2 * pad - r) / stride + 1, q = (w + 2 * pad - r) / stride + 1;
            assertArrayEquals(new int[] {n, k, p, q}, out);
            try (DnnTensor yd = DnnTensor.nchw(n, k, p, q); DnnConvolution conv = DnnConvolution.plan(dnn, pool, xd, fd, yd, pad, stride, 1);
                 DeviceBuffer dx = upload(x, arena); DeviceBuffer df = upload(f, arena); DeviceBuffer dy = pool.allocate(4L * n * k * p * q)) {
                conv.forward(dx, df, dy);
                float[] expected = conv2d(x, n, c, h, w, f, k, r, pad, stride, p, q);
                assertClose(expected, download(dy, arena), 1e-4f, "forward");

                // Backward by finite differences of L = sum(y * g): dL/dx and dL/dw for a fixed g.
                float[] g = random(n * k * p * q, 9);
                try (DeviceBuffer dg = upload(g, arena); DeviceBuffer gradX = pool.allocate(4L * x.length); DeviceBuffer gradW = pool.allocate(4L * f.length)) {
                    conv.backwardData(df, dg, gradX);
                    conv.backwardFilter(dx, dg, 0f, gradW);
                    float[] gx = download(gradX, arena), gw = download(gradW, arena);
                    float[] ex = new float[x.length], ew = new float[f.length];
                    // L is linear in x and in w, so the gradient is exact: dL/dx[i] = L(e_i) with w fixed.
                    for (int i = 0; i < x.length; i++) {
                        float[] e = new float[x.length];
                        e[i] = 1;
                        ex[i] = dot(conv2d(e, n, c, h, w, f, k, r, pad, stride, p, q), g);
                    }
                    for (int i = 0; i < f.length; i++) {
                        float[] e = new float[f.length];
                        e[i] = 1;
                        ew[i] = dot(conv2d(x, n, c, h, w, e, k, r, pad, stride, p, q), g);
                    }
                    assertClose(ex, gx, 1e-4f, "backward data");
                    assertClose(ew, gw, 1e-4f, "backward filter");
                }
            }
        }
    }

    static float dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
        return (float) s;
    }

    @Test
    void maxPoolingForwardAndBackward() {
        int n = 1, c = 2, h = 4, w = 4;
        float[] x = random(n * c * h * w, 10);
        try (Arena arena = Arena.ofConfined(); Dnn dnn = Dnn.create(stream); DnnPooling pool2 = DnnPooling.max2d(2, 0, 2);
             DnnTensor xd = DnnTensor.nchw(n, c, h, w); DnnTensor yd = DnnTensor.nchw(n, c, 2, 2);
             DeviceBuffer dx = upload(x, arena); DeviceBuffer dy = pool.allocate(4L * n * c * 4)) {
            dnn.poolingForward(pool2, xd, dx, yd, dy);
            float[] y = download(dy, arena);
            float[] expectedGrad = new float[x.length];
            for (int ic = 0; ic < c; ic++) for (int i = 0; i < 2; i++) for (int j = 0; j < 2; j++) {
                int best = -1;
                for (int a = 0; a < 2; a++) for (int b = 0; b < 2; b++) {
                    int idx = (ic * h + 2 * i + a) * w + 2 * j + b;
                    if (best < 0 || x[idx] > x[best]) best = idx;
                }
                assertEquals(x[best], y[(ic * 2 + i) * 2 + j], "max of window");
                expectedGrad[best] = 1f;
            }
            float[] ones = new float[y.length];
            java.util.Arrays.fill(ones, 1f);
            try (DeviceBuffer gy = upload(ones, arena); DeviceBuffer gx = pool.allocate(4L * x.length)) {
                dnn.poolingBackward(pool2, yd, dy, gy, xd, dx, gx);
                assertArrayEquals(expectedGrad, download(gx, arena), "gradient routed to the max");
            }
        }
    }

    @Test
    void graphCaptureReplayAndUpdate() {
        int n = 4096;
        try (Arena arena = Arena.ofConfined(); Module m = Module.compile(ctx, compiler, KernelSource.builtin("vector_add.cu"), false);
             DeviceBuffer d = upload(new float[n], arena)) {
            Kernel k = m.kernel("scale_shift");
            try (KernelArgs args = new KernelArgs().ptr(d).f32(1f).f32(1f).i64(n);
                 Graph g = Graph.capture(stream, () -> k.launch(Dim3.covering(n, 256), Dim3.of(256), 0, stream, args));
                 Graph.Exec exec = g.instantiate()) {
                for (int i = 0; i < 10; i++) exec.launch(stream);
                for (float v : download(d, arena)) assertEquals(10f, v, "ten replays of x+1");
                args.setF32(1, 2f);
                args.setF32(2, 0f);
                try (Graph doubled = Graph.capture(stream, () -> k.launch(Dim3.covering(n, 256), Dim3.of(256), 0, stream, args))) {
                    assertTrue(exec.update(doubled), "same topology, new scalars");
                }
                exec.launch(stream);
                for (float v : download(d, arena)) assertEquals(20f, v, "updated graph doubles");
            }
        }
    }

    @Test
    void millionPooledBuffersAndTenThousandDriverAllocationsDoNotLeak() {
        ctx.synchronize();
        long freeBefore = ctx.memoryInfo().freeBytes();
        try (DevicePool local = DevicePool.forContext(ctx)) {
            for (int i = 0; i < 1_000_000; i++) local.allocate(256L << (i % 8)).close();
            assertEquals(8, local.stats().driverAllocations(), "one block per size class");
        }
        DriverAllocator direct = new DriverAllocator();
        for (int i = 0; i < 10_000; i++) direct.free(direct.allocate(1 << 20));
        ctx.synchronize();
        long freeAfter = ctx.memoryInfo().freeBytes();
        assertTrue(Math.abs(freeBefore - freeAfter) <= (8L << 20), "free memory before " + freeBefore + ", after " + freeAfter);
    }

    @Test
    void eventsTimeGpuWork() {
        try (Event start = Event.create(); Event end = Event.create(); DeviceBuffer d = pool.allocate(64L << 20)) {
            start.record(stream);
            d.fillInts(Float.floatToRawIntBits(1f), stream);
            end.record(stream);
            float ms = Event.elapsedMillis(start, end);
            assertTrue(ms > 0 && ms < 10_000, "elapsed " + ms + " ms");
        }
    }
}
