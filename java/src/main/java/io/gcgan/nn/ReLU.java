package io.gcgan.nn;

import io.gcgan.tensor.Tensor;

/** Elementwise max(x, 0) (PyTorch's {@code nn.ReLU}). */
public final class ReLU extends Module {

    @Override
    public Tensor forward(Tensor x) {
        return x.relu();
    }
}
