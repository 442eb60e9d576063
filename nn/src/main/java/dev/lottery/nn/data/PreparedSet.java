package dev.lottery.nn.data;

import dev.lottery.nn.internal.AtomicFiles;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * One part of a data set (train or test) prepared for memory-mapping: its images already decoded and transformed
 * the way a backend holds them (float32, {@code [count, features]}), and its labels as float32 class indices. Reading
 * the raw files means decoding, checking SHA-256 and converting some 55 MB for MNIST on every start; a prepared set
 * is mapped instead, and the CPU backend computes on the mapped pages directly.
 *
 * <p>Layout: a 4 KiB text header ({@code key=value} lines, zero-padded), then the images (little-endian float32),
 * then the labels at the next 64-byte boundary. The header names the part, its shape, the transform applied
 * ({@code values}) and the raw content it was made from ({@code source}: the pinned checksums), and holds a CRC-32C of
 * everything after it. A file whose header does not match what the caller expects, or whose size or CRC is wrong,
 * is not used: the caller makes it again from the raw files. It is derived data, written to a temporary file and
 * renamed into place (not forced to disk: a file damaged by a crash fails its size or CRC and is rebuilt).
 */
public final class PreparedSet {
    static final String MAGIC = "lottery prepared data set 1";
    static final int HEADER_BYTES = 4096;
    private static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /**
     * What a prepared set is: which part, its shape, how its values were made and from which raw content.
     *
     * @param name     the part's name, e.g. {@code mnist/train}
     * @param count    examples, at least 0
     * @param channels channels of one image
     * @param height   rows of one image
     * @param width    columns of one image
     * @param classes  number of classes; labels lie in {@code [0, classes)}
     * @param values   the canonical text of the transform applied to the raw pixels (e.g. the normalization), which
     *                 must match for the file to be used; a single line
     * @param source   the raw content the values were made from, as pinned checksums ({@link DataSets#source})
     */
    public record Header(String name, int count, int channels, int height, int width, int classes, String values, String source) {
        /** {@return the values per example, {@code channels * height * width}} */
        public int features() {
            return channels * height * width;
        }

        long imagesBytes() {
            return (long) count * features() * Float.BYTES;
        }

        long labelsOffset() {
            return HEADER_BYTES + (imagesBytes() + 63) / 64 * 64;
        }

        long fileBytes() {
            return labelsOffset() + (long) count * Float.BYTES;
        }

        String text(long crc) {
            return MAGIC + "\nname=" + name + "\nshape=" + count + "," + channels + "," + height + "," + width
                    + "\nclasses=" + classes + "\nvalues=" + values + "\nsource=" + source
                    + "\ncrc32c=" + Long.toHexString(crc) + "\n";
        }
    }

    private final Path file;
    private final Header header;

    private PreparedSet(Path file, Header header) {
        this.file = file;
        this.header = header;
    }

    /** {@return the prepared file, as it was given to {@link #open}} */
    public Path file() {
        return file;
    }

    /** {@return the file's header, checked against the caller's expectations when it was opened} */
    public Header header() {
        return header;
    }

    /**
     * The folder of a data set's prepared sets, e.g. {@code <cache>/mnist/prepared}.
     *
     * @param datasetDir the data set's folder in the cache ({@link DataSets#datasetDir})
     * @return the folder's path; it need not exist
     */
    public static Path folder(Path datasetDir) {
        return datasetDir.resolve("prepared");
    }

    /**
     * The file of one part ({@code train}, {@code test}), e.g. {@code <cache>/mnist/prepared/train.bin}.
     *
     * @param datasetDir the data set's folder in the cache ({@link DataSets#datasetDir})
     * @param part       the part's name, used as the file's base name
     * @return the file's path; it need not exist
     */
    public static Path file(Path datasetDir, String part) {
        return folder(datasetDir).resolve(part + ".bin");
    }

