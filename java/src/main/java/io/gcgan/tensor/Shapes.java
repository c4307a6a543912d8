package io.gcgan.tensor;

import java.util.Arrays;

/** Shape arithmetic shared by the tensor layer: element counts, dense strides, broadcasting, dim checks. */
public final class Shapes {

    private Shapes() {
    }

    public static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d == 0) {
                return 0; // before any overflow of the sizes in front of it
            }
        }
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** Row-major strides in elements. */
    public static long[] denseStrides(long[] shape) {
        long[] strides = new long[shape.length];
        long s = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            strides[d] = s;
            s *= shape[d];
        }
        return strides;
    }

    public static String toString(long[] shape) {
        return Arrays.toString(shape);
    }

    /**
     * Rejects negative sizes and shapes of more elements than a long counts (which {@link #numel} would otherwise
     * report as a bare "long overflow"); returns a defensive copy.
     */
    public static long[] checked(String op, long[] shape) {
        boolean empty = false;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException(op + ": negative size in shape " + toString(shape));
            }
            empty |= d == 0;
        }
        if (!empty) {
            long n = 1;
            for (long d : shape) {
                if (n > Long.MAX_VALUE / d) {
                    throw new IllegalArgumentException(op + ": shape " + toString(shape) + " has more than "
                            + Long.MAX_VALUE + " elements");
                }
                n *= d;
            }
        }
        return shape.clone();
    }

    /** Maps a possibly negative dimension (-1 = last) into [0, rank). */
    public static int normalizeDim(String op, int dim, int rank) {
        int d = dim < 0 ? dim + rank : dim;
        if (d < 0 || d >= rank) {
            throw new IllegalArgumentException(op + ": dimension " + dim + " out of range for rank " + rank);
        }
        return d;
    }

    /** The NumPy broadcast of two shapes, or an IllegalArgumentException naming the op and both shapes. */
    public static long[] broadcast(String op, long[] a, long[] b) {
        int rank = Math.max(a.length, b.length);
        long[] out = new long[rank];
        for (int i = 0; i < rank; i++) {
            long da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            long db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": shapes " + toString(a) + " and " + toString(b)
                        + " cannot be broadcast together (dimension " + i + ": " + da + " vs " + db + ")");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /**
     * Strides that read a dense tensor of {@code shape} as if it had {@code target} shape (which it broadcasts
     * to): 0 on broadcast and missing leading dimensions.
     */
    public static long[] broadcastStrides(long[] shape, long[] target) {
        long[] dense = denseStrides(shape);
        long[] out = new long[target.length];
        int lead = target.length - shape.length;
        for (int i = 0; i < target.length; i++) {
            if (i >= lead && shape[i - lead] == target[i]) {
                out[i] = dense[i - lead];
            }
        }
        return out;
    }
}
