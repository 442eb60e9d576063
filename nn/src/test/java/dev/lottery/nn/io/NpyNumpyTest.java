package dev.lottery.nn.io;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Interoperability with numpy itself, the reason .npy was chosen: skipped with a reason where numpy is absent. */
class NpyNumpyTest {
    private static String numpyProblem;

    @TempDir
    Path dir;

    @BeforeAll
    static void findNumpy() {
        try {
            Result r = python("import numpy; print(numpy.__version__)");
            numpyProblem = r.code == 0 ? null : "python3 cannot import numpy: " + r.output.strip();
        } catch (IOException | InterruptedException e) {
            numpyProblem = "python3 not runnable: " + e.getMessage();
        }
    }

    private record Result(int code, String output) {
    }

    private static Result python(String script, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("python3", "-c", script));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, "timeout");
        }
        return new Result(p.exitValue(), out);
    }

    @Test
    void numpyReadsWhatWeWrite() throws Exception {
        assumeTrue(numpyProblem == null, () -> numpyProblem);
        float[] v = new float[24];
        for (int i = 0; i < v.length; i++) v[i] = (i - 7) * 0.37f;
        Path f = dir.resolve("w.npy");
        Path m = dir.resolve("m.npy");
        Path b = dir.resolve("b.npy");
        Npy.write(f, v, 2, 3, 4);
        Npy.write(m, new boolean[] {true, false, true, true, false, false}, 2, 3);
        Npy.write(b, new byte[] {0, (byte) 200, 5}, 3);
        // Python prints what it loaded with repr() of float32 values (round-trippable), so Java compares exactly.
        Result r = python("""
                import sys, numpy as np
                w = np.load(sys.argv[1]); m = np.load(sys.argv[2]); b = np.load(sys.argv[3])
                assert w.dtype == np.float32 and w.shape == (2, 3, 4) and w.flags['C_CONTIGUOUS'], (w.dtype, w.shape)
                assert m.dtype == np.bool_ and m.shape == (2, 3), (m.dtype, m.shape)
                assert b.dtype == np.uint8 and b.shape == (3,), (b.dtype, b.shape)
                print(' '.join(repr(float(x)) for x in w.ravel()))
                print(' '.join('1' if x else '0' for x in m.ravel()))
                print(' '.join(str(int(x)) for x in b))
                """, f.toString(), m.toString(), b.toString());
        assertEquals(0, r.code, r.output);
        String[] lines = r.output.strip().split("\n");
        String[] floats = lines[0].split(" ");
        assertEquals(24, floats.length);
        for (int i = 0; i < 24; i++) assertEquals(v[i], (float) Double.parseDouble(floats[i]), "element " + i);
        assertEquals("1 0 1 1 0 0", lines[1]);
        assertEquals("0 200 5", lines[2]);
    }

    @Test
    void weReadWhatNumpyWrites() throws Exception {
        assumeTrue(numpyProblem == null, () -> numpyProblem);
        Path f = dir.resolve("np_f.npy");
        Path m = dir.resolve("np_m.npy");
        Path b = dir.resolve("np_b.npy");
        Result r = python("""
                import sys, numpy as np
                np.save(sys.argv[1], (np.arange(30, dtype=np.float32).reshape(5, 6) - 11.5) / 4)
                np.save(sys.argv[2], np.array([[True, False], [False, True], [True, True]]))
                np.save(sys.argv[3], np.arange(250, 256, dtype=np.uint8))
                """, f.toString(), m.toString(), b.toString());
        assertEquals(0, r.code, r.output);
        NpyArray a = Npy.read(f);
        assertArrayEquals(new int[] {5, 6}, a.shape());
        float[] got = a.floats();
        for (int i = 0; i < 30; i++) assertEquals((i - 11.5f) / 4, got[i]);
        NpyArray am = Npy.read(m);
        assertArrayEquals(new int[] {3, 2}, am.shape());
        assertArrayEquals(new boolean[] {true, false, false, true, true, true}, am.booleans());
        NpyArray ab = Npy.read(b);
        assertArrayEquals(new byte[] {(byte) 250, (byte) 251, (byte) 252, (byte) 253, (byte) 254, (byte) 255},
                ab.bytes());
    }
}
