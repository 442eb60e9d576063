package dev.lottery.nn.io;

import dev.lottery.nn.UserError;
import dev.lottery.nn.internal.AtomicFiles;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes and reads numpy's <a href="https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html">.npy
 * format</a>, the form in which masks, θ0 and final weights leave the backend (so numpy, PyTorch and friends can
 * open them without this project).
 *
 * <p>Writes produce version 1.0, C order, with the header padded with spaces so that magic + header + newline is a
 * multiple of 64 bytes (the data then starts aligned). Writes are atomic: the bytes go to a temporary file in the
 * same folder which is then renamed over the target, so a reader never sees half a file.
 * Reads accept versions 1.0, 2.0 and 3.0 with dtypes {@code <f4}, {@code |u1} and {@code |b1} in C order.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int ALIGN = 64;
    private static final int CHUNK = 1 << 20;

    private Npy() {
    }

    /**
     * Writes float32 values as {@code <f4}.
     *
     * @param file  the target; its folder is created if needed and an existing file is replaced atomically
     * @param data  the values in C (row-major) order, as many as the shape holds
     * @param shape the array's shape; none for a scalar
     * @throws IllegalArgumentException if the value count does not match the shape
     * @throws java.io.UncheckedIOException if the file cannot be written; the old file, if any, is left as it was
     */
    public static void write(Path file, float[] data, int... shape) {
        checkCount(file, data.length, shape);
        byte[] header = header(NpyDtype.FLOAT32, shape);
        AtomicFiles.write(file, ch -> {
            ch.write(ByteBuffer.wrap(header));
            ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < data.length; ) {
                buf.clear();
                int n = Math.min(data.length - i, CHUNK / 4);
                buf.asFloatBuffer().put(data, i, n);
                buf.limit(n * 4);
                AtomicFiles.writeFully(ch, buf);
                i += n;
            }
        });
    }

    /**
     * Writes unsigned bytes as {@code |u1}.
     *
     * @param file  the target; its folder is created if needed and an existing file is replaced atomically
     * @param data  the values in C order, read as unsigned, as many as the shape holds
     * @param shape the array's shape; none for a scalar
     * @throws IllegalArgumentException if the value count does not match the shape
     * @throws java.io.UncheckedIOException if the file cannot be written; the old file, if any, is left as it was
     */
    public static void write(Path file, byte[] data, int... shape) {
        checkCount(file, data.length, shape);
        byte[] header = header(NpyDtype.UINT8, shape);
        AtomicFiles.write(file, ch -> {
            ch.write(ByteBuffer.wrap(header));
            AtomicFiles.writeFully(ch, ByteBuffer.wrap(data));
        });
    }

    /**
     * Writes a boolean mask as {@code |b1} (one byte per element, 0 or 1).
     *
     * @param file  the target; its folder is created if needed and an existing file is replaced atomically
     * @param data  the mask in C order, as many values as the shape holds
     * @param shape the array's shape; none for a scalar
     * @throws IllegalArgumentException if the value count does not match the shape
     * @throws java.io.UncheckedIOException if the file cannot be written; the old file, if any, is left as it was
     */
    public static void write(Path file, boolean[] data, int... shape) {
        checkCount(file, data.length, shape);
        byte[] bytes = new byte[data.length];
        for (int i = 0; i < data.length; i++) bytes[i] = (byte) (data[i] ? 1 : 0);
        byte[] header = header(NpyDtype.BOOL, shape);
        AtomicFiles.write(file, ch -> {
            ch.write(ByteBuffer.wrap(header));
            AtomicFiles.writeFully(ch, ByteBuffer.wrap(bytes));
        });
    }

    /**
     * Reads a whole .npy file. A malformed or unsupported file is a one-line {@link UserError}.
     *
     * @param file the file to read
     * @return the array, holding its own copy of the data bytes
     * @throws UserError if the file is missing or unreadable, not a .npy file, of another dtype than {@code <f4},
     *                   {@code |u1} or {@code |b1}, in Fortran order, truncated or followed by extra bytes, or larger
     *                   than one Java array can hold
     */
    public static NpyArray read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] pre = in.readNBytes(8);
            if (pre.length < 8 || !Arrays.equals(Arrays.copyOf(pre, 6), MAGIC)) {
                throw new UserError(file + ": not a .npy file (bad magic)");
            }
            int major = pre[6] & 0xff;
            int headerLength;
            if (major == 1) {
                byte[] len = in.readNBytes(2);
                if (len.length < 2) throw new UserError(file + ": truncated .npy header");
                headerLength = (len[0] & 0xff) | (len[1] & 0xff) << 8;
            } else if (major == 2 || major == 3) {
                byte[] len = in.readNBytes(4);
                if (len.length < 4) throw new UserError(file + ": truncated .npy header");
                headerLength = ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getInt();
                if (headerLength < 0) throw new UserError(file + ": bad .npy header length");
            } else {
                throw new UserError(file + ": unsupported .npy version " + major + "." + (pre[7] & 0xff));
            }
            byte[] headerBytes = in.readNBytes(headerLength);
            if (headerBytes.length < headerLength) throw new UserError(file + ": truncated .npy header");
            String header = new String(headerBytes, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            Header h = parseHeader(file, header);
            long bytes = NpyArray.elementCount(h.shape) * h.dtype.itemSize();
            if (bytes > Integer.MAX_VALUE - 64) {
                throw new UserError(file + ": array of " + bytes + " bytes is too large to read into one Java array");
            }
            byte[] data = in.readNBytes((int) bytes);
            if (data.length < bytes) {
                throw new UserError(file + ": truncated: expected " + bytes + " data bytes, found " + data.length);
            }
            if (in.read() != -1) throw new UserError(file + ": trailing bytes after " + bytes + " data bytes");
            return new NpyArray(h.shape, h.dtype, data);
        } catch (NoSuchFileException e) {
            throw new UserError(file + ": file not found", e);
        } catch (IOException e) {
            throw new UserError(file + ": cannot read: " + e, e);
        }
    }

    private record Header(NpyDtype dtype, int[] shape) {
    }

    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern ORDER = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private static Header parseHeader(Path file, String header) {
        Matcher d = DESCR.matcher(header);
        Matcher o = ORDER.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !o.find() || !s.find()) {
            throw new UserError(file + ": malformed .npy header: " + header.strip());
        }
        NpyDtype dtype = NpyDtype.fromDescr(d.group(1));
        if (dtype == null) {
            throw new UserError(file + ": unsupported dtype '" + d.group(1) + "' (supported: <f4, |u1, |b1)");
        }
        if (o.group(1).equals("True")) {
            throw new UserError(file + ": Fortran-order arrays are not supported; save with numpy.ascontiguousarray");
        }
        String[] parts = s.group(1).split(",");
        int[] shape = Arrays.stream(parts).map(String::strip).filter(p -> !p.isEmpty()).mapToInt(p -> {
            try {
                return Integer.parseInt(p.endsWith("L") ? p.substring(0, p.length() - 1) : p);
            } catch (NumberFormatException e) {
                throw new UserError(file + ": bad shape entry '" + p + "' in .npy header");
            }
        }).toArray();
        for (int dim : shape) {
            if (dim < 0) throw new UserError(file + ": negative dimension in .npy shape");
        }
        return new Header(dtype, shape);
    }

    /** Magic, version 1.0, little-endian header length, then the dict padded with spaces and ended by a newline. */
    static byte[] header(NpyDtype dtype, int[] shape) {
        StringBuilder dict = new StringBuilder("{'descr': '").append(dtype.descr())
                .append("', 'fortran_order': False, 'shape': (");
        for (int i = 0; i < shape.length; i++) {
            dict.append(shape[i]);
            if (shape.length == 1 || i < shape.length - 1) dict.append(shape.length == 1 ? "," : ", ");
        }
        dict.append("), }");
        int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
        int total = (unpadded + ALIGN - 1) / ALIGN * ALIGN;
        int headerLength = total - MAGIC.length - 4;
        if (headerLength > 0xffff) throw new IllegalArgumentException("shape too long for a v1.0 header");
        dict.append(" ".repeat(total - unpadded)).append('\n');
        ByteBuffer out = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) headerLength);
        out.put(dict.toString().getBytes(StandardCharsets.ISO_8859_1));
        return out.array();
    }

    private static void checkCount(Path file, int length, int[] shape) {
        long n = NpyArray.elementCount(shape);
        if (n != length) {
            throw new IllegalArgumentException(file + ": " + length + " values for shape " + Arrays.toString(shape));
        }
    }
}
