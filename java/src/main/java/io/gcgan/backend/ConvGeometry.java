package io.gcgan.backend;

/**
 * The shapes of one 2-D convolution (no groups, no dilation).
 *
 * <pre>
 *   x  [n, c, h, w]      input (NCHW)
 *   w  [k, c, r, s]      filters (KCRS)
 *   y  [n, k, p, q]      output, p = (h + 2 padH - r) / strideH + 1 (floor), q likewise
 * </pre>
 *
 * Transposed conv uses the same geometry with the roles swapped: its input is {@code y}, its output {@code x}
 * and its weight, stored [in=k, out=c, r, s] as in PyTorch, is exactly {@code w}. Because {@code h} and
 * {@code w} are given, a transposed conv's output padding is expressed by a larger {@code h}/{@code w}.
 */
public record ConvGeometry(int n, int c, int h, int w, int k, int r, int s,
                           int strideH, int strideW, int padH, int padW) {

    public ConvGeometry {
        if (n < 1 || c < 1 || h < 1 || w < 1 || k < 1 || r < 1 || s < 1) {
            throw new IllegalArgumentException("conv2d: sizes must be >= 1, got " + describe(n, c, h, w, k, r, s));
        }
        if (strideH < 1 || strideW < 1) {
            throw new IllegalArgumentException("conv2d: stride must be >= 1, got (" + strideH + ", " + strideW + ")");
        }
        if (padH < 0 || padW < 0) {
            throw new IllegalArgumentException("conv2d: padding must be >= 0, got (" + padH + ", " + padW + ")");
        }
        if (h + 2 * padH < r || w + 2 * padW < s) {
            throw new IllegalArgumentException("conv2d: kernel " + r + "x" + s + " larger than padded input "
                    + (h + 2 * padH) + "x" + (w + 2 * padW));
        }
    }

    private static String describe(int n, int c, int h, int w, int k, int r, int s) {
        return "x [" + n + ", " + c + ", " + h + ", " + w + "], w [" + k + ", " + c + ", " + r + ", " + s + "]";
    }

    /** Output height. */
    public int p() {
        return (h + 2 * padH - r) / strideH + 1;
    }

    /** Output width. */
    public int q() {
        return (w + 2 * padW - s) / strideW + 1;
    }

    public long[] xShape() {
        return new long[] {n, c, h, w};
    }

    public long[] wShape() {
        return new long[] {k, c, r, s};
    }

    public long[] yShape() {
        return new long[] {n, k, p(), q()};
    }

    /** Multiply-adds of the forward pass times two. Backward-data and backward-weight cost the same. */
    public double flops() {
        return 2.0 * n * k * p() * q() * c * r * s;
    }
}
