package dev.lottery.nn.data;

import dev.lottery.nn.UserError;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads the IDX files MNIST and Fashion-MNIST ship in (<a href="http://yann.lecun.com/exdb/mnist/">format</a>):
 * a big-endian magic {@code 0x0000 08 NN} (type 0x08 = unsigned byte, NN = number of dimensions), NN big-endian
 * int32 dimensions, then the data. Gzipped files (header {@code 1f 8b}) are decompressed on the fly.
 *
 * <p>Every problem with a file is a {@link UserError} whose one line names the file and what is wrong, because a
 * truncated download or a mislabelled file is something the user fixes, not a bug.
 */
final class IdxReader {
    /** An image file's magic number. */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** A label file's magic number. */
    public static final int LABELS_MAGIC = 0x00000801;

    private IdxReader() {
    }

    /** Reads a 3-D unsigned-byte IDX file: images x rows x cols. */
    public static IdxImages readImages(Path file) {
        Content c = read(file, IMAGES_MAGIC);
        return new IdxImages(c.dims[0], c.dims[1], c.dims[2], c.data, c.sha256);
    }

    /** Reads a 1-D unsigned-byte IDX file: one label per example. */
    public static IdxLabels readLabels(Path file) {
        Content c = read(file, LABELS_MAGIC);
        return new IdxLabels(c.data, c.sha256);
    }

    private record Content(int[] dims, byte[] data, String sha256) {
    }

    private static Content read(Path file, int expectedMagic) {
        int expectedDims = expectedMagic & 0xff;
        String kind = expectedMagic == IMAGES_MAGIC ? "IDX image file" : "IDX label file";
        boolean gzipped = false;
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            gzipped = isGzip(raw);
            MessageDigest digest = Sha256.newDigest();
            InputStream in = new DigestInputStream(gzipped ? new GZIPInputStream(raw, 1 << 16) : raw, digest);
            int headerBytes = 4 + 4 * expectedDims;
            byte[] header = in.readNBytes(headerBytes);
            if (header.length >= 4) {
                int magic = bigEndianInt(header, 0);
                if (magic != expectedMagic) {
                    throw new CorruptDataFile(file, "not an " + kind + ": magic 0x" + hex8(magic) + ", expected 0x"
                            + hex8(expectedMagic) + describeMagic(magic));
                }
            }
            if (header.length < headerBytes) {
                throw new CorruptDataFile(file, "truncated: expected at least " + headerBytes + " header bytes, found "
                        + header.length + (gzipped ? " (after gunzip)" : ""));
            }
            int[] dims = new int[expectedDims];
            long payload = 1;
            for (int i = 0; i < expectedDims; i++) {
                dims[i] = bigEndianInt(header, 4 + 4 * i);
                if (dims[i] <= 0) {
                    throw new CorruptDataFile(file, "bad dimension " + i + ": " + Integer.toUnsignedString(dims[i]));
                }
                payload *= dims[i];
                if (payload > Integer.MAX_VALUE - 64) {
                    throw new CorruptDataFile(file, "implausible dimensions: more than 2^31 values");
                }
            }
            long expectedTotal = headerBytes + payload;
            if (!gzipped) {
                long size = Files.size(file);
                if (size != expectedTotal) throw lengthError(file, expectedTotal, size, false);
            }
            byte[] data = new byte[(int) payload];
            int got = in.readNBytes(data, 0, data.length);
            if (got < data.length) throw lengthError(file, expectedTotal, headerBytes + got, gzipped);
            if (in.read() != -1) {
                long extra = 1 + in.transferTo(java.io.OutputStream.nullOutputStream());
                throw lengthError(file, expectedTotal, expectedTotal + extra, gzipped);
            }
            return new Content(dims, data, Sha256.hex(digest));
        } catch (NoSuchFileException e) {
            throw new UserError(file + ": file not found", e);
        } catch (AccessDeniedException e) {
            throw new UserError(file + ": permission denied", e);
        } catch (ZipException | EOFException e) {
            throw new CorruptDataFile(file, "corrupt or truncated gzip data: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UserError(file + ": cannot read: " + e, e);
        }
    }

    private static UserError lengthError(Path file, long expected, long found, boolean gzipped) {
        String what = found < expected ? "truncated" : "too long";
        return new CorruptDataFile(file, what + ": expected " + expected + " bytes, found " + found
                + (gzipped ? " (after gunzip)" : ""));
    }

    /** Peeks at the first two bytes without consuming them. */
    static boolean isGzip(InputStream buffered) throws IOException {
        buffered.mark(2);
        int b0 = buffered.read();
        int b1 = buffered.read();
        buffered.reset();
        return b0 == 0x1f && b1 == 0x8b;
    }

    private static int bigEndianInt(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }

    private static String hex8(int v) {
        return String.format("%08x", v);
    }

    /** A hint for the common mix-ups: labels passed as images and the other way round. */
    private static String describeMagic(int magic) {
        if (magic == IMAGES_MAGIC) return " (this is an image file)";
        if (magic == LABELS_MAGIC) return " (this is a label file)";
        return "";
    }
}
