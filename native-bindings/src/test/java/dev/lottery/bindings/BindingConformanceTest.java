package dev.lottery.bindings;

import dev.lottery.bindings.CHeader.Kind;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
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
 * float, double) match the Java method jextract generated. Where the library itself can be loaded, the
 * FunctionDescriptor is checked against that method too (asking for a descriptor looks the symbol up, so it needs
 * the library). A header that is not installed skips that binding with the reason.
 */
class BindingConformanceTest {
    static final Map<Class<?>, NativeLibraries> LIBRARY = Map.of(
            cuda_h.class, NativeLibraries.CUDA, nvrtc_h.class, NativeLibraries.NVRTC,
            cublas_v2_h.class, NativeLibraries.CUBLAS, cudnn_h.class, NativeLibraries.CUDNN);

    /** Symbol -> the static method that calls it: jextract gives each bound function a {@code NAME$descriptor()}. */
    static Map<String, Method> boundFunctions(Class<?> binding) {
        Map<String, Method> out = new TreeMap<>();
        for (Method m : binding.getDeclaredMethods()) {
            if (m.getName().endsWith("$descriptor") && Modifier.isPublic(m.getModifiers())) {
                String symbol = m.getName().substring(0, m.getName().length() - "$descriptor".length());
                out.put(symbol, javaMethod(binding, symbol));
            }
        }
        return out;
    }

    /** The ABI kind of a downcall's Java carrier type (a struct passed by value would also be a MemorySegment). */
    static Kind kindOf(Class<?> carrier) {
        if (carrier == MemorySegment.class) return Kind.POINTER;
        if (carrier == int.class) return Kind.INT32;
        if (carrier == long.class) return Kind.INT64;
        if (carrier == float.class) return Kind.FLOAT;
        if (carrier == double.class) return Kind.DOUBLE;
        if (carrier == byte.class) return Kind.INT8;
        if (carrier == short.class) return Kind.INT16;
        if (carrier == void.class) return Kind.VOID;
        throw new AssertionError("unexpected carrier " + carrier);
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
        Map<String, Method> bound = boundFunctions(binding);
        assertFalse(bound.isEmpty(), "no functions bound in " + binding.getName());
        boolean libraryLoads = LIBRARY.get(binding).tryLoad().isPresent();
        List<DynamicTest> tests = new ArrayList<>();
        for (var e : bound.entrySet()) {
            String symbol = e.getKey();
            Method call = e.getValue();
            tests.add(DynamicTest.dynamicTest(symbol, () -> {
                assertFalse(header.renames.containsKey(symbol), () -> symbol + " is bound, but " + files.get() + " maps it to "
                        + header.renames.get(symbol) + ": bind the mapped symbol instead");
                CHeader.Prototype proto = header.prototype(symbol);
                assertNotNull(proto, () -> symbol + " is not declared in " + files.get());
                List<Kind> actual = Stream.of(call.getParameterTypes()).map(BindingConformanceTest::kindOf).toList();
                assertEquals(proto.params(), actual, () -> "parameter kinds of " + symbol + " (C: " + proto.text() + ")");
                assertEquals(proto.returns(), kindOf(call.getReturnType()), () -> "return kind of " + symbol);
                if (libraryLoads) {
                    FunctionDescriptor fd = (FunctionDescriptor) binding.getMethod(symbol + "$descriptor").invoke(null);
                    assertEquals(MethodType.methodType(call.getReturnType(), call.getParameterTypes()), fd.toMethodType(),
                            () -> "descriptor of " + symbol);
                }
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

    /** The jextract arguments are the source of truth for what is bound: every listed function exists in Java and vice versa. */
    @TestFactory
    Stream<DynamicTest> includeListsMatchBindings() {
        return LIBRARY.keySet().stream().map(binding -> DynamicTest.dynamicTest(binding.getSimpleName(), () -> {
            Path list = Path.of("jextract", binding.getSimpleName() + ".args");
            List<String> listed = Files.readAllLines(list).stream()
                    .filter(l -> l.startsWith("--include-function ")).map(l -> l.substring(19).strip()).sorted().toList();
            assertEquals(listed, List.copyOf(boundFunctions(binding).keySet()), "functions in " + list);
        }));
    }
}
