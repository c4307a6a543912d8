package io.gcgan.backend.cpu;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gcgan.backend.BinaryOp;
import io.gcgan.backend.Lifetime;
import io.gcgan.backend.Storage;
import io.gcgan.tensor.DType;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * CpuBackend's float32 +, -, *, / (computed in float, {@code ElementMath.exactInFloat}) against the definition,
 * the double result rounded to float, bit for bit: over operands whose exponents lie far apart (where rounding
 * twice could differ from rounding once if double had fewer bits), subnormals, signed zeros, infinities and NaN,
 * and with a broadcast operand and a strided one.
 */
class CpuDenseFloatBinaryTest {

    private static final CpuBackend B = CpuBackend.instance();
    private static final float[] SPECIALS = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL,
        Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 1f, -1f,
        1f + Math.ulp(1f), 3f, 0.1f};

    @ParameterizedTest
    @EnumSource(value = BinaryOp.class, names = {"ADD", "SUB", "MUL", "DIV"})
    void equalsTheDoubleResultRoundedOnce(BinaryOp op) {
        int n = 5000 + SPECIALS.length * SPECIALS.length; // more than two blocks, split over the cores
        float[] a = new float[n];
        float[] b = new float[n];
        Random rnd = new Random(op.ordinal());
        int k = 0;
        for (float x : SPECIALS) {
            for (float y : SPECIALS) {
                a[k] = x;
                b[k++] = y;
            }
        }
        for (; k < n; k++) {
            // Mantissas at random, exponents up to 2^+-60 apart: sums where one operand falls below the other's ulp.
            a[k] = (float) (rnd.nextGaussian() * Math.scalb(1.0, rnd.nextInt(121) - 60));
            b[k] = (float) (rnd.nextGaussian() * Math.scalb(1.0, rnd.nextInt(121) - 60));
        }
        long[] shape = {n};
        long[] dense = {1};
        Storage as = storage(a);
        Storage bs = storage(b);
        Storage out = B.allocate(DType.FLOAT32, n, Lifetime.AUTOMATIC);
        B.binary(op, as, dense, bs, dense, out, shape);
        for (int i = 0; i < n; i++) {
            float want = (float) ElementMath.binary(op, a[i], b[i]);
            float got = out.segment().getAtIndex(JAVA_FLOAT, i);
            assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(got),
                    op + " element " + i + ": " + a[i] + ", " + b[i] + " -> " + got + ", want " + want);
        }
    }

    @ParameterizedTest
    @EnumSource(value = BinaryOp.class, names = {"ADD", "SUB", "MUL", "DIV"})
    void broadcastAndStridedOperandsGiveTheSameBits(BinaryOp op) {
        int rows = 300;
        int cols = 7;
        float[] a = new float[rows * cols];
        float[] b = new float[cols];
        Random rnd = new Random(17 + op.ordinal());
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rnd.nextGaussian();
        }
        for (int j = 0; j < cols; j++) {
            b[j] = (float) rnd.nextGaussian();
        }
        // b broadcast over the rows; a read through its transpose (a strided walk): out[i, j] = aT[j, i] op b[j].
        float[] aT = new float[a.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                aT[j * rows + i] = a[i * cols + j];
            }
        }
        long[] shape = {rows, cols};
        Storage broadcast = B.allocate(DType.FLOAT32, a.length, Lifetime.AUTOMATIC);
        Storage strided = B.allocate(DType.FLOAT32, a.length, Lifetime.AUTOMATIC);
        B.binary(op, storage(a), new long[] {cols, 1}, storage(b), new long[] {0, 1}, broadcast, shape);
        B.binary(op, storage(aT), new long[] {1, rows}, storage(b), new long[] {0, 1}, strided, shape);
        for (int i = 0; i < a.length; i++) {
            int want = Float.floatToRawIntBits((float) ElementMath.binary(op, a[i], b[i % cols]));
            assertEquals(want, Float.floatToRawIntBits(broadcast.segment().getAtIndex(JAVA_FLOAT, i)),
                    op + " broadcast, element " + i);
            assertEquals(want, Float.floatToRawIntBits(strided.segment().getAtIndex(JAVA_FLOAT, i)),
                    op + " strided, element " + i);
        }
    }

    private static Storage storage(float[] values) {
        Storage s = B.allocate(DType.FLOAT32, values.length, Lifetime.AUTOMATIC);
        for (int i = 0; i < values.length; i++) {
            s.segment().setAtIndex(JAVA_FLOAT, i, values[i]);
        }
        return s;
    }
}
