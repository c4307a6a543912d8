package io.gcgan.gpu;

import io.gcgan.tensor.DType;
import java.util.Arrays;
import java.util.Random;

/** Reproducible test inputs and shape arithmetic for the GPU tests. */
final class Data {

    private Data() {
    }

    /** A generator seeded from the case's name, so a failing case can be rerun alone with the same data. */
    static Random random(String caseName) {
        return new Random(0x9E3779B97F4A7C15L ^ caseName.hashCode());
    }

    /** n values uniform in [lo, hi), rounded to dtype (so CPU and CUDA start from identical numbers). */
    static double[] uniform(Random rnd, int n, double lo, double hi, DType dtype) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = round(dtype, lo + (hi - lo) * rnd.nextDouble());
        }
        return v;
    }

    /** n integers in [-range, range] as doubles (ties for comparisons, exact zeros for sign and relu). */
    static double[] ints(Random rnd, int n, int range) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextInt(2 * range + 1) - range;
        }
        return v;
    }

    static double round(DType dtype, double v) {
        return dtype == DType.FLOAT32 ? (float) v : v;
    }

    static double[] abs(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Math.abs(v[i]);
        }
        return out;
    }

    static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    static long[] denseStrides(long[] shape) {
        long[] s = new long[shape.length];
        long stride = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            s[d] = stride;
            stride *= shape[d];
        }
        return s;
    }

    /**
     * Strides that read a dense tensor of {@code shape} as {@code target} (NumPy broadcasting: shapes aligned at the
     * right, 0 where shape has 1 or no dimension).
     */
    static long[] broadcastStrides(long[] shape, long[] target) {
        long[] dense = denseStrides(shape);
        long[] out = new long[target.length];
        int offset = target.length - shape.length;
        for (int d = 0; d < target.length; d++) {
            int sd = d - offset;
            if (sd >= 0 && shape[sd] != 1) {
                if (shape[sd] != target[d]) {
                    throw new IllegalArgumentException(Arrays.toString(shape) + " does not broadcast to "
                            + Arrays.toString(target));
                }
                out[d] = dense[sd];
            }
        }
        return out;
    }

    /** NumPy's broadcast of two shapes. */
    static long[] broadcast(long[] a, long[] b) {
        int rank = Math.max(a.length, b.length);
        long[] out = new long[rank];
        for (int d = 0; d < rank; d++) {
            long da = d - (rank - a.length) >= 0 ? a[d - (rank - a.length)] : 1;
            long db = d - (rank - b.length) >= 0 ? b[d - (rank - b.length)] : 1;
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(Arrays.toString(a) + " and " + Arrays.toString(b)
                        + " do not broadcast");
            }
            out[d] = da == 1 ? db : da;
        }
        return out;
    }

    static String shape(long[] shape) {
        return Arrays.toString(shape);
    }
}
