package io.gcgan.nn;

import io.gcgan.tensor.Tensor;
import java.util.Arrays;

/**
 * Reshapes each sample, keeping the batch dimension: [N, ...] -> [N, shape...]; one entry of {@code shape}
 * may be -1 (inferred). {@code new Reshape(128, 7, 7)} turns a Linear's [N, 6272] into [N, 128, 7, 7], as
 * the mnist28 generator needs (the {@code x.view(x.shape[0], *s)} module of the reference peer; PyTorch's
 * {@code nn.Unflatten(1, s)}). Shares storage with its input; has no state.
 */
public final class Reshape extends Module {

    private final long[] shape;

    public Reshape(long... shape) {
        int inferred = 0;
        for (long d : shape) {
            if (d == -1) {
                inferred++;
            } else if (d < 0) {
                throw new IllegalArgumentException("Reshape: bad size " + d + " in " + Arrays.toString(shape));
            }
        }
        if (inferred > 1) {
            throw new IllegalArgumentException("Reshape: at most one size may be -1, got " + Arrays.toString(shape));
        }
        this.shape = shape.clone();
    }

    /** The per-sample target shape. */
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.rank() < 1) {
            throw new IllegalArgumentException("Reshape: input needs a batch dimension, got a scalar");
        }
        long[] target = new long[shape.length + 1];
        target[0] = x.size(0);
        System.arraycopy(shape, 0, target, 1, shape.length);
        return x.reshape(target);
    }

    @Override
    protected String extraRepr() {
        return "shape=" + PyRepr.tuple(shape);
    }
}
