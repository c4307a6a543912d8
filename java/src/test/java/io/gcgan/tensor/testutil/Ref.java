package io.gcgan.tensor.testutil;

import io.gcgan.backend.BinaryOp;
import io.gcgan.backend.ReduceOp;
import io.gcgan.backend.UnaryOp;
import io.gcgan.tensor.DType;
import java.util.function.Consumer;

/**
 * Naive float64 references, written independently of the code under test: every function walks explicit
 * index tuples (an odometer) and maps them to row-major positions with Horner's rule, never through strides.
 *
 * <pre>
 *   conv:  x [N, C, H, W]   w [K, C, R, S]   y [N, K, P, Q]
 *          y[n,k,p,q] = sum_{c,r,s} x[n, c, p*sh - ph + r, q*sw - pw + s] * w[k,c,r,s]   (outside x: 0)
 * </pre>
 */
public final class Ref {

    private Ref() {
    }

    // ---- index tuples ------------------------------------------------------------------------------------

    public static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** Row-major position of {@code idx} in {@code shape}: ((i0 * s1 + i1) * s2 + i2) ... */
    public static int flat(long[] idx, long[] shape) {
        long f = 0;
        for (int d = 0; d < shape.length; d++) {
            f = f * shape[d] + idx[d];
        }
        return Math.toIntExact(f);
    }

    /** Calls {@code body} with every index tuple of {@code shape} in row-major order (one reused array). */
    public static void forEach(long[] shape, Consumer<long[]> body) {
        if (numel(shape) == 0) {
            return;
        }
        long[] idx = new long[shape.length];
        while (true) {
            body.accept(idx);
            int d = shape.length - 1;
            while (d >= 0) {
                idx[d]++;
                if (idx[d] < shape[d]) {
                    break;
                }
                idx[d] = 0;
                d--;
            }
            if (d < 0) {
                return;
            }
        }
    }

    /** NumPy broadcast (right-aligned); returns null when the shapes are incompatible. */
    public static long[] broadcastShape(long[] a, long[] b) {
        int rank = Math.max(a.length, b.length);
        long[] out = new long[rank];
        for (int i = 0; i < rank; i++) {
            int ia = i - (rank - a.length);
            int ib = i - (rank - b.length);
            long da = ia < 0 ? 1 : a[ia];
            long db = ib < 0 ? 1 : b[ib];
            if (da == db || db == 1) {
                out[i] = da;
            } else if (da == 1) {
                out[i] = db;
            } else {
                return null;
            }
        }
        return out;
    }

    /** The tuple of a (right-aligned, size-1 dims pinned to 0) that output tuple {@code outIdx} reads. */
    public static long[] sourceIndex(long[] outIdx, long[] srcShape) {
        long[] s = new long[srcShape.length];
        int lead = outIdx.length - srcShape.length;
        for (int d = 0; d < srcShape.length; d++) {
            s[d] = srcShape[d] == 1 ? 0 : outIdx[d + lead];
        }
        return s;
    }

    /** x broadcast (materialized) to {@code target}. */
    public static double[] expand(double[] x, long[] shape, long[] target) {
        double[] out = new double[Math.toIntExact(numel(target))];
        forEach(target, idx -> out[flat(idx, target)] = x[flat(sourceIndex(idx, shape), shape)]);
        return out;
    }

    // ---- dtype -------------------------------------------------------------------------------------------

