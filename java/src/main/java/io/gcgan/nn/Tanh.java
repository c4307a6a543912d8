package io.gcgan.nn;

import io.gcgan.tensor.Tensor;

/** Elementwise tanh(x) (PyTorch's {@code nn.Tanh}). */
public final class Tanh extends Module {

    @Override
    public Tensor forward(Tensor x) {
        return x.tanh();
    }
}
