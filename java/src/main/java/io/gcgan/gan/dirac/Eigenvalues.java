package io.gcgan.gan.dirac;

/**
 * The two eigenvalues of a real 2x2 matrix: either a complex-conjugate pair {@code re1 +- i im1}
 * ({@code re1 == re2}, {@code im1 = -im2 > 0}) or two real numbers ({@code im1 == im2 == 0},
 * {@code re1 >= re2}).
 */
public record Eigenvalues(double re1, double im1, double re2, double im2) {

    /** The eigenvalues of [[a, b], [c, d]]. */
    public static Eigenvalues of2x2(double a, double b, double c, double d) {
        double halfTrace = 0.5 * (a + d);
        double det = a * d - b * c;
        // (a - d)^2 / 4 + b c avoids the cancellation in halfTrace^2 - det.
        double halfDiff = 0.5 * (a - d);
        double disc = halfDiff * halfDiff + b * c;
        if (disc >= 0.0) {
            double root = Math.sqrt(disc);
            // The larger-magnitude root directly, the other from the product (det) to avoid cancellation.
            double big = halfTrace >= 0 ? halfTrace + root : halfTrace - root;
            double small = big == 0.0 ? 0.0 : det / big;
            double hi = Math.max(big, small);
            double lo = Math.min(big, small);
            return new Eigenvalues(hi, 0.0, lo, 0.0);
        }
        double im = Math.sqrt(-disc);
        return new Eigenvalues(halfTrace, im, halfTrace, -im);
    }

    /** Whether the pair is complex (non-zero imaginary parts). */
    public boolean isComplex() {
        return im1 != 0.0;
    }

    /** max(re1, re2): negative means the equilibrium of the continuous flow is locally attracting. */
    public double maxRealPart() {
        return Math.max(re1, re2);
    }

    /** max |lambda|: below 1 means a fixed point of a discrete update map is locally attracting. */
    public double spectralRadius() {
        return Math.max(Math.hypot(re1, im1), Math.hypot(re2, im2));
    }

    @Override
    public String toString() {
        if (isComplex()) {
            return String.format(java.util.Locale.ROOT, "%.6g +- %.6gi", re1, im1);
        }
        return String.format(java.util.Locale.ROOT, "%.6g, %.6g", re1, re2);
    }
}
