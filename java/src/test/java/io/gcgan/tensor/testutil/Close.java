package io.gcgan.tensor.testutil;

import static org.junit.jupiter.api.Assertions.fail;

import io.gcgan.tensor.DType;
import java.util.Arrays;

/**
 * The one closeness assertion of the oracle tests: element i passes when {@code |got - ref| <= atol + rtol*|ref|},
 * when both are NaN, or when both are the same infinity. A failure lists the first ten mismatches with their
 * flat index (and index tuple when a shape is given), reference, value and difference.
 */
public final class Close {

    private static final int SHOWN = 10;

    private Close() {
    }

    /** Elementwise tolerances of a once-rounded result: float32 1e-6, float64 1e-12 (absolute and relative). */
    public static double tol(DType dtype) {
        return dtype == DType.FLOAT32 ? 1e-6 : 1e-12;
    }

    public static void assertAllClose(String what, double[] ref, double[] got, double atol, double rtol) {
        assertAllClose(what, null, ref, got, atol, rtol);
    }

    /** As above; {@code shape} (may be null) turns flat indices into index tuples in the message. */
    public static void assertAllClose(String what, long[] shape, double[] ref, double[] got, double atol, double rtol) {
        if (ref.length != got.length) {
            fail(what + ": expected " + ref.length + " elements, got " + got.length
                    + (shape == null ? "" : " (shape " + Arrays.toString(shape) + ")"));
        }
        StringBuilder sb = new StringBuilder();
        int bad = 0;
        for (int i = 0; i < ref.length; i++) {
            if (!close(ref[i], got[i], atol, rtol)) {
                if (bad < SHOWN) {
                    sb.append("\n  [").append(i).append(']');
                    if (shape != null) {
                        sb.append(' ').append(Arrays.toString(tuple(i, shape)));
                    }
                    sb.append(" ref=").append(ref[i]).append(" got=").append(got[i])
                            .append(" diff=").append(Math.abs(got[i] - ref[i]));
                }
                bad++;
            }
        }
        if (bad > 0) {
            fail(what + ": " + bad + " of " + ref.length + " elements differ (atol " + atol + ", rtol " + rtol + ")"
                    + (shape == null ? "" : ", shape " + Arrays.toString(shape)) + sb
                    + (bad > SHOWN ? "\n  ..." : ""));
        }
    }

    /** Exact equality, NaN equal to NaN (and +0 equal to -0). */
    public static void assertExact(String what, double[] ref, double[] got) {
        assertAllClose(what, null, ref, got, 0, 0);
    }

    public static boolean close(double ref, double got, double atol, double rtol) {
        if (Double.isNaN(ref) || Double.isNaN(got)) {
            return Double.isNaN(ref) && Double.isNaN(got);
        }
        if (ref == got) {
            return true; // also the same infinity
        }
        if (Double.isInfinite(ref) || Double.isInfinite(got)) {
            return false;
        }
        return Math.abs(got - ref) <= atol + rtol * Math.abs(ref);
    }

    private static long[] tuple(long flat, long[] shape) {
        long[] t = new long[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] > 0) {
                t[d] = flat % shape[d];
                flat /= shape[d];
            }
        }
        return t;
    }
}
