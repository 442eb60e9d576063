package dev.lottery.gpu;

import dev.lottery.bindings.cublas_v2_h;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** The row-major to column-major mapping, run through a CPU model of cublasSgemm's column-major semantics. */
class RowMajorGemmTest {
    /** cublasSgemm on the CPU: C(rows×cols, col-major, ldc) = op1(A1)·op2(A2), alpha=1, beta=0. */
    static void columnMajorSgemm(RowMajorGemm.ColumnMajorCall c, float[] first, float[] second, float[] out) {
        for (int i = 0; i < c.rows(); i++) {
            for (int j = 0; j < c.cols(); j++) {
                double s = 0;
                for (int p = 0; p < c.inner(); p++) {
                    float a = c.opFirst() == cublas_v2_h.CUBLAS_OP_N() ? first[i + p * c.ldFirst()] : first[p + i * c.ldFirst()];
                    float b = c.opSecond() == cublas_v2_h.CUBLAS_OP_N() ? second[p + j * c.ldSecond()] : second[j + p * c.ldSecond()];
                    s += a * b;
                }
                out[i + j * c.ldC()] = (float) s;
            }
        }
    }

    /** Plain row-major reference. */
    static float[] rowMajor(RowMajorGemm g, float[] a, float[] b) {
        float[] c = new float[g.m() * g.n()];
        for (int i = 0; i < g.m(); i++) {
            for (int j = 0; j < g.n(); j++) {
                double s = 0;
                for (int p = 0; p < g.k(); p++) {
                    float av = g.transA() ? a[p * g.m() + i] : a[i * g.k() + p];
                    float bv = g.transB() ? b[j * g.k() + p] : b[p * g.n() + j];
                    s += av * bv;
                }
                c[i * g.n() + j] = (float) s;
            }
        }
        return c;
    }

    @Test
    void everyTransposeCombinationMatchesTheRowMajorProduct() {
        Random rnd = new Random(7);
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                RowMajorGemm g = new RowMajorGemm(ta, tb, 5, 3, 4);
                float[] a = new float[(int) g.aElements()];
                float[] b = new float[(int) g.bElements()];
                for (int i = 0; i < a.length; i++) a[i] = rnd.nextInt(7) - 3;
                for (int i = 0; i < b.length; i++) b[i] = rnd.nextInt(7) - 3;
                float[] viaCublas = new float[g.m() * g.n()];
                // cuBLAS gets B as its first operand and A as its second (see RowMajorGemm).
                columnMajorSgemm(g.columnMajor(), b, a, viaCublas);
                assertArrayEquals(rowMajor(g, a, b), viaCublas, "transA=" + ta + " transB=" + tb);
            }
        }
    }

    @Test
    void leadingDimensionsAreTheStoredRowLengths() {
        var c = new RowMajorGemm(false, false, 60000, 300, 784).columnMajor();
        assertEquals(new RowMajorGemm.ColumnMajorCall(cublas_v2_h.CUBLAS_OP_N(), cublas_v2_h.CUBLAS_OP_N(), 300, 60000, 784, 300, 784, 300), c);
        assertThrows(IllegalArgumentException.class, () -> new RowMajorGemm(false, false, 0, 1, 1));
    }
}
