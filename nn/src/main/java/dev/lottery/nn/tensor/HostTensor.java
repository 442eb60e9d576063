package dev.lottery.nn.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * The CPU backend's tensor: float32 in an off-heap, 64-byte aligned {@link MemorySegment}, row-major with explicit shape and
 * strides (in elements). The tensor owns its memory through a shared arena (several GEMM threads read it)
 * and frees it on {@link #close()}.
 */
public final class HostTensor implements Tensor {
    /** Byte alignment of every host tensor (a cache line, and the widest vector). */
    public static final long ALIGNMENT = 64;
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private final String name;
    private final int[] shape;
    private final long[] strides;
    private final long size;
    private final Arena arena;
    private final MemorySegment segment;

    private HostTensor(String name, int[] shape) {
        this.name = name;
        this.shape = shape.clone();
        this.strides = stridesOf(shape);
        this.size = sizeOf(shape);
        this.arena = Arena.ofShared();
        this.segment = arena.allocate(Math.max(1, size) * Float.BYTES, ALIGNMENT); // zero-filled by the arena
    }

    /**
     * A tensor over {@code segment}: owned through {@code arena} (closed with the tensor), or, with a null arena, a view
     * of memory another tensor owns.
     */
    private HostTensor(String name, int[] shape, MemorySegment segment, Arena arena) {
        this.name = name;
        this.shape = shape.clone();
        this.strides = stridesOf(shape);
        this.size = sizeOf(shape);
        this.arena = arena;
        this.segment = segment;
    }

    static long[] stridesOf(int[] shape) {
        long[] strides = new long[shape.length];
        long s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] < 0) throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            strides[i] = s;
            s *= shape[i];
        }
        return strides;
    }

    static long sizeOf(int[] shape) {
        long s = 1;
        for (int d : shape) s *= d;
        return s;
    }

    /** The shape of one entry along dimension 0, checking the index. */
    static int[] sliceShape(String name, int[] shape, int index) {
        if (shape.length == 0 || index < 0 || index >= shape[0]) {
            throw new IndexOutOfBoundsException("slice " + index + " of " + name + " " + Arrays.toString(shape));
        }
        return Arrays.copyOfRange(shape, 1, shape.length);
    }

    /**
     * A tensor over {@code values} as they are (no copy), e.g. a memory-mapped data set. The tensor owns {@code arena},
     * which must own {@code values} and be shared (the GEMM workers read tensors), and closes it when it is closed.
     *
     * @param name the tensor's name, for messages
     * @param values the float32 values in row-major order, exactly {@code 4 × product(shape)} bytes; read and written
     *               in place through the tensor
     * @param arena the shared arena that owns {@code values}; the tensor takes it over and closes it
     * @param shape the dimensions, each 0 or more
     * @return a tensor that owns {@code arena}; the caller closes the tensor, not the arena
     * @throws IllegalArgumentException if the byte size of {@code values} does not match {@code shape}, or a
     *                                  dimension is negative
     */
    public static HostTensor adopt(String name, MemorySegment values, Arena arena, int... shape) {
        if (values.byteSize() != sizeOf(shape) * Float.BYTES) {
            throw new IllegalArgumentException(name + ": " + values.byteSize() + " bytes for shape " + Arrays.toString(shape));
        }
        return new HostTensor(name, shape, values, arena);
    }

    /**
     * A new zero-filled tensor.
     *
     * @param name the tensor's name, for messages
     * @param shape the dimensions, each 0 or more; none for a scalar
     * @return a tensor in fresh 64-byte aligned memory, owned by the caller, who closes it
     * @throws IllegalArgumentException if a dimension is negative
     */
    public static HostTensor zeros(String name, int... shape) {
        return new HostTensor(name, shape);
    }

    /**
     * A new tensor holding a copy of {@code values} (length must equal the product of {@code shape}).
     *
     * @param name the tensor's name, for messages
     * @param values the values in row-major order; copied, so later changes to the array do not reach the tensor
     * @param shape the dimensions, each 0 or more; none for a scalar
     * @return a tensor in fresh 64-byte aligned memory, owned by the caller, who closes it
     * @throws IllegalArgumentException if the length does not match {@code shape}, or a dimension is negative
     */
    public static HostTensor of(String name, float[] values, int... shape) {
        HostTensor t = new HostTensor(name, shape);
        if (values.length != t.size) {
            t.close();
            throw new IllegalArgumentException(name + ": " + values.length + " values for shape " + Arrays.toString(shape));
        }
        MemorySegment.copy(values, 0, t.segment, F32, 0, values.length);
        return t;
    }

    @Override public String name() { return name; }
    @Override public int[] shape() { return shape.clone(); }
    @Override public int dim(int i) { return shape[i]; }
    @Override public int rank() { return shape.length; }
    @Override public long[] strides() { return strides.clone(); }
    @Override public long size() { return size; }

    /**
     * The off-heap memory holding the values.
     *
     * @return the tensor's own segment (not a copy), float32 in row-major order; valid until the tensor that owns
     *         the memory is closed
     */
    public MemorySegment segment() { return segment; }

    @Override
    public HostTensor slice(int index) {
        int[] entry = sliceShape(name, shape, index);
        long bytes = sizeOf(entry) * Float.BYTES;
        return new HostTensor(name + "[" + index + "]", entry, segment.asSlice(index * bytes, bytes), null);
    }

    /**
     * Element {@code index} in row-major order.
     *
     * @param index the flat index, 0 to {@code size() - 1}
     * @return the value
     * @throws IndexOutOfBoundsException if {@code index} lies outside the tensor's memory
     */
    public float get(long index) { return segment.getAtIndex(F32, index); }

    /**
     * Sets element {@code index} in row-major order to {@code v}.
     *
     * @param index the flat index, 0 to {@code size() - 1}
     * @param v the new value
     * @throws IndexOutOfBoundsException if {@code index} lies outside the tensor's memory
     */
    public void set(long index, float v) { segment.setAtIndex(F32, index, v); }

    /** Copies all values to a new heap array (for snapshots and tests). */
    @Override
    public float[] toArray() {
        float[] out = new float[Math.toIntExact(size)];
        MemorySegment.copy(segment, F32, 0, out, 0, out.length);
        return out;
    }

    /** Overwrites all values from {@code values}. */
    @Override
    public void copyFrom(float[] values) {
        if (values.length != size) throw new IllegalArgumentException(name + ": size " + size + " != " + values.length);
        MemorySegment.copy(values, 0, segment, F32, 0, values.length);
    }

    /**
     * Overwrites all values with those of {@code other} (of the same size).
     *
     * @param other the source; only its size must match, not its shape; not modified
     * @throws IllegalArgumentException if the sizes differ
     */
    public void copyFrom(HostTensor other) {
        if (other.size != size) throw new IllegalArgumentException(name + ": size " + size + " != " + other.size);
        MemorySegment.copy(other.segment, 0, segment, 0, size * Float.BYTES);
    }

    /**
     * Sets every element to {@code v}.
     *
     * @param v the value; 0 and −0 both clear the memory in one pass, leaving +0
     */
    public void fill(float v) {
        if (v == 0f) segment.fill((byte) 0);
        else for (long i = 0; i < size; i++) segment.setAtIndex(F32, i, v);
    }

    @Override
    public void close() {
        if (arena != null) arena.close();
    }

    @Override
    public String toString() {
        return "HostTensor[" + name + " " + Arrays.toString(shape) + "]";
    }
}
