package io.gcgan.autograd;

import io.gcgan.random.Generator;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;

/**
 * float64 CPU inputs for the gradient checks: standard normal from the library's Philox generator, then
 * moved away from the points where an op is not differentiable (0 for abs/relu, clamp bounds, ties).
 */
final class Fixtures {

    /**
     * Broadcast patterns for binary ops (a, b): equal, trailing vector, either side rank 0 or [1], size-1 dims
     * on one or both sides, different ranks.
     */
    static final long[][][] BROADCAST = {
            {{2, 3}, {2, 3}},
            {{2, 3}, {3}},
            {{3}, {2, 3}},
            {{2, 3}, {1, 3}},
            {{2, 3}, {2, 1}},
            {{2, 1}, {1, 3}},
            {{2, 1, 3}, {4, 1}},
            {{}, {2, 3}},
            {{2, 3}, {}},
            {{1}, {2, 3}},
            {{2, 3, 1}, {2, 1, 4}},
            {{1, 1}, {1, 1}},
            {{2, 1, 1, 3}, {1, 2, 3, 1}},
    };

    private Fixtures() {
    }

    static Tensor randn(long seed, long... shape) {
        return Tensor.randn(new Generator(seed), DType.FLOAT64, Device.CPU, shape);
    }

    static Tensor map(Tensor t, DoubleUnaryOperator fn) {
        double[] v = t.toDoubleArray();
        for (int i = 0; i < v.length; i++) {
            v[i] = fn.applyAsDouble(v[i]);
        }
        return Tensor.of(v, t.shape());
    }

    /** Normal values scaled by {@code scale}. */
    static Tensor randn(long seed, double scale, long... shape) {
        return map(randn(seed, shape), v -> v * scale);
    }

    /** sign(z) * (margin + |z|): at least {@code margin} away from 0. */
    static Tensor awayFromZero(long seed, double margin, long... shape) {
        return map(randn(seed, shape), v -> Math.copySign(margin + Math.abs(v), v));
    }

    /** lo + |z| * 0.7: positive, at least lo. */
    static Tensor positive(long seed, double lo, long... shape) {
        return map(randn(seed, shape), v -> lo + 0.7 * Math.abs(v));
    }

    /** Pairwise distinct values (a shuffled grid with step 0.37): reductions have no ties. */
    static Tensor distinct(long seed, long... shape) {
        Tensor z = randn(seed, shape);
        int n = Math.toIntExact(z.numel());
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        java.util.Collections.shuffle(order, new Random(seed));
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = (order.get(i) - n / 2.0) * 0.37;
        }
        return Tensor.of(v, shape);
    }

    /** Values on the grid k/10 + offset (offset 0 or 0.05): two grids never tie (gap >= 0.05). */
    static Tensor grid(long seed, double offset, long... shape) {
        return map(randn(seed, shape), v -> Math.round(v * 10) / 10.0 + offset);
    }

    /** A random shape of the given rank with sizes in 1..3 (so size-1 dimensions are common). */
    static long[] shape(Random rnd, int rank) {
        long[] s = new long[rank];
        for (int i = 0; i < rank; i++) {
            s[i] = 1 + rnd.nextInt(3);
        }
        return s;
    }

    /**
     * A random shape that broadcasts to {@code out}: some leading dimensions dropped, some others set to 1.
     */
    static long[] broadcastable(Random rnd, long[] out) {
        int drop = rnd.nextInt(out.length + 1);
        long[] s = Arrays.copyOfRange(out, drop, out.length);
        for (int i = 0; i < s.length; i++) {
            if (rnd.nextInt(3) == 0) {
                s[i] = 1;
            }
        }
        return s;
    }

    static String str(long[] shape) {
        return Arrays.toString(shape);
    }
}
