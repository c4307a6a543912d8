package io.gcgan.nn;

import io.gcgan.tensor.Tensor;

/** [N, d1, d2, ...] -> [N, d1 * d2 * ...] (PyTorch's {@code nn.Flatten()}: start_dim 1, end_dim -1). */
public final class Flatten extends Module {

    @Override
    public Tensor forward(Tensor x) {
        if (x.rank() < 2) {
            throw new IllegalArgumentException("Flatten: input needs rank >= 2 (dimension 0 is the batch), got shape "
                    + java.util.Arrays.toString(x.shape()));
        }
        return x.flattenFrom(1);
    }

    @Override
    protected String extraRepr() {
        return "start_dim=1, end_dim=-1";
    }
}
