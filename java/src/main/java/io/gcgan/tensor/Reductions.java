package io.gcgan.tensor;

import io.gcgan.backend.ReduceOp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Reductions over chosen dimensions and their derivatives (the gradient is broadcast back). */
final class Reductions {

    private Reductions() {
    }

    /** x reduced over {@code axes} (normalized) with reduced dimensions kept as size 1. */
    private static Tensor raw(ReduceOp op, Tensor x, int[] axes) {
        long[] kept = keptShape(x.shape, axes);
        Tensor out = Tensor.empty(x.dtype(), x.device(), kept);
        x.backend().reduce(op, x.storage, x.shape, axes, out.storage);
        return out;
    }

    /**
     * The squared L2 norm of all the tensors' elements together, rank 0, in one backend call (float64 accumulation,
     * deterministic). Backward: each tensor's gradient is {@code 2 x g}.
     */
    static Tensor squaredNorm(List<Tensor> xs) {
        if (xs.isEmpty()) {
            throw new IllegalArgumentException("squaredNorm: no tensor given (the dtype and device of the result"
                    + " come from them)");
        }
        Tensor first = xs.get(0);
        List<io.gcgan.backend.Storage> storages = new ArrayList<>(xs.size());
        for (Tensor x : xs) {
            Tensor.checkCompatible("squaredNorm", first, x);
            storages.add(x.storage);
        }
        Tensor out = Tensor.empty(first.dtype(), first.device());
        first.backend().squaredNorm(storages, out.storage);
        Tensor[] inputs = xs.toArray(new Tensor[0]);
        return out.record("squaredNorm", g -> {
            Tensor twice = g.mul(2.0);
            Tensor[] grads = new Tensor[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                grads[i] = inputs[i].requiresGrad() ? inputs[i].mul(twice) : null;
            }
            return grads;
        }, inputs);
    }

    static Tensor sum(Tensor x, int[] dims, boolean keepDim) {
        int[] axes = normalizeAxes("sum", dims, x.rank());
        Tensor out = raw(ReduceOp.SUM, x, axes);
        out.record("sum", g -> new Tensor[] {g.expand(x.shape)}, x);
        return keepDim ? out : out.reshape(dropAxes(x.shape, axes));
    }

    static Tensor mean(Tensor x, int[] dims, boolean keepDim) {
        int[] axes = normalizeAxes("mean", dims, x.rank());
        long count = count(x.shape, axes);
        Tensor out = raw(ReduceOp.MEAN, x, axes);
        out.record("mean", g -> new Tensor[] {g.div(count).expand(x.shape)}, x);
        return keepDim ? out : out.reshape(dropAxes(x.shape, axes));
    }

    /** Maximum; the gradient is shared equally among tied maxima. */
    static Tensor max(Tensor x, int[] dims, boolean keepDim) {
        int[] axes = normalizeAxes("max", dims, x.rank());
        for (int a : axes) {
            if (x.shape[a] == 0) {
                throw new IllegalArgumentException("max: dimension " + a + " of " + Shapes.toString(x.shape)
                        + " is empty");
            }
        }
        Tensor out = raw(ReduceOp.MAX, x, axes);
        out.record("max", g -> {
            Tensor mask;
            try (GradMode.Guard ignored = GradMode.noGrad()) {
                Tensor hits = x.eq(out);
                mask = hits.div(raw(ReduceOp.SUM, hits, axes));
            }
            return new Tensor[] {g.mul(mask)};
        }, x);
        return keepDim ? out : out.reshape(dropAxes(x.shape, axes));
    }

    /** sum((x - mean)^2) / (count - correction), composed so that it has every derivative. */
    static Tensor variance(Tensor x, int[] dims, int correction, boolean keepDim) {
        int[] axes = normalizeAxes("variance", dims, x.rank());
        long count = count(x.shape, axes);
        if (correction < 0 || count - correction <= 0) {
            throw new IllegalArgumentException("variance: correction " + correction + " needs more than "
                    + correction + " elements; dimensions " + Arrays.toString(dims) + " of "
                    + Shapes.toString(x.shape) + " hold " + count);
        }
        Tensor centred = x.sub(x.mean(axes, true));
        return centred.square().sum(axes, keepDim).div(count - correction);
    }

    /** Sorted, distinct, non-negative axes; an empty array means every dimension. */
    static int[] normalizeAxes(String op, int[] dims, int rank) {
        if (dims.length == 0) {
            int[] all = new int[rank];
            for (int i = 0; i < rank; i++) {
                all[i] = i;
            }
            return all;
        }
        int[] axes = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            axes[i] = Shapes.normalizeDim(op, dims[i], rank);
        }
        Arrays.sort(axes);
        for (int i = 1; i < axes.length; i++) {
            if (axes[i] == axes[i - 1]) {
                throw new IllegalArgumentException(op.toLowerCase(Locale.ROOT) + ": dimension repeated in "
                        + Arrays.toString(dims));
            }
        }
        return axes;
    }

    private static long count(long[] shape, int[] axes) {
        long n = 1;
        for (int a : axes) {
            n *= shape[a];
        }
        return n;
    }

    private static long[] keptShape(long[] shape, int[] axes) {
        long[] kept = shape.clone();
        for (int a : axes) {
            kept[a] = 1;
        }
        return kept;
    }

    private static long[] dropAxes(long[] shape, int[] axes) {
        long[] out = new long[shape.length - axes.length];
        for (int d = 0, j = 0, k = 0; d < shape.length; d++) {
            if (k < axes.length && axes[k] == d) {
                k++;
            } else {
                out[j++] = shape[d];
            }
        }
        return out;
    }
}
