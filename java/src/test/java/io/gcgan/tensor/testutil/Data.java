package io.gcgan.tensor.testutil;

import io.gcgan.tensor.DType;
import java.util.Random;

/** Seeded random shapes and values for the oracle tests. */
public final class Data {

    /** Sizes a random dimension takes: size 1 often, odd sizes, one larger prime. */
    private static final long[] SIZES = {1, 1, 2, 3, 4, 5, 7, 13};

    private Data() {
    }

    public static long[] shape(Random rnd, int rank) {
        long[] s = new long[rank];
        for (int i = 0; i < rank; i++) {
            s[i] = SIZES[rnd.nextInt(SIZES.length)];
        }
        return s;
    }

    /** Uniform values in [lo, hi), rounded to {@code dtype}. */
    public static double[] uniform(Random rnd, int n, double lo, double hi, DType dtype) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = lo + (hi - lo) * rnd.nextDouble();
        }
        return Ref.round(dtype, v);
    }

    /** Small integers in [-range, range], so that comparisons see ties. */
    public static double[] ints(Random rnd, int n, int range) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextInt(2 * range + 1) - range;
        }
        return v;
    }

    public static int n(long[] shape) {
        return Math.toIntExact(Ref.numel(shape));
    }

    /** A random permutation of 0 .. rank-1. */
    public static int[] permutation(Random rnd, int rank) {
        int[] p = new int[rank];
        for (int i = 0; i < rank; i++) {
            p[i] = i;
        }
        for (int i = rank - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
