package dev.lottery.gpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * Packs kernel arguments the way cuLaunchKernel wants them: each value in its own properly aligned slot,
 * and a {@code void*[]} of pointers to the slots. The driver copies the values at launch, so one KernelArgs
 * can be relaunched, changed with {@code set*} and launched again. Owns a confined arena: use and close it
 * on one thread.
 */
public final class KernelArgs implements AutoCloseable {
    private final Arena arena = Arena.ofConfined();
    private final List<MemorySegment> slots = new ArrayList<>();

    /** An empty argument list; add the arguments in the kernel's order. */
    public KernelArgs() {}
    private MemorySegment array;

    /**
     * Adds a pointer to {@code buffer}'s first byte, for a {@code T*} parameter.
     *
     * @param buffer an open buffer; only its address is taken, so it must stay open until the kernel has run
     * @return this, for chaining
     * @throws IllegalStateException if the arguments were already packed by {@link #kernelParams()}
     */
    public KernelArgs ptr(DeviceBuffer buffer) { return ptr(buffer.address()); }

    /**
     * A device pointer (CUdeviceptr, 64 bits).
     *
     * @param address a device address, e.g. a buffer's address plus a byte offset
     * @return this, for chaining
     * @throws IllegalStateException if the arguments were already packed by {@link #kernelParams()}
     */
    public KernelArgs ptr(long address) { return add(ValueLayout.JAVA_LONG, s -> s.set(ValueLayout.JAVA_LONG, 0, address)); }

    /**
     * Adds an {@code int} (or {@code unsigned}) parameter.
     *
     * @param value the 32-bit value, its bits passed as they are
     * @return this, for chaining
     * @throws IllegalStateException if the arguments were already packed by {@link #kernelParams()}
     */
    public KernelArgs i32(int value) { return add(ValueLayout.JAVA_INT, s -> s.set(ValueLayout.JAVA_INT, 0, value)); }

    /**
     * Adds a {@code long long} (or {@code size_t}) parameter.
     *
     * @param value the 64-bit value, its bits passed as they are
     * @return this, for chaining
     * @throws IllegalStateException if the arguments were already packed by {@link #kernelParams()}
     */
    public KernelArgs i64(long value) { return add(ValueLayout.JAVA_LONG, s -> s.set(ValueLayout.JAVA_LONG, 0, value)); }

    /**
     * Adds a {@code float} parameter.
     *
     * @param value the value, passed bit for bit (NaN payloads included)
     * @return this, for chaining
     * @throws IllegalStateException if the arguments were already packed by {@link #kernelParams()}
     */
    public KernelArgs f32(float value) { return add(ValueLayout.JAVA_FLOAT, s -> s.set(ValueLayout.JAVA_FLOAT, 0, value)); }

    /**
     * Adds a {@code double} parameter.
     *
     * @param value the value, passed bit for bit
     * @return this, for chaining
     * @throws IllegalStateException if the arguments were already packed by {@link #kernelParams()}
     */
    public KernelArgs f64(double value) { return add(ValueLayout.JAVA_DOUBLE, s -> s.set(ValueLayout.JAVA_DOUBLE, 0, value)); }

    /**
     * Replaces a {@code float} argument before a relaunch.
     *
     * @param index the argument's position, from 0, in the order it was added
     * @param value the new value
     * @throws IllegalArgumentException if that argument is not 4 bytes wide
     * @throws IndexOutOfBoundsException if there is no argument {@code index}
     */
    public void setF32(int index, float value) { slot(index, 4).set(ValueLayout.JAVA_FLOAT, 0, value); }

    /**
     * Replaces a 32-bit integer argument before a relaunch.
     *
     * @param index the argument's position, from 0, in the order it was added
     * @param value the new value
     * @throws IllegalArgumentException if that argument is not 4 bytes wide
     * @throws IndexOutOfBoundsException if there is no argument {@code index}
     */
    public void setI32(int index, int value) { slot(index, 4).set(ValueLayout.JAVA_INT, 0, value); }

    /**
     * Replaces a 64-bit integer argument before a relaunch.
     *
     * @param index the argument's position, from 0, in the order it was added
     * @param value the new value
     * @throws IllegalArgumentException if that argument is not 8 bytes wide
     * @throws IndexOutOfBoundsException if there is no argument {@code index}
     */
    public void setI64(int index, long value) { slot(index, 8).set(ValueLayout.JAVA_LONG, 0, value); }

    /**
     * Replaces a pointer argument before a relaunch, e.g. to run the same kernel on another buffer.
     *
     * @param index the argument's position, from 0, in the order it was added
     * @param address the new device address
     * @throws IllegalArgumentException if that argument is not 8 bytes wide
     * @throws IndexOutOfBoundsException if there is no argument {@code index}
     */
    public void setPtr(int index, long address) { setI64(index, address); }

    /**
     * The number of arguments added.
     *
     * @return the count, which must equal the kernel's parameter count at launch (the driver does not check it)
     */
    public int count() { return slots.size(); }

    /**
     * The {@code void**} for cuLaunchKernel's kernelParams. No arguments are added after this is taken.
     *
     * @return the pointer array, in this object's arena: valid until {@link #close()}; later {@code set*} calls
     *     change what it points to
     */
    public MemorySegment kernelParams() {
        if (array == null) {
            array = arena.allocate(ValueLayout.ADDRESS, Math.max(1, slots.size()));
            for (int i = 0; i < slots.size(); i++) array.setAtIndex(ValueLayout.ADDRESS, i, slots.get(i));
        }
        return array;
    }

    private KernelArgs add(ValueLayout layout, java.util.function.Consumer<MemorySegment> write) {
        if (array != null) throw new IllegalStateException("arguments already packed for launch");
        MemorySegment s = arena.allocate(layout);
        write.accept(s);
        slots.add(s);
        return this;
    }

    private MemorySegment slot(int index, long size) {
        MemorySegment s = slots.get(index);
        if (s.byteSize() != size) throw new IllegalArgumentException("argument " + index + " is " + s.byteSize() + " bytes, not " + size);
        return s;
    }

    @Override
    public void close() {
        arena.close();
    }
}
