package dev.lottery.nn.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * An array read from a .npy file: its shape (C order), dtype and the raw little-endian element bytes.
 * Use the accessor that matches the dtype ({@link #floats()}, {@link #bytes()}, {@link #booleans()}).
 *
 * @param shape the size of each dimension, C order; empty for a scalar; copied in and out
 * @param dtype the element type
 * @param data  the elements' raw little-endian bytes, {@code size() * dtype.itemSize()} of them; kept, not copied
 */
public record NpyArray(int[] shape, NpyDtype dtype, byte[] data) {

    /** Checks that the data holds exactly the shape of the dtype. */
    public NpyArray {
        Objects.requireNonNull(dtype, "dtype");
        shape = shape.clone();
        long n = elementCount(shape);
        if (n * dtype.itemSize() != data.length) {
            throw new IllegalArgumentException(data.length + " bytes for shape " + Arrays.toString(shape) + " of "
                    + dtype.descr());
        }
    }

    /** {@return a copy of the shape; empty for a scalar} */
    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** {@return the number of elements: the product of the shape (1 for a scalar)} */
    public long size() {
        return elementCount(shape);
    }

    /**
     * The values of a {@code <f4} array.
     *
     * @return a new array of {@link #size()} values in C order
     * @throws IllegalStateException if the dtype is not {@link NpyDtype#FLOAT32}
     */
    public float[] floats() {
        requireDtype(NpyDtype.FLOAT32);
        float[] out = new float[data.length / 4];
        ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    /**
     * The values of a {@code |u1} array (unsigned: use {@code Byte.toUnsignedInt}).
     *
     * @return a copy of the {@link #size()} bytes in C order
     * @throws IllegalStateException if the dtype is not {@link NpyDtype#UINT8}
     */
    public byte[] bytes() {
        requireDtype(NpyDtype.UINT8);
        return data.clone();
    }

    /**
     * The values of a {@code |b1} array; any non-zero byte reads as true.
     *
     * @return a new array of {@link #size()} values in C order
     * @throws IllegalStateException if the dtype is not {@link NpyDtype#BOOL}
     */
    public boolean[] booleans() {
        requireDtype(NpyDtype.BOOL);
        boolean[] out = new boolean[data.length];
        for (int i = 0; i < out.length; i++) out[i] = data[i] != 0;
        return out;
    }

    private void requireDtype(NpyDtype wanted) {
        if (dtype != wanted) {
            throw new IllegalStateException("array is " + dtype.descr() + ", not " + wanted.descr());
        }
    }

    static long elementCount(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NpyArray(int[] s, NpyDtype t, byte[] d)
                && Arrays.equals(shape, s) && dtype == t && Arrays.equals(data, d);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(shape) + dtype.hashCode()) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "NpyArray[" + dtype.descr() + " " + Arrays.toString(shape) + "]";
    }
}
