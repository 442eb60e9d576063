package dev.lottery.bindings;

import dev.lottery.bindings.CHeader.Kind;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every bound function against the C header it comes from: the symbol is the one the header maps to
 * (cuMemAlloc is really cuMemAlloc_v2), and the return and parameter kinds (pointer, 8/16/32/64-bit integer,
 * float, double) match the FunctionDescriptor and the Java method. A header that is not installed skips
 * that binding with the reason.
 */
class BindingConformanceTest {

    static Map<String, FunctionDescriptor> boundFunctions(Class<?> binding) throws ReflectiveOperationException {
        Map<String, FunctionDescriptor> out = new TreeMap<>();
        for (Method m : binding.getDeclaredMethods()) {
            if (m.getName().endsWith("$descriptor") && Modifier.isPublic(m.getModifiers())) {
                out.put(m.getName().substring(0, m.getName().length() - "$descriptor".length()), (FunctionDescriptor) m.invoke(null));
            }
        }
        return out;
    }

    static Kind kindOf(MemoryLayout layout) {
        if (layout instanceof AddressLayout) return Kind.POINTER;
        if (layout instanceof ValueLayout.OfInt) return Kind.INT32;
        if (layout instanceof ValueLayout.OfLong) return Kind.INT64;
        if (layout instanceof ValueLayout.OfFloat) return Kind.FLOAT;
        if (layout instanceof ValueLayout.OfDouble) return Kind.DOUBLE;
        if (layout instanceof ValueLayout.OfByte) return Kind.INT8;
        if (layout instanceof ValueLayout.OfShort) return Kind.INT16;
        return Kind.STRUCT;
    }

    @TestFactory
    Stream<DynamicTest> cudaDriver() throws Exception { return conformance(cuda_h.class); }

    @TestFactory
    Stream<DynamicTest> nvrtc() throws Exception { return conformance(nvrtc_h.class); }

    @TestFactory
    Stream<DynamicTest> cublas() throws Exception { return conformance(cublas_v2_h.class); }

    @TestFactory
    Stream<DynamicTest> cudnn() throws Exception { return conformance(cudnn_h.class); }

    private Stream<DynamicTest> conformance(Class<?> binding) throws Exception {
        List<String> names = HeaderLocations.HEADERS.get(binding);
        var files = HeaderLocations.find(names);
        Assumptions.assumeTrue(files.isPresent(), () -> "headers " + names + " not installed in " + HeaderLocations.includeDirs()
                + " (set -Dlottery.cuda.include=DIR to check " + binding.getSimpleName() + ")");
        CHeader header = CHeader.read(files.get());
        Map<String, FunctionDescriptor> bound = boundFunctions(binding);
        assertFalse(bound.isEmpty(), "no functions bound in " + binding.getName());
        List<DynamicTest> tests = new ArrayList<>();
        for (var e : bound.entrySet()) {
            String symbol = e.getKey();
            FunctionDescriptor fd = e.getValue();
            tests.add(DynamicTest.dynamicTest(symbol, () -> {
                assertFalse(header.renames.containsKey(symbol), () -> symbol + " is bound, but " + files.get() + " maps it to "
                        + header.renames.get(symbol) + ": bind the mapped symbol instead");
                CHeader.Prototype proto = header.prototype(symbol);
                assertNotNull(proto, () -> symbol + " is not declared in " + files.get());
                List<Kind> expected = proto.params();
                List<Kind> actual = fd.argumentLayouts().stream().map(BindingConformanceTest::kindOf).toList();
                assertEquals(expected, actual, () -> "parameter kinds of " + symbol + " (C: " + proto.text() + ")");
                Kind ret = fd.returnLayout().map(BindingConformanceTest::kindOf).orElse(Kind.VOID);
                assertEquals(proto.returns(), ret, () -> "return kind of " + symbol);
                Method call = javaMethod(binding, symbol);
                assertEquals(expected.size(), call.getParameterCount(), () -> "Java parameters of " + symbol);
            }));
        }
        return tests.stream();
    }

    private static Method javaMethod(Class<?> binding, String symbol) {
        for (Method m : binding.getDeclaredMethods()) {
            if (m.getName().equals(symbol) && Modifier.isStatic(m.getModifiers())) return m;
        }
        throw new AssertionError("no Java method " + symbol + " in " + binding.getSimpleName());
    }

    /** The reader itself, on a header written here, so a reader bug cannot make the real checks vacuous. */
    @Test
    void headerReaderFollowsDefinesConditionsAndTypedefs() {
        CHeader h = new CHeader("""
                #define PTDS(api) api
                #if defined(INTERNAL) || defined(PER_THREAD)
                #define cuCopy PTDS(cuCopy_ptds)
                #else
                #define cuCopy PTDS(cuCopy_v2)
                #endif
                #define cuFree cuFree_v2
                typedef unsigned long long CUdeviceptr_v2;
                typedef CUdeviceptr_v2 CUdeviceptr;
                typedef struct CUstream_st *CUstream;
                typedef enum result_enum { OK = 0, BAD = 1 } CUresult;
                typedef void (CUDA_CB *CUhostFn)(void *userData);
                CUresult CUDAAPI cuCopy(CUdeviceptr dst, const void *src, size_t n, CUstream s);
                CUresult CUDAAPI cuFree(CUdeviceptr p);
                __CUDA_DEPRECATED CUresult CUDAAPI cuOld(unsigned int flags, float f, double d, unsigned char c, CUhostFn fn, const int dims[]);
                #if defined(INTERNAL)
                CUresult CUDAAPI cuFree(unsigned int p);
                #endif
                size_t cuVersion(void);
                """);
        assertEquals(Map.of("cuCopy", "cuCopy_v2", "cuFree", "cuFree_v2"), h.renames);
        assertEquals(List.of(Kind.INT64, Kind.POINTER, Kind.INT64, Kind.POINTER), h.prototype("cuCopy_v2").params());
        assertEquals(List.of(Kind.INT64), h.prototype("cuFree_v2").params());
        assertEquals(List.of(Kind.INT32, Kind.FLOAT, Kind.DOUBLE, Kind.INT8, Kind.POINTER, Kind.POINTER), h.prototype("cuOld").params());
        assertEquals(Kind.INT32, h.prototype("cuOld").returns());
        assertEquals(Kind.INT64, h.prototype("cuVersion").returns());
        assertEquals(List.of(), h.prototype("cuVersion").params());
        assertFalse(h.declares("cuFree"), "declarations in inactive #if blocks must be ignored");
    }

    /** The include-lists are the source of truth for what is bound: every listed function exists in Java and vice versa. */
    @TestFactory
    Stream<DynamicTest> includeListsMatchBindings() {
        Map<String, Class<?>> lists = Map.of("cuda.includes", cuda_h.class, "nvrtc.includes", nvrtc_h.class,
                "cublas_v2.includes", cublas_v2_h.class, "cudnn.includes", cudnn_h.class);
        return lists.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
            Path list = Path.of("jextract", e.getKey());
            List<String> listed = java.nio.file.Files.readAllLines(list).stream()
                    .filter(l -> l.startsWith("--include-function ")).map(l -> l.substring(19).strip()).sorted().toList();
            assertEquals(listed, List.copyOf(boundFunctions(e.getValue()).keySet()), "functions in " + list);
        }));
    }
}
