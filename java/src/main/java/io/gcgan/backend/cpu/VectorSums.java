package io.gcgan.backend.cpu;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Centring sums read straight from tensor storage with the Vector API ({@code jdk.incubator.vector}), for
 * {@link CpuOptimizerStep}. Only this class names the incubator module: it is loaded only when the JVM was
 * started with {@code --add-modules jdk.incubator.vector} ({@link CpuOptimizerStep#VECTOR_API}), and the step falls
 * back to its lane sums over copied blocks otherwise.
 *
 * <p>Why: the JIT does not vectorize a loop over a {@link MemorySegment}, so the lane sums first bulk-copy a
 * slice's gradient into arrays. Those arrays, the gradient's storage lines and then the weights' and states' blocks
 * all pass through L1 before the slice's first block is updated, which pushed the arrays out to L2: on one core,
 * over a [512, 256, 4, 4] weight, loading the slices whole cost 9% of an SGD-momentum step before any adding. These
 * sums read storage directly, so the update that follows is the uncentred block walk, given a mean.
 *
 * <p>Each sum is exact to about 1e-16 relative to the sum of magnitudes, as the lane sums are: float32 values are
 * widened to double before any add. The order is fixed, so a sum does not depend on thread splits: four
 * accumulators of {@code D.length()} lanes over the run, the remaining whole vectors into the first and the last
 * part of a vector (a masked load) into the second, the four added pairwise, their lanes in a fixed tree
 * ({@link #lanesSum}). (The single vectors and the masked tail took a sum over 100 elements from 18 to 14 ns, over 16
 * from 17 to 8 ns, on one core here: the scalar tail they replace read each element through a bounds-checked
 * {@code getAtIndex}.)
 */
final class VectorSums {

    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    /**
     * Float vectors with as many lanes as {@link #D}: one widens into one double vector. (Null where the preferred
     * shape holds a single double: {@link #supported} is then false and nothing here runs.)
     */
    private static final VectorSpecies<Float> F = D.length() < 2 ? null
            : VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    /**
     * {@link #lanesSum}'s shuffles: level k pairs lane i with lane i ^ (D.length() / 2^(k + 1)) (a fixed tree:
     * {@code reduceLanes} leaves the order of a floating-point sum open, so a JIT tier could change a sum's bits).
     */
    private static final VectorShuffle<Double>[] HALVES = halves();

    private VectorSums() {
    }

    /** True when this platform's preferred vectors hold at least two doubles (so a float vector can widen). */
    static boolean supported() {
        return F != null;
    }

    /**
     * The sum of {@code g[i] + lambda * w[i]} (of {@code g[i]} when {@code lambda == 0}; {@code w} is then not
     * read) over elements [first, first + n) of float32 storage, in double.
     */
    static double sumFloat(MemorySegment g, MemorySegment w, double lambda, long first, long n) {
        long bytes = F.vectorByteSize();
        long off = first * Float.BYTES;
        long end = off + n * Float.BYTES;
        DoubleVector a0 = DoubleVector.zero(D);
        DoubleVector a1 = a0;
        DoubleVector a2 = a0;
        DoubleVector a3 = a0;
        if (lambda == 0.0) {
            for (; off + 4 * bytes <= end; off += 4 * bytes) {
                a0 = a0.add(widen(g, off));
                a1 = a1.add(widen(g, off + bytes));
                a2 = a2.add(widen(g, off + 2 * bytes));
                a3 = a3.add(widen(g, off + 3 * bytes));
            }
        } else {
            for (; off + 4 * bytes <= end; off += 4 * bytes) {
                a0 = a0.add(widen(g, off).add(widen(w, off).mul(lambda)));
                a1 = a1.add(widen(g, off + bytes).add(widen(w, off + bytes).mul(lambda)));
                a2 = a2.add(widen(g, off + 2 * bytes).add(widen(w, off + 2 * bytes).mul(lambda)));
                a3 = a3.add(widen(g, off + 3 * bytes).add(widen(w, off + 3 * bytes).mul(lambda)));
            }
        }
        if (lambda == 0.0) {
            for (; off + bytes <= end; off += bytes) {
                a0 = a0.add(widen(g, off));
            }
        } else {
            for (; off + bytes <= end; off += bytes) {
                a0 = a0.add(widen(g, off).add(widen(w, off).mul(lambda)));
            }
        }
        if (off < end) {
            VectorMask<Float> m = F.indexInRange(0, (end - off) / Float.BYTES);
            a1 = a1.add(lambda == 0.0 ? widen(g, off, m) : widen(g, off, m).add(widen(w, off, m).mul(lambda)));
        }
        return lanesSum(a0.add(a1).add(a2.add(a3)));
    }

    /**
     * {@link #sumFloat} for float64 storage. (One method choosing its loads by a flag, widened or not, tripled GC's
     * cost over an SGD-momentum step of a [512, 256, 4, 4] float32 weight, +15% against +5% on one core.)
     */
    static double sumDouble(MemorySegment g, MemorySegment w, double lambda, long first, long n) {
        long bytes = D.vectorByteSize();
        long off = first * Double.BYTES;
        long end = off + n * Double.BYTES;
        DoubleVector a0 = DoubleVector.zero(D);
        DoubleVector a1 = a0;
        DoubleVector a2 = a0;
        DoubleVector a3 = a0;
        if (lambda == 0.0) {
            for (; off + 4 * bytes <= end; off += 4 * bytes) {
                a0 = a0.add(load(g, off));
                a1 = a1.add(load(g, off + bytes));
                a2 = a2.add(load(g, off + 2 * bytes));
                a3 = a3.add(load(g, off + 3 * bytes));
            }
        } else {
            for (; off + 4 * bytes <= end; off += 4 * bytes) {
                a0 = a0.add(load(g, off).add(load(w, off).mul(lambda)));
                a1 = a1.add(load(g, off + bytes).add(load(w, off + bytes).mul(lambda)));
                a2 = a2.add(load(g, off + 2 * bytes).add(load(w, off + 2 * bytes).mul(lambda)));
                a3 = a3.add(load(g, off + 3 * bytes).add(load(w, off + 3 * bytes).mul(lambda)));
            }
        }
        if (lambda == 0.0) {
            for (; off + bytes <= end; off += bytes) {
                a0 = a0.add(load(g, off));
            }
        } else {
            for (; off + bytes <= end; off += bytes) {
                a0 = a0.add(load(g, off).add(load(w, off).mul(lambda)));
            }
        }
        if (off < end) {
            VectorMask<Double> m = D.indexInRange(0, (end - off) / Double.BYTES);
            a1 = a1.add(lambda == 0.0 ? load(g, off, m) : load(g, off, m).add(load(w, off, m).mul(lambda)));
        }
        return lanesSum(a0.add(a1).add(a2.add(a3)));
    }

    /** {@code F.length()} float32 values at byte offset {@code off}, widened to double. */
    private static DoubleVector widen(MemorySegment s, long off) {
        return (DoubleVector) FloatVector.fromMemorySegment(F, s, off, ORDER).convertShape(VectorOperators.F2D, D, 0);
    }

    private static DoubleVector load(MemorySegment s, long off) {
        return DoubleVector.fromMemorySegment(D, s, off, ORDER);
    }

    /** The lanes of {@code m} of {@link #widen(MemorySegment, long)} (the others 0: nothing past them is read). */
    private static DoubleVector widen(MemorySegment s, long off, VectorMask<Float> m) {
        return (DoubleVector) FloatVector.fromMemorySegment(F, s, off, ORDER, m)
                .convertShape(VectorOperators.F2D, D, 0);
    }

    /** The lanes of {@code m} of {@link #load(MemorySegment, long)} (the others 0: nothing past them is read). */
    private static DoubleVector load(MemorySegment s, long off, VectorMask<Double> m) {
        return DoubleVector.fromMemorySegment(D, s, off, ORDER, m);
    }

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Double>[] halves() {
        int levels = Integer.numberOfTrailingZeros(D.length());
        VectorShuffle<Double>[] out = new VectorShuffle[levels];
        for (int k = 0, half = D.length() / 2; k < levels; k++, half /= 2) {
            int h = half;
            out[k] = VectorShuffle.fromOp(D, i -> i ^ h);
        }
        return out;
    }

    /**
     * The sum of v's lanes in a fixed pairwise tree: each level adds the vector to itself with its halves swapped,
     * and lane 0 ends with the total. (Adding the lanes one by one in index order, as before, put a chain of
     * D.length() dependent adds after every sum: a sum over 16 elements took 7.8 ns, now 6.2; over 100, 14 and 13 ns,
     * on one core here; a tree through {@code slice} was slower.)
     */
    private static double lanesSum(DoubleVector v) {
        for (VectorShuffle<Double> s : HALVES) {
            v = v.add(v.rearrange(s));
        }
        return v.lane(0);
    }
}
