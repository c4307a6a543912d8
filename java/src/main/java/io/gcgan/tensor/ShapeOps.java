package io.gcgan.tensor;

import java.util.Arrays;

/**
 * Shape operations and their derivatives. Each forward is a strided copy (or a storage-sharing reshape); each
 * derivative rule sits right under its forward and is itself made of differentiable operations.
 */
final class ShapeOps {

    private ShapeOps() {
    }

    /** Same storage, new shape; one size may be -1. Backward: reshape back. */
    static Tensor reshape(Tensor x, long[] newShape) {
        long[] s = inferShape(x, newShape);
        long[] xShape = x.shape;
        return new Tensor(x.storage, s, x.version).record("reshape", g -> new Tensor[] {g.reshape(xShape)}, x);
    }

    private static long[] inferShape(Tensor x, long[] newShape) {
        long[] s = newShape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1 && infer < 0) {
                infer = i;
            } else if (s[i] < 0) {
                throw new IllegalArgumentException("reshape: bad size " + s[i] + " in " + Shapes.toString(newShape)
                        + " (at most one -1)");
            } else {
                known *= s[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || x.numel() % known != 0) {
                throw new IllegalArgumentException("reshape: cannot reshape " + Shapes.toString(x.shape) + " ("
                        + x.numel() + " elements) into " + Shapes.toString(newShape));
            }
            s[infer] = x.numel() / known;
        }
        Shapes.checked("reshape", s);
        if (Shapes.numel(s) != x.numel()) {
            throw new IllegalArgumentException("reshape: cannot reshape " + Shapes.toString(x.shape) + " ("
                    + x.numel() + " elements) into " + Shapes.toString(newShape));
        }
        return s;
    }

    /** Result dimension i is x's dimension dims[i]. Backward: the inverse permutation. */
    static Tensor permute(Tensor x, int[] dims) {
        if (dims.length != x.rank()) {
            throw new IllegalArgumentException("permute: " + dims.length + " dimensions given for shape "
                    + Shapes.toString(x.shape));
        }
        boolean[] seen = new boolean[dims.length];
        long[] dense = Shapes.denseStrides(x.shape);
        long[] outShape = new long[dims.length];
        long[] srcStrides = new long[dims.length];
        int[] inverse = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            int d = Shapes.normalizeDim("permute", dims[i], x.rank());
            if (seen[d]) {
                throw new IllegalArgumentException("permute: dimension " + dims[i] + " repeated in "
                        + Arrays.toString(dims));
            }
            seen[d] = true;
            outShape[i] = x.shape[d];
            srcStrides[i] = dense[d];
            inverse[d] = i;
        }
        Tensor out = Tensor.empty(x.dtype(), x.device(), outShape);
        x.backend().copyStrided(x.storage, 0, srcStrides, out.storage, 0, Shapes.denseStrides(outShape), outShape);
        return out.record("permute", g -> new Tensor[] {g.permute(inverse)}, x);
    }

    /** Every step-th element of [start, end) along dim. Backward: scatter into zeros ({@link #unslice}). */
    static Tensor slice(Tensor x, int dim, long start, long end, long step) {
        int d = Shapes.normalizeDim("slice", dim, x.rank());
        if (step < 1 || start < 0 || end < start || end > x.shape[d]) {
            throw new IllegalArgumentException("slice: range [" + start + ", " + end + ") step " + step
                    + " is not within dimension " + dim + " of " + Shapes.toString(x.shape));
        }
        long[] outShape = x.shape.clone();
        outShape[d] = (end - start + step - 1) / step;
        long[] srcStrides = Shapes.denseStrides(x.shape);
        long offset = start * srcStrides[d];
        srcStrides[d] *= step;
        Tensor out = Tensor.empty(x.dtype(), x.device(), outShape);
        x.backend().copyStrided(x.storage, offset, srcStrides, out.storage, 0, Shapes.denseStrides(outShape), outShape);
        long[] xShape = x.shape;
        return out.record("slice", g -> new Tensor[] {unslice(g, xShape, d, start, step)}, x);
    }

    /**
     * The adjoint of slice: zeros of {@code fullShape} with {@code g} written at positions start, start+step,
     * ... of dimension d. Backward: the slice.
     */
    static Tensor unslice(Tensor g, long[] fullShape, int d, long start, long step) {
        Tensor out = Tensor.zeros(g.dtype(), g.device(), fullShape);
        long[] dstStrides = Shapes.denseStrides(fullShape);
        long offset = start * dstStrides[d];
        dstStrides[d] *= step;
        g.backend().copyStrided(g.storage, 0, Shapes.denseStrides(g.shape), out.storage, offset, dstStrides, g.shape);
        long end = start + (g.shape[d] - 1) * step + 1;
        return out.record("unslice", gg -> new Tensor[] {gg.slice(d, start, end, step)}, g);
    }

    /** Joins along dim. Backward: the matching slice of the gradient for each input. */
    static Tensor cat(int dim, Tensor[] tensors) {
        if (tensors.length == 0) {
            throw new IllegalArgumentException("cat: no tensors given");
        }
        Tensor first = tensors[0];
        int d = Shapes.normalizeDim("cat", dim, first.rank());
        long total = 0;
        for (Tensor t : tensors) {
            Tensor.checkCompatible("cat", first, t);
            boolean ok = t.rank() == first.rank();
            for (int i = 0; ok && i < t.rank(); i++) {
                ok = i == d || t.shape[i] == first.shape[i];
            }
            if (!ok) {
                throw new IllegalArgumentException("cat: shapes " + Shapes.toString(first.shape) + " and "
                        + Shapes.toString(t.shape) + " differ outside dimension " + dim);
            }
            total += t.shape[d];
        }
        long[] outShape = first.shape.clone();
        outShape[d] = total;
        Tensor out = Tensor.empty(first.dtype(), first.device(), outShape);
        long[] outStrides = Shapes.denseStrides(outShape);
        long[] starts = new long[tensors.length];
        long at = 0;
        for (int i = 0; i < tensors.length; i++) {
            Tensor t = tensors[i];
            first.backend().copyStrided(t.storage, 0, Shapes.denseStrides(t.shape), out.storage,
                    at * outStrides[d], outStrides, t.shape);
            starts[i] = at;
            at += t.shape[d];
        }
        return out.record("cat", g -> {
            Tensor[] grads = new Tensor[tensors.length];
            for (int i = 0; i < tensors.length; i++) {
                if (tensors[i].requiresGrad()) {
                    grads[i] = g.slice(d, starts[i], starts[i] + tensors[i].shape[d]);
                }
            }
            return grads;
        }, tensors);
    }

    /** Materialized broadcast to target. Backward: sum over the broadcast dimensions. */
    static Tensor expand(Tensor x, long[] target) {
        long[] b = Shapes.broadcast("expand", x.shape, target);
        if (!Arrays.equals(b, target)) {
            throw new IllegalArgumentException("expand: shape " + Shapes.toString(x.shape) + " cannot be expanded to "
                    + Shapes.toString(target));
        }
        if (Arrays.equals(x.shape, target)) {
            return x;
        }
        Tensor out = Tensor.empty(x.dtype(), x.device(), target);
        x.backend().copyStrided(x.storage, 0, Shapes.broadcastStrides(x.shape, target), out.storage, 0,
                Shapes.denseStrides(target), target);
        long[] xShape = x.shape;
        return out.record("expand", g -> new Tensor[] {sumTo(g, xShape)}, x);
    }

    /**
     * Sums {@code g} down to {@code shape}, which broadcasts to g's shape: the gradient of a broadcast. Returns
     * g itself when the shapes already agree.
     */
    static Tensor sumTo(Tensor g, long[] shape) {
        if (Arrays.equals(g.shape, shape)) {
            return g;
        }
        int lead = g.rank() - shape.length;
        int[] dims = new int[g.rank()];
        int n = 0;
        for (int i = 0; i < g.rank(); i++) {
            if (i < lead || (shape[i - lead] == 1 && g.shape[i] != 1)) {
                dims[n++] = i;
            }
        }
        Tensor summed = n == 0 ? g : g.sum(Arrays.copyOf(dims, n), true);
        return summed.reshape(shape);
    }
}
