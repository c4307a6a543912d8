package io.gcgan.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.gcgan.tensor.DType;
import java.util.Locale;
import java.util.function.IntToDoubleFunction;

/**
 * Element-by-element comparison of a CUDA result with the CPU reference: {@code |got - ref| <= allowed(i)}, where
 * {@code allowed} is {@code atol + rtol |ref|} or a per-element bound from the caller. A NaN where the reference is
 * finite (an element the kernel never wrote: outputs are NaN-filled before each call) always fails; NaN matches
 * NaN only where the caller says the reference may hold NaN. On failure the message gives the count, the worst
 * element and the first ten mismatches (llm.c's habit), with the shape of the call in {@code what}.
 */
final class Check {

    /** Unit roundoff: half an ulp of 1. */
    static double unitRoundoff(DType dtype) {
        return dtype == DType.FLOAT32 ? 0x1p-24 : 0x1p-53;
    }

    /** One ulp of 1 (machine epsilon). */
    static double eps(DType dtype) {
        return 2 * unitRoundoff(dtype);
    }

    /**
     * The lambda of the probabilistic rounding-error bound of Higham and Mary ("A new approach to probabilistic
     * rounding error analysis", SIAM J. Sci. Comput. 41(5), 2019): a sum or dot product of K terms computed in
     * precision u is within {@code lambda sqrt(K) u sum|terms|} of the exact value with probability at least
     * {@code 1 - 2 exp(-lambda^2 / 2)} per result under their model of independent rounding errors; lambda = 8 puts
     * a false alarm below 1e-13 per element. The worst-case bound, {@code K u sum|terms|}, grows like K and would let
     * real errors through at large K (a TF32 product has u = 2^-11); sqrt(K) is what blocked and tree summations on
     * GPUs and the random-sign inputs of these tests produce.
     */
    static final double LAMBDA = 8;

    /**
     * The relative factor, applied to sum|terms| of each result, for a sum of {@code terms} terms computed in
     * {@code dtype} and compared with a float64 reference: {@code LAMBDA sqrt(K) u}, plus one u for the final
     * rounding. With a float64 reference that carries errors of its own (float64 results) it is doubled.
     */
    static double sumFactor(DType dtype, long terms) {
        double u = unitRoundoff(dtype);
        double f = LAMBDA * Math.sqrt(Math.max(1, terms)) * u + u;
        return dtype == DType.FLOAT64 ? 2 * f : f;
    }

    private Check() {
    }

    /** Values equal (+0 equals -0); NaN equals NaN. For exact ops and copies. */
    static void exact(String what, double[] ref, double[] got) {
        compare(what, ref, got, i -> 0.0, true);
    }

    /** {@code |got - ref| <= atol + rtol |ref|}; a NaN in either fails unless both are NaN and nanEqual. */
    static void close(String what, double[] ref, double[] got, double atol, double rtol, boolean nanEqual) {
        compare(what, ref, got, i -> atol + rtol * Math.abs(ref[i]), nanEqual);
    }

    static void close(String what, double[] ref, double[] got, double atol, double rtol) {
        close(what, ref, got, atol, rtol, false);
    }

    /** {@code |got - ref| <= factor * scale[i] + floor}: for sums, where the bound follows the sum of |terms|. */
    static void scaled(String what, double[] ref, double[] got, double[] scale, double factor, double floor) {
        assertEquals(ref.length, scale.length, what + ": reference and scale lengths");
        compare(what, ref, got, i -> factor * scale[i] + floor, false);
    }

    /** Bitwise equality of raw element bits; reports the differing elements as values and bits. */
    static void bitwise(String what, DType dtype, long[] ref, long[] got) {
        assertEquals(ref.length, got.length, what + ": element counts");
        int mismatches = 0;
        double maxAbs = 0;
        StringBuilder first = new StringBuilder();
        for (int i = 0; i < ref.length; i++) {
            if (ref[i] != got[i]) {
                double r = value(dtype, ref[i]);
                double g = value(dtype, got[i]);
                maxAbs = Math.max(maxAbs, Math.abs(r - g));
                if (mismatches < 10) {
                    first.append(String.format(Locale.ROOT, "%n  [%d] cpu %s (0x%s)  cuda %s (0x%s)", i,
                            repr(dtype, r), Long.toHexString(ref[i]), repr(dtype, g), Long.toHexString(got[i])));
                }
                mismatches++;
            }
        }
        if (mismatches > 0) {
            fail(String.format(Locale.ROOT, "%s: %d of %d elements differ in their bits (max |difference| %.3g);"
                    + " first ones:%s", what, mismatches, ref.length, maxAbs, first));
        }
    }

    private static double value(DType dtype, long bits) {
        return dtype == DType.FLOAT32 ? Float.intBitsToFloat((int) bits) : Double.longBitsToDouble(bits);
    }

    private static String repr(DType dtype, double v) {
        return dtype == DType.FLOAT32 ? Float.toString((float) v) : Double.toString(v);
    }

    private static void compare(String what, double[] ref, double[] got, IntToDoubleFunction allowed,
                                boolean nanEqual) {
        assertEquals(ref.length, got.length, what + ": element counts");
        int mismatches = 0;
        int unwritten = 0;
        int worst = -1;
        double worstRatio = 0;
        StringBuilder first = new StringBuilder();
        for (int i = 0; i < ref.length; i++) {
            double r = ref[i];
            double g = got[i];
            double tol = allowed.applyAsDouble(i);
            boolean ok;
            double ratio;
            if (Double.isNaN(r) || Double.isNaN(g)) {
                ok = nanEqual && Double.isNaN(r) && Double.isNaN(g);
                ratio = ok ? 0 : Double.POSITIVE_INFINITY;
                if (Double.isNaN(g) && !Double.isNaN(r)) {
                    unwritten++;
                }
            } else if (r == g) {
                ok = true; // also equal infinities
                ratio = 0;
            } else {
                double diff = Math.abs(g - r);
                ok = diff <= tol;
                ratio = tol > 0 ? diff / tol : Double.POSITIVE_INFINITY;
            }
            if (!ok) {
                if (mismatches < 10) {
                    first.append(String.format(Locale.ROOT, "%n  [%d] cpu %.9g  cuda %.9g  |diff| %.3g  allowed %.3g",
                            i, r, g, Math.abs(g - r), tol));
                }
                mismatches++;
            }
            if (ratio > worstRatio || worst < 0) {
                worstRatio = ratio;
                worst = i;
            }
        }
        if (mismatches > 0) {
            fail(String.format(Locale.ROOT, "%s: %d of %d elements out of tolerance (%d NaN where the reference is"
                            + " a number: unwritten or invalid); worst [%d] at %.3g x the allowed difference;"
                            + " first ones:%s",
                    what, mismatches, ref.length, unwritten, worst, worstRatio, first));
        }
    }
}
