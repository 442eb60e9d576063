package dev.lottery.gpu;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.*;

class KernelArgsTest {
    private static MemorySegment slot(MemorySegment params, int i, long size) {
        MemorySegment p = params.getAtIndex(ValueLayout.ADDRESS, i).reinterpret(size);
        assertEquals(0, p.address() % size, "argument " + i + " aligned to its size");
        return p;
    }

    @Test
    void packsEachValueInItsOwnSlotAndAnArrayOfPointersToThem() {
        try (KernelArgs args = new KernelArgs().ptr(0xDEADBEEF00L).i32(-7).f32(2.5f).i64(1L << 40).f64(0.125)) {
            assertEquals(5, args.count());
            MemorySegment params = args.kernelParams().reinterpret(5 * ValueLayout.ADDRESS.byteSize());
            assertEquals(0xDEADBEEF00L, slot(params, 0, 8).get(ValueLayout.JAVA_LONG, 0));
            assertEquals(-7, slot(params, 1, 4).get(ValueLayout.JAVA_INT, 0));
            assertEquals(2.5f, slot(params, 2, 4).get(ValueLayout.JAVA_FLOAT, 0));
            assertEquals(1L << 40, slot(params, 3, 8).get(ValueLayout.JAVA_LONG, 0));
            assertEquals(0.125, slot(params, 4, 8).get(ValueLayout.JAVA_DOUBLE, 0));
            assertSame(args.kernelParams(), args.kernelParams(), "packed once");
            args.setF32(2, -1f);
            args.setI32(1, 42);
            assertEquals(-1f, slot(params, 2, 4).get(ValueLayout.JAVA_FLOAT, 0));
            assertEquals(42, slot(params, 1, 4).get(ValueLayout.JAVA_INT, 0));
            assertThrows(IllegalArgumentException.class, () -> args.setI64(1, 5), "wrong width");
            assertThrows(IllegalStateException.class, () -> args.i32(1), "no additions after packing");
        }
    }

    @Test
    void dim3CoversAllElements() {
        assertEquals(4, Dim3.covering(1000, 256).x());
        assertEquals(1, Dim3.covering(0, 256).x());
        assertThrows(IllegalArgumentException.class, () -> new Dim3(0, 1, 1));
    }
}