    /** Rounds every value to {@code dtype} (float32: nearest float; float64: unchanged). */
    public static double[] round(DType dtype, double[] v) {
        double[] out = v.clone();
        if (dtype == DType.FLOAT32) {
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) out[i];
            }
        }
        return out;
    }

    // ---- elementwise -------------------------------------------------------------------------------------

    public static double unary(UnaryOp op, double x, double p0, double p1) {
        switch (op) {
            case NEG:
                return -x;
            case ABS:
                return x < 0 ? -x : x;
            case SIGN:
                if (Double.isNaN(x)) {
                    return x;
                }
                return x > 0 ? 1 : x < 0 ? -1 : 0;
            case EXP:
                return Math.exp(x);
            case LOG:
                return Math.log(x);
            case SQRT:
                return Math.sqrt(x);
            case TANH:
                return Math.tanh(x);
            case SIGMOID:
                return 1.0 / (1.0 + Math.exp(-x));
            case RELU:
                return Double.isNaN(x) ? x : x > 0 ? x : 0;
            case LEAKY_RELU:
                return x >= 0 ? x : x * p0;
            case SOFTPLUS:
                return x > 30 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
            case POW_SCALAR:
                return Math.pow(x, p0);
            case CLAMP:
                if (Double.isNaN(x)) {
                    return x;
                }
                return x < p0 ? p0 : x > p1 ? p1 : x;
            default:
                throw new AssertionError(op);
        }
    }

    public static double[] unary(UnaryOp op, double p0, double p1, double[] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = unary(op, x[i], p0, p1);
        }
        return out;
    }

    public static double binary(BinaryOp op, double a, double b) {
        switch (op) {
            case ADD:
                return a + b;
            case SUB:
                return a - b;
            case MUL:
                return a * b;
            case DIV:
                return a / b;
            case POW:
                return Math.pow(a, b);
            case MAX:
                return Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : a >= b ? a : b;
            case MIN:
                return Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : a <= b ? a : b;
            case EQ:
                return a == b ? 1 : 0;
            case NE:
                return a == b ? 0 : 1;
            case LT:
                return a < b ? 1 : 0;
            case LE:
                return a <= b ? 1 : 0;
            case GT:
                return a > b ? 1 : 0;
            case GE:
                return a >= b ? 1 : 0;
            default:
                throw new AssertionError(op);
        }
    }

    /** a op b with NumPy broadcasting; the result has {@code broadcastShape(aShape, bShape)}. */
    public static double[] binary(BinaryOp op, double[] a, long[] aShape, double[] b, long[] bShape) {
        long[] out = broadcastShape(aShape, bShape);
        double[] r = new double[Math.toIntExact(numel(out))];
        forEach(out, idx -> r[flat(idx, out)] = binary(op,
                a[flat(sourceIndex(idx, aShape), aShape)], b[flat(sourceIndex(idx, bShape), bShape)]));
        return r;
    }

    /** cond != 0 ? a : b with all three broadcast to {@code out}. */
    public static double[] where(double[] c, long[] cShape, double[] a, long[] aShape, double[] b, long[] bShape,
                                 long[] out) {
        double[] r = new double[Math.toIntExact(numel(out))];
        forEach(out, idx -> {
            double cv = c[flat(sourceIndex(idx, cShape), cShape)];
            r[flat(idx, out)] = cv != 0 ? a[flat(sourceIndex(idx, aShape), aShape)]
                    : b[flat(sourceIndex(idx, bShape), bShape)];
        });
        return r;
    }

    // ---- reductions --------------------------------------------------------------------------------------

    /** The reduction of x over {@code axes}, laid out with the kept-dims shape (reduced dims of size 1). */
    public static double[] reduce(ReduceOp op, double[] x, long[] shape, int[] axes) {
        long[] kept = keptShape(shape, axes);
        boolean[] red = new boolean[shape.length];
        long count = 1;
        for (int a : axes) {
            red[a] = true;
            count *= shape[a];
        }
        int n = Math.toIntExact(numel(kept));
        double[] acc = new double[n];
        boolean[] seen = new boolean[n];
        forEach(shape, idx -> {
            long[] o = idx.clone();
            for (int d = 0; d < o.length; d++) {
                if (red[d]) {
                    o[d] = 0;
                }
            }
            int f = flat(o, kept);
            double v = x[flat(idx, shape)];
            if (op == ReduceOp.MAX) {
                if (!seen[f]) {
                    acc[f] = v;
                } else if (!Double.isNaN(acc[f]) && (Double.isNaN(v) || v > acc[f])) {
                    acc[f] = v; // NaN, once seen, sticks
                }
            } else {
                acc[f] += v;
            }
            seen[f] = true;
        });
        if (op == ReduceOp.MEAN) {
            for (int i = 0; i < n; i++) {
                acc[i] /= count;
            }
        }
        if (op == ReduceOp.MAX && count == 0) {
            java.util.Arrays.fill(acc, Double.NaN);
        }
        return acc;
    }

    public static long[] keptShape(long[] shape, int[] axes) {
        long[] kept = shape.clone();
        for (int a : axes) {
            kept[a] = 1;
        }
        return kept;
    }

    // ---- shape ops ---------------------------------------------------------------------------------------

    /** Result dimension i is source dimension perm[i]: out[t] = x[s] with s[perm[i]] = t[i]. */
    public static double[] permute(double[] x, long[] shape, int[] perm) {
        long[] out = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            out[i] = shape[perm[i]];
        }
        double[] r = new double[Math.toIntExact(numel(out))];
        forEach(out, t -> {
            long[] s = new long[shape.length];
            for (int i = 0; i < shape.length; i++) {
                s[perm[i]] = t[i];
            }
            r[flat(t, out)] = x[flat(s, shape)];
        });
        return r;
    }

    /** Elements start, start+step, ... below end along dim. */
    public static double[] slice(double[] x, long[] shape, int dim, long start, long end, long step) {
        long[] out = shape.clone();
        out[dim] = 0;
        for (long i = start; i < end; i += step) {
            out[dim]++;
        }
        double[] r = new double[Math.toIntExact(numel(out))];
        forEach(out, t -> {
            long[] s = t.clone();
            s[dim] = start + step * t[dim];
            r[flat(t, out)] = x[flat(s, shape)];
        });
        return r;
    }

    /** Population (correction 0) or sample (correction 1) variance over axes, kept-dims layout, two passes. */
    public static double[] variance(double[] x, long[] shape, int[] axes, int correction) {
        double[] mean = reduce(ReduceOp.MEAN, x, shape, axes);
        long[] kept = keptShape(shape, axes);
        long count = 1;
        for (int a : axes) {
            count *= shape[a];
        }
        double[] ss = new double[mean.length];
        forEach(shape, idx -> {
            long[] o = idx.clone();
            for (int a : axes) {
                o[a] = 0;
            }
            int f = flat(o, kept);
            double d = x[flat(idx, shape)] - mean[f];
            ss[f] += d * d;
        });
        for (int i = 0; i < ss.length; i++) {
            ss[i] /= count - correction;
        }
        return ss;
    }

    // ---- matmul ------------------------------------------------------------------------------------------

    /**
     * out[i] = op(a_i) @ op(b_i) for i < batch; a_i starts at {@code i*aStride} and is stored [m, k] ([k, m]
     * when transA), b_i at {@code i*bStride} stored [k, n] ([n, k] when transB). Result dense [batch, m, n].
     */
    public static double[] matmul(double[] a, long aStride, boolean transA, double[] b, long bStride, boolean transB,
                                  int batch, int m, int n, int k) {
        double[] out = new double[batch * m * n];
        for (int bi = 0; bi < batch; bi++) {
            int ao = Math.toIntExact(bi * aStride);
            int bo = Math.toIntExact(bi * bStride);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int t = 0; t < k; t++) {
                        double av = transA ? a[ao + t * m + i] : a[ao + i * k + t];
                        double bv = transB ? b[bo + j * k + t] : b[bo + t * n + j];
                        s += av * bv;
                    }
                    out[(bi * m + i) * n + j] = s;
                }
            }
        }
        return out;
    }

    // ---- convolution (the direct loops) ------------------------------------------------------------------

    /** Shapes of one convolution, independent of ConvGeometry. */
    public record Conv(int n, int c, int h, int w, int k, int r, int s, int sh, int sw, int ph, int pw) {
        public int p() {
            return Math.floorDiv(h + 2 * ph - r, sh) + 1;
        }

        public int q() {
            return Math.floorDiv(w + 2 * pw - s, sw) + 1;
        }

        public int xSize() {
            return n * c * h * w;
        }

        public int wSize() {
            return k * c * r * s;
        }

        public int ySize() {
            return n * k * p() * q();
        }

        public io.gcgan.backend.ConvGeometry geometry() {
            return new io.gcgan.backend.ConvGeometry(n, c, h, w, k, r, s, sh, sw, ph, pw);
        }

        @Override
        public String toString() {
            return "conv x[" + n + "," + c + "," + h + "," + w + "] w[" + k + "," + c + "," + r + "," + s
                    + "] stride (" + sh + "," + sw + ") pad (" + ph + "," + pw + ") -> y[" + n + "," + k + "," + p()
                    + "," + q() + "]";
        }
    }

    public static double[] convForward(double[] x, double[] w, Conv g) {
        int p = g.p();
        int q = g.q();
        double[] y = new double[g.ySize()];
        for (int n = 0; n < g.n; n++) {
            for (int k = 0; k < g.k; k++) {
                for (int oh = 0; oh < p; oh++) {
                    for (int ow = 0; ow < q; ow++) {
                        double sum = 0;
                        for (int c = 0; c < g.c; c++) {
                            for (int r = 0; r < g.r; r++) {
                                int ih = oh * g.sh - g.ph + r;
                                if (ih < 0 || ih >= g.h) {
                                    continue;
                                }
                                for (int s = 0; s < g.s; s++) {
                                    int iw = ow * g.sw - g.pw + s;
                                    if (iw < 0 || iw >= g.w) {
                                        continue;
                                    }
                                    sum += x[((n * g.c + c) * g.h + ih) * g.w + iw] * w[((k * g.c + c) * g.r + r) * g.s + s];
                                }
                            }
                        }
                        y[((n * g.k + k) * p + oh) * q + ow] = sum;
                    }
                }
            }
        }
        return y;
    }

    /** dx = d(sum y*dy)/dx: every dy[n,k,p,q] * w[k,c,r,s] scattered to the x position it read. */
    public static double[] convBackwardData(double[] dy, double[] w, Conv g) {
        int p = g.p();
        int q = g.q();
        double[] dx = new double[g.xSize()];
        for (int n = 0; n < g.n; n++) {
            for (int k = 0; k < g.k; k++) {
                for (int oh = 0; oh < p; oh++) {
                    for (int ow = 0; ow < q; ow++) {
                        double d = dy[((n * g.k + k) * p + oh) * q + ow];
                        for (int c = 0; c < g.c; c++) {
                            for (int r = 0; r < g.r; r++) {
                                int ih = oh * g.sh - g.ph + r;
                                if (ih < 0 || ih >= g.h) {
                                    continue;
                                }
                                for (int s = 0; s < g.s; s++) {
                                    int iw = ow * g.sw - g.pw + s;
                                    if (iw >= 0 && iw < g.w) {
                                        dx[((n * g.c + c) * g.h + ih) * g.w + iw] += d * w[((k * g.c + c) * g.r + r) * g.s + s];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return dx;
    }

    /** dw[k,c,r,s] = sum_{n,p,q} x[n, c, p*sh - ph + r, q*sw - pw + s] * dy[n,k,p,q]. */
    public static double[] convBackwardWeight(double[] x, double[] dy, Conv g) {
        int p = g.p();
        int q = g.q();
        double[] dw = new double[g.wSize()];
        for (int k = 0; k < g.k; k++) {
            for (int c = 0; c < g.c; c++) {
                for (int r = 0; r < g.r; r++) {
                    for (int s = 0; s < g.s; s++) {
                        double sum = 0;
                        for (int n = 0; n < g.n; n++) {
                            for (int oh = 0; oh < p; oh++) {
                                int ih = oh * g.sh - g.ph + r;
                                if (ih < 0 || ih >= g.h) {
                                    continue;
                                }
                                for (int ow = 0; ow < q; ow++) {
                                    int iw = ow * g.sw - g.pw + s;
                                    if (iw >= 0 && iw < g.w) {
                                        sum += x[((n * g.c + c) * g.h + ih) * g.w + iw] * dy[((n * g.k + k) * p + oh) * q + ow];
                                    }
                                }
                            }
                        }
                        dw[((k * g.c + c) * g.r + r) * g.s + s] = sum;
                    }
                }
            }
        }
        return dw;
    }

    /**
     * Transposed conv by its definition: every input element x[n, ci, i, j] scatters x * w[ci, co, r, s] to
     * out[n, co, i*sh - ph + r, j*sw - pw + s] (dropped outside); x [N, Cin, H, W], w [Cin, Cout, R, S],
     * out [N, Cout, outH, outW].
     */
    public static double[] convTranspose(double[] x, long[] xShape, double[] w, long[] wShape, int sh, int sw,
                                         int ph, int pw, int outH, int outW) {
        int nb = (int) xShape[0];
        int cin = (int) xShape[1];
        int h = (int) xShape[2];
        int wd = (int) xShape[3];
        int cout = (int) wShape[1];
        int kr = (int) wShape[2];
        int ks = (int) wShape[3];
        double[] out = new double[nb * cout * outH * outW];
        for (int n = 0; n < nb; n++) {
            for (int ci = 0; ci < cin; ci++) {
                for (int i = 0; i < h; i++) {
                    for (int j = 0; j < wd; j++) {
                        double v = x[((n * cin + ci) * h + i) * wd + j];
                        for (int co = 0; co < cout; co++) {
                            for (int r = 0; r < kr; r++) {
                                int oi = i * sh - ph + r;
                                if (oi < 0 || oi >= outH) {
                                    continue;
                                }
                                for (int s = 0; s < ks; s++) {
                                    int oj = j * sw - pw + s;
                                    if (oj >= 0 && oj < outW) {
                                        out[((n * cout + co) * outH + oi) * outW + oj] += v * w[((ci * cout + co) * kr + r) * ks + s];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    public static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    public static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    /** Per-element bound sum |a_i| |b_i| of a dot product's rounding error scale. */
    public static double absDot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += Math.abs(a[i] * b[i]);
        }
        return s;
    }
}