    /**
     * Writes {@code images} ({@code [count, features]}, already transformed as {@code header.values()} says) and
     * {@code labels} (class indices) as a prepared set.
     *
     * @param file   where the set goes; its folder is created if needed and an existing file is replaced atomically
     * @param header the part's name, shape, transform and source, written into the file's header
     * @param images {@code count * features} values, already transformed
     * @param labels {@code count} class indices, read as unsigned bytes
     * @throws IOException if the file or its temporary sibling cannot be written or moved into place
     * @throws IllegalArgumentException if the array sizes do not match the header, or the header text exceeds 4 KiB
     */
    public static void write(Path file, Header header, float[] images, byte[] labels) throws IOException {
        if (images.length != (long) header.count() * header.features() || labels.length != header.count()) {
            throw new IllegalArgumentException(header.name() + ": " + images.length + " values and " + labels.length
                    + " labels for " + header.count() + " x " + header.features());
        }
        Path target = file.toAbsolutePath();
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".part");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.READ, StandardOpenOption.WRITE);
                 Arena arena = Arena.ofConfined()) {
                MemorySegment out = ch.map(FileChannel.MapMode.READ_WRITE, 0, header.fileBytes(), arena);
                MemorySegment.copy(images, 0, out, LE_FLOAT, HEADER_BYTES, images.length);
                for (int i = 0; i < labels.length; i++) {
                    out.setAtIndex(LE_FLOAT, header.labelsOffset() / Float.BYTES + i, Byte.toUnsignedInt(labels[i]));
                }
                byte[] text = header.text(crc(out)).getBytes(StandardCharsets.UTF_8);
                if (text.length > HEADER_BYTES) throw new IllegalArgumentException(header.name() + ": header longer than " + HEADER_BYTES + " bytes");
                MemorySegment.copy(text, 0, out, ValueLayout.JAVA_BYTE, 0, text.length);
            }
            AtomicFiles.moveIntoPlace(tmp, target);
            tmp = null;
        } finally {
            if (tmp != null) Files.deleteIfExists(tmp);
        }
    }

    /**
     * The prepared set at {@code file} when it was made under {@code name} from {@code source} with {@code values}
     * and is intact (size and CRC); empty when there is no such file. A file that exists but cannot be used is
     * reported by {@link Mismatch}, so the caller can say why it makes it again.
     *
     * @param file   the prepared file to check
     * @param name   the part's name the file must record, e.g. {@code mnist/train}
     * @param values the transform the file must record (a canonical text, compared exactly)
     * @param source the raw content the file must record ({@link DataSets#source})
     * @return the set when the file exists and is intact; empty when it does not exist or this machine is not
     *         little-endian (the pages could not be used as they are)
     * @throws Mismatch if the file exists but cannot be read, is damaged, or was made from other data or settings;
     *                  its message is one line naming the file and the reason
     */
    public static Optional<PreparedSet> open(Path file, String name, String values, String source) throws Mismatch {
        if (!Files.isRegularFile(file)) return Optional.empty();
        // Mapped pages are used as they are, so their byte order must be the file's.
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) return Optional.empty();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            long size = ch.size();
            if (size < HEADER_BYTES) throw new Mismatch(file + ": truncated (" + size + " bytes)");
            MemorySegment all = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            Map<String, String> fields = fields(all.asSlice(0, HEADER_BYTES));
            if (fields == null) throw new Mismatch(file + ": not a prepared data set");
            Header h = header(fields);
            if (h == null) throw new Mismatch(file + ": malformed header");
            if (!h.name().equals(name) || !h.values().equals(values) || !h.source().equals(source)) {
                throw new Mismatch(file + ": made from other data or settings (" + h.values() + ", " + h.source() + ")");
            }
            if (size != h.fileBytes()) throw new Mismatch(file + ": " + size + " bytes, expected " + h.fileBytes());
            if (!Long.toHexString(crc(all)).equals(fields.get("crc32c"))) throw new Mismatch(file + ": checksum mismatch");
            return Optional.of(new PreparedSet(file, h));
        } catch (IOException e) {
            throw new Mismatch(file + ": cannot read: " + e.getMessage());
        }
    }

    /** A prepared set file that exists but cannot be used as it is; the message says why, in one line. */
    public static final class Mismatch extends Exception {
        Mismatch(String message) {
            super(message);
        }
    }

    /**
     * The images as {@code [count, features]} float32 values, mapped read-only into {@code arena} (a write fails with
     * an exception; data sets are only read). The arena must be shared when other threads read the values.
     *
     * @param arena the arena the mapping belongs to; closing it unmaps the values
     * @return {@code count * features} little-endian float32 values
     * @throws IOException if the file cannot be opened or mapped (e.g. it was removed since it was opened)
     */
    public MemorySegment mapImages(Arena arena) throws IOException {
        return map(arena, HEADER_BYTES, header.imagesBytes());
    }

    /**
     * The labels as {@code [count]} float32 class indices, mapped read-only into {@code arena}.
     *
     * @param arena the arena the mapping belongs to; closing it unmaps the labels
     * @return {@code count} little-endian float32 values, each an exact class index
     * @throws IOException if the file cannot be opened or mapped
     */
    public MemorySegment mapLabels(Arena arena) throws IOException {
        return map(arena, header.labelsOffset(), (long) header.count() * Float.BYTES);
    }

    private MemorySegment map(Arena arena, long offset, long bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return ch.map(FileChannel.MapMode.READ_ONLY, offset, bytes, arena);
        }
    }

    /** CRC-32C of everything after the header. */
    private static long crc(MemorySegment all) {
        CRC32C crc = new CRC32C();
        long step = 1L << 30;
        for (long at = HEADER_BYTES; at < all.byteSize(); at += step) {
            crc.update(all.asSlice(at, Math.min(step, all.byteSize() - at)).asByteBuffer());
        }
        return crc.getValue();
    }

    /** The header's fields, or null when it does not start with the magic line. */
    private static Map<String, String> fields(MemorySegment header) {
        byte[] bytes = header.toArray(ValueLayout.JAVA_BYTE);
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) end++;
        String text = new String(bytes, 0, end, StandardCharsets.UTF_8);
        if (!text.startsWith(MAGIC + "\n")) return null;
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : text.substring(MAGIC.length() + 1).split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) out.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return out;
    }

    /** A header from parsed fields, or null when one is missing or malformed. */
    private static Header header(Map<String, String> f) {
        try {
            String[] shape = f.get("shape").split(",");
            Header h = new Header(f.get("name"), Integer.parseInt(shape[0]), Integer.parseInt(shape[1]), Integer.parseInt(shape[2]),
                    Integer.parseInt(shape[3]), Integer.parseInt(f.get("classes")), f.get("values"), f.get("source"));
            boolean sane = h.name() != null && h.values() != null && h.source() != null && h.count() >= 0 && h.channels() > 0
                    && h.height() > 0 && h.width() > 0 && h.classes() > 0;
            return sane ? h : null;
        } catch (RuntimeException e) {
            return null;
        }
    }
}
