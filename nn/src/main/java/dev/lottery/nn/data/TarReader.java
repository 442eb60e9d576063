package dev.lottery.nn.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;

/**
 * A small reader for the tar archives we fetch (npm's {@code .tgz}, CIFAR-10's {@code .tar.gz}): ustar and old GNU
 * headers, GNU long names and pax {@code path} records, gzip detected by its header. Written here instead of
 * pulling in a compression library because those two archives are all it has to read.
 */
final class TarReader {
    private static final int BLOCK = 512;

    /** Receives each entry; {@code content} yields exactly the entry's bytes and need not be read to the end. */
    interface Visitor {
        void visit(TarEntry entry, InputStream content) throws IOException;
    }

    private TarReader() {
    }

    /** Reads the archive from {@code in} (gzipped or not) and calls {@code visitor} for each entry in order. */
    static void scan(InputStream in, Visitor visitor) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
        InputStream tar = IdxReader.isGzip(buffered) ? new GZIPInputStream(buffered, 1 << 16) : buffered;
        byte[] header = new byte[BLOCK];
        String longName = null;
        while (true) {
            int got = tar.readNBytes(header, 0, BLOCK);
            if (got == 0) return; // some writers omit the two zero end blocks
            if (got < BLOCK) throw new EOFException("tar archive truncated inside a header");
            if (isZeroBlock(header)) return;
            if (!checksumMatches(header)) throw new IOException("tar header checksum mismatch: not a tar archive?");
            String name = string(header, 0, 100);
            String prefix = string(header, 345, 155);
            if (!prefix.isEmpty() && isUstar(header)) name = prefix + "/" + name;
            long size = octal(header, 124, 12);
            char type = (char) header[156];
            if (type == 'L' || type == 'x') {
                byte[] body = tar.readNBytes((int) size);
                if (body.length < size) throw new EOFException("tar archive truncated");
                skipPadding(tar, size);
                String override = type == 'L' ? cString(body) : paxPath(body);
                if (override != null) longName = override;
                continue;
            }
            if (longName != null) {
                name = longName;
                longName = null;
            }
            boolean regular = type == '0' || type == '\0' || type == '7';
            BoundedInputStream content = new BoundedInputStream(tar, size);
            visitor.visit(new TarEntry(name, size, regular), content);
            content.skipRest();
            skipPadding(tar, size);
        }
    }

    private static boolean isZeroBlock(byte[] b) {
        for (byte x : b) if (x != 0) return false;
        return true;
    }

    private static boolean isUstar(byte[] h) {
        return new String(h, 257, 5, StandardCharsets.US_ASCII).equals("ustar");
    }

    /** The header checksum: sum of all header bytes with the checksum field taken as spaces. */
    private static boolean checksumMatches(byte[] h) {
        long stored = octal(h, 148, 8);
        long unsigned = 0;
        for (int i = 0; i < BLOCK; i++) unsigned += (i >= 148 && i < 156) ? ' ' : (h[i] & 0xff);
        return stored == unsigned;
    }

    private static long octal(byte[] h, int off, int len) {
        if ((h[off] & 0x80) != 0) { // GNU base-256 for sizes of 8 GiB and more
            long v = h[off] & 0x7f;
            for (int i = 1; i < len; i++) v = v << 8 | (h[off + i] & 0xff);
            return v;
        }
        String s = string(h, off, len).trim();
        return s.isEmpty() ? 0 : Long.parseLong(s, 8);
    }

    private static String string(byte[] h, int off, int len) {
        int end = off;
        while (end < off + len && h[end] != 0) end++;
        return new String(h, off, end - off, StandardCharsets.UTF_8);
    }

    private static String cString(byte[] b) {
        return string(b, 0, b.length);
    }

    /** The {@code path} value of a pax extended header ("LEN path=VALUE\n" records), or null. */
    private static String paxPath(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        for (String record : text.split("\n")) {
            int space = record.indexOf(' ');
            if (space > 0 && record.startsWith("path=", space + 1)) return record.substring(space + 6);
        }
        return null;
    }

    private static void skipPadding(InputStream in, long size) throws IOException {
        long pad = (BLOCK - size % BLOCK) % BLOCK;
        in.skipNBytes(pad);
    }

    /** Exposes one entry's bytes and keeps the caller from reading into the next header. */
    private static final class BoundedInputStream extends FilterInputStream {
        private long remaining;

        BoundedInputStream(InputStream in, long size) {
            super(in);
            this.remaining = size;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) return -1;
            int b = in.read();
            if (b < 0) throw new EOFException("tar archive truncated inside an entry");
            remaining--;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) return -1;
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) throw new EOFException("tar archive truncated inside an entry");
            remaining -= n;
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = in.skip(Math.min(n, remaining));
            remaining -= skipped;
            return skipped;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(in.available(), remaining);
        }

        /** Visitors must not close the archive stream. */
        @Override
        public void close() {
        }

        void skipRest() throws IOException {
            in.skipNBytes(remaining);
            remaining = 0;
        }
    }
}
