package dev.lottery.nn.io;

import dev.lottery.nn.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NpyTest {
    @TempDir
    Path dir;

    @Test
    void floatRoundTripKeepsShapeAndExactValues() {
        float[] v = {0f, -1.5f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NaN, Float.NEGATIVE_INFINITY, 3.25e-7f, 1f / 3};
        Path f = dir.resolve("w.npy");
        Npy.write(f, v, 2, 4);
        NpyArray a = Npy.read(f);
        assertEquals(NpyDtype.FLOAT32, a.dtype());
        assertArrayEquals(new int[] {2, 4}, a.shape());
        float[] back = a.floats();
        for (int i = 0; i < v.length; i++) {
            assertEquals(Float.floatToRawIntBits(v[i]), Float.floatToRawIntBits(back[i]), "element " + i);
        }
    }

    @Test
    void largeFloatArrayCrossesWriteChunks() {
        float[] v = new float[700_000];
        for (int i = 0; i < v.length; i++) v[i] = i * 0.5f;
        Path f = dir.resolve("big.npy");
        Npy.write(f, v, 700, 1000);
        assertArrayEquals(v, Npy.read(f).floats());
    }

    @Test
    void byteAndBooleanRoundTrips() {
        byte[] b = {0, 1, (byte) 255, 7, 9, 100};
        Npy.write(dir.resolve("b.npy"), b, 6);
        NpyArray ab = Npy.read(dir.resolve("b.npy"));
        assertEquals(NpyDtype.UINT8, ab.dtype());
        assertArrayEquals(new int[] {6}, ab.shape());
        assertArrayEquals(b, ab.bytes());

        boolean[] m = {true, false, false, true, true, false};
        Npy.write(dir.resolve("m.npy"), m, 3, 2);
        NpyArray am = Npy.read(dir.resolve("m.npy"));
        assertEquals(NpyDtype.BOOL, am.dtype());
        assertArrayEquals(m, am.booleans());
        assertThrows(IllegalStateException.class, am::floats);
    }

    @Test
    void headerIsV1PaddedTo64AndEndsWithNewline() throws IOException {
        for (int[] shape : List.of(new int[] {}, new int[] {3}, new int[] {1, 3}, new int[] {1, 1, 1, 1, 1, 1, 1, 3})) {
            Path f = dir.resolve("h.npy");
            Npy.write(f, new float[product(shape)], shape);
            byte[] bytes = Files.readAllBytes(f);
            assertEquals((byte) 0x93, bytes[0]);
            assertEquals("NUMPY", new String(bytes, 1, 5, StandardCharsets.US_ASCII));
            assertEquals(1, bytes[6]);
            assertEquals(0, bytes[7]);
            int headerLength = (bytes[8] & 0xff) | (bytes[9] & 0xff) << 8;
            int dataStart = 10 + headerLength;
            assertEquals(0, dataStart % 64, "data starts 64-byte aligned");
            assertEquals('\n', bytes[dataStart - 1]);
            assertEquals(dataStart + 4L * product(shape), bytes.length);
        }
        Npy.write(dir.resolve("s.npy"), new float[] {1, 2, 3}, 3);
        byte[] s = Files.readAllBytes(dir.resolve("s.npy"));
        String header = new String(s, 10, (s[8] & 0xff) | (s[9] & 0xff) << 8, StandardCharsets.US_ASCII);
        assertEquals("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", header.strip());
        assertEquals(128 + 3 * 4, s.length, "10 + 58 + 1 header bytes round up to 128");
    }

    private static int product(int[] shape) {
        int n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    @Test
    void writeIsAtomicAndReplacesOldFile() throws IOException {
        Path f = dir.resolve("sub/x.npy");
        Npy.write(f, new float[] {1}, 1);
        Npy.write(f, new float[] {2, 3}, 2);
        assertArrayEquals(new float[] {2, 3}, Npy.read(f).floats());
        if (Files.getFileStore(f).supportsFileAttributeView("posix")) {
            assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        }
        try (Stream<Path> s = Files.list(dir.resolve("sub"))) {
            assertEquals(List.of("x.npy"), s.map(p -> p.getFileName().toString()).toList(), "no temporary left");
        }
    }

    @Test
    void shapeMustMatchData() {
        assertThrows(IllegalArgumentException.class, () -> Npy.write(dir.resolve("x.npy"), new float[5], 2, 3));
    }

    @Test
    void malformedFilesAreOneLineUserErrors() throws IOException {
        Path notNpy = Files.writeString(dir.resolve("a.npy"), "hello world, not numpy");
        assertEquals(notNpy + ": not a .npy file (bad magic)",
                assertThrows(UserError.class, () -> Npy.read(notNpy)).getMessage());

        Path f = dir.resolve("f.npy");
        Npy.write(f, new float[] {1, 2, 3, 4}, 2, 2);
        byte[] bytes = Files.readAllBytes(f);
        byte[] fortran = new String(bytes, StandardCharsets.ISO_8859_1).replace("False", "True ")
                .getBytes(StandardCharsets.ISO_8859_1);
        Files.write(f, fortran);
        assertTrue(assertThrows(UserError.class, () -> Npy.read(f)).getMessage().contains("Fortran-order"));

        byte[] f8 = new String(bytes, StandardCharsets.ISO_8859_1).replace("<f4", "<f8")
                .getBytes(StandardCharsets.ISO_8859_1);
        Files.write(f, f8);
        assertTrue(assertThrows(UserError.class, () -> Npy.read(f)).getMessage().contains("unsupported dtype '<f8'"));

        Files.write(f, java.util.Arrays.copyOf(bytes, bytes.length - 1));
        assertEquals(f + ": truncated: expected 16 data bytes, found 15",
                assertThrows(UserError.class, () -> Npy.read(f)).getMessage());
    }
}
